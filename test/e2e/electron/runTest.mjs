#!/usr/bin/env node
// Desktop VS Code runner (`npm run test:electron`), for machines that can download VS Code.
// `@vscode/test-electron` fetches a VS Code build at run time, which the CI machines here cannot,
// so CI runs the code-server suite (test/e2e/run.mjs) instead; this runner checks the same core
// behaviour inside desktop VS Code's extension host. Build first: `npm run build`.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const workspace = mkdtempSync(join(tmpdir(), 'nhi-electron-'));
cpSync(join(repo, 'test', 'e2e', 'workspaces', 'main'), workspace, { recursive: true });

try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(here, 'suite.cjs'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`desktop VS Code tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
