#!/usr/bin/env node
// Runs the desktop suite (suite.cjs) where desktop VS Code cannot be downloaded: in code-server's
// Node extension host, which runs extension tests like the desktop one does when the workbench
// URL carries `extensionDevelopmentPath` and `extensionTestsPath` (VS Code's own remote test
// mechanism). It keeps suite.cjs honest on the offline CI machines; runTest.mjs remains the
// runner for real desktop VS Code. Needs test/e2e/setup.sh and `npm run build` first.
//
//   node test/e2e/electron/run-in-code-server.mjs
//
// The extension is loaded from the working tree (dist/), as runTest.mjs does. The suite's output
// arrives through the browser console; the last line printed is "N passed, N failed".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllCodeServersSync, startCodeServer } from '../lib/code-server.mjs';
import { prepareWorkspace, syntheticRsaPrivateKeyLines } from '../lib/fixtures.mjs';
import { CHROMIUM_BIN, E2E_DIR, REPO_ROOT, TOOLS_NODE_MODULES } from '../lib/paths.mjs';
import { pollUntil } from '../lib/wait.mjs';

const RESULT = /^(\d+) passed, (\d+) failed$/;
const scratch = mkdtempSync(join(tmpdir(), 'nhi-suite-'));
process.on('exit', () => {
  killAllCodeServersSync();
  rmSync(scratch, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

const workspace = join(scratch, 'main');
const secrets = { ...prepareWorkspace('main', workspace), privateKeyLines: syntheticRsaPrivateKeyLines() };
// The extension host inherits code-server's environment, as it inherits runTests' on the desktop.
process.env.NHI_E2E_SECRETS = JSON.stringify(secrets);
const userDataDir = join(scratch, 'user-data');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
writeFileSync(
  join(userDataDir, 'User', 'settings.json'),
  JSON.stringify({ 'files.autoSave': 'off', 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }, null, 2),
);
const stateDir = join(scratch, 'state');
mkdirSync(stateDir);
const logFile = join(scratch, 'code-server.log');
const server = await startCodeServer({
  workspaceDir: workspace, userDataDir, extensionsDir: join(scratch, 'extensions'), stateDir, tmpDir: join(scratch, 't'), logFile,
});

const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
const payload = [
  ['extensionDevelopmentPath', remote(REPO_ROOT)],
  ['extensionTestsPath', remote(join(E2E_DIR, 'electron', 'suite.cjs'))],
];
const { chromium } = createRequire(join(TOOLS_NODE_MODULES, 'noop.js'))('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM_BIN, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
let failed = 1;
try {
  const page = await browser.newPage();
  let result;
  page.on('console', (message) => {
    // Extension host output is forwarded to the browser console with a "%c INFO color: …" prefix.
    const text = message.text().replace(/^%c\s+\w+\s+color:\s*\S+\s*/, '');
    if (/^[✔✘ ]/.test(text) || RESULT.test(text)) console.log(text);
    result ??= RESULT.exec(text) ?? undefined;
  });
  await page.goto(`${server.folderUrl(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await pollUntil(() => result, { timeout: 180_000, interval: 250, message: 'the suite to finish' });
  failed = Number(result[2]);
} catch (error) {
  console.error(`suite in code-server: ${error.message}`);
  console.log('0 passed, 1 failed');
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
