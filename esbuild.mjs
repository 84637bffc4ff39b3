// Bundles the client, the language server and the CLI, and copies the tree-sitter wasm files the
// server and CLI load at run time. `--production` minifies; `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

/**
 * dist/cli.js compiles the CLI bundle with vm.Script to use a V8 code cache, and on Node 20 a
 * script restored from a cache cannot run import() (no loader is attached to it). The
 * dependencies' import() calls all load Node built-ins (the wasm runtime reading a grammar), so
 * they become a require of the built-in, which is what import() resolved to anyway.
 */
const builtinSpecifier = new RegExp(`\\bimport\\((["'])((?:node:)?(?:${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')}))\\1\\)`, 'g');
const builtinImportsAsRequire = {
  name: 'builtin-imports-as-require',
  setup(build) {
    build.onLoad({ filter: /node_modules[\\/].*\.m?js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import(')) return undefined;
      return { contents: source.replace(builtinSpecifier, 'Promise.resolve(__nodeBuiltin($1$2$1))'), loader: 'js' };
    });
  },
};

/**
 * `yaml` as its ES module build. Its CommonJS build (what Node resolution picks) is reached through
 * esbuild's interop namespace, where every `isMap`, `isScalar`... call first runs a getter: 4 ms a
 * keystroke in the rules' walks of a 10,000-line workflow. Its CommonJS parser also reads
 * `process.env.LOG_TOKENS` for every token (a debug switch for yaml's own developers, a call into
 * the C++ environment each time: a third of a whole parse); the ES module build has no such switch.
 * Same source, same version.
 */
const yamlAsEsModule = {
  name: 'yaml-as-es-module',
  setup(build) {
    const entry = join(dirname(require.resolve('yaml/package.json')), 'browser', 'index.js');
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: entry }));
  },
};

const builds = [
  { ...shared, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { ...shared, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', plugins: [yamlAsEsModule] },
  // `__nodeBuiltin` is declared at the top so that no local `require` (the wasm runtime declares one) shadows it.
  { ...shared, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js', plugins: [yamlAsEsModule, builtinImportsAsRequire], banner: { js: 'const __nodeBuiltin = require;' } },
  { ...shared, entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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
