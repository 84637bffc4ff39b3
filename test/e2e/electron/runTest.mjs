#!/usr/bin/env node
// Desktop VS Code runner (`npm run test:electron`), for machines that can download VS Code.
//
// `@vscode/test-electron` fetches a VS Code build from update.code.visualstudio.com at run time
// (cached in .vscode-test/), which the offline CI machines here cannot reach, so CI runs the
// code-server suite (test/e2e/run.mjs) instead. This runner checks the same behaviour inside
// desktop VS Code's extension host, through the `vscode` API rather than the DOM: see suite.cjs.
// It loads the extension from the working tree (dist/, built by `npm run build`; the npm script
// builds first).
//
//   npm run test:electron                       # latest stable VS Code
//   VSCODE_VERSION=1.100.3 npm run test:electron   # or `insiders`
//   VSCODE_EXECUTABLE=/usr/bin/code npm run test:electron   # an installed VS Code, no download
//
// On a Linux machine without a display, run it under `xvfb-run -a`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { prepareWorkspace, syntheticRsaPrivateKeyLines } from '../lib/fixtures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'nhi-electron-'));
const workspace = join(scratch, 'main');
const userDataDir = join(scratch, 'user-data');
// The same fixture workspace as the code-server suite, with its secrets generated for this run.
const secrets = { ...prepareWorkspace('main', workspace), privateKeyLines: syntheticRsaPrivateKeyLines() };
mkdirSync(join(userDataDir, 'User'), { recursive: true });
writeFileSync(
  join(userDataDir, 'User', 'settings.json'),
  JSON.stringify({ 'files.autoSave': 'off', 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }, null, 2),
);

try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(here, 'suite.cjs'),
    extensionTestsEnv: { NHI_E2E_SECRETS: JSON.stringify(secrets) },
    // Only our extension; trust is off here (restricted mode is covered by the code-server suite).
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir, '--skip-welcome', '--skip-release-notes'],
  });
} catch (error) {
  console.error(`desktop VS Code tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
