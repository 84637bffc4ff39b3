// Bundles the client, the language server and the CLI, and copies the tree-sitter wasm files the
// server and CLI load at run time. `--production` minifies; `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const shared = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  loader: { '.md': 'text' },
  logLevel: 'info',
  // The wasm runtime probes for these Node built-ins; they exist at run time.
  external: ['vscode'],
};

const builds = [
  { ...shared, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { ...shared, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...shared, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

function copyWasm() {
  const out = 'dist/wasm';
  mkdirSync(out, { recursive: true });
  const vscodeWasm = dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm'));
  for (const file of ['tree-sitter.wasm', 'tree-sitter-javascript.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm',
    'tree-sitter-python.wasm', 'tree-sitter-go.wasm', 'tree-sitter-java.wasm', 'tree-sitter-bash.wasm']) {
    cpSync(join(vscodeWasm, file), join(out, file));
  }
  cpSync(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'), join(out, 'tree-sitter-hcl.wasm'));
}

copyWasm();
if (watch) {
  for (const options of builds) await (await context(options)).watch();
} else {
  await Promise.all(builds.map((options) => build(options)));
}
