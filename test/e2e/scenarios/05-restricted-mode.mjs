// In an untrusted workspace (restricted mode) secrets are still flagged, but the JavaScript
// shared configs named by `extends:` (a local file and an npm package) are never executed: the
// refusal is reported on the config file instead. Trusting the folder then loads them, which
// shows that the checks above would have caught an execution.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UNTRUSTED_MARKERS } from '../lib/fixtures.mjs';
import { pollUntil } from '../lib/wait.mjs';

export const name = 'restricted mode still flags secrets and never runs a JavaScript shared config';
export const workspace = 'untrusted';
export const settings = { 'security.workspace.trust.enabled': true };

const CONFIG = '.nhi-hygiene.yaml';

export async function run({ workbench, workspaceDir, log, screenshot }) {
  const markers = Object.values(UNTRUSTED_MARKERS).map((marker) => join(workspaceDir, marker));
  const executed = () => markers.filter((marker) => existsSync(marker));

  // A fresh profile asks whether to trust the folder; a careful user says no.
  await workbench.answerDialog('trust the authors', "No, I don't trust the authors");
  await workbench.waitForExplorer();
  assert.ok(await workbench.isRestrictedMode(), 'the status bar does not show Restricted Mode');

  // The secret is flagged, although the npm package config (had it run) would turn sec-aws off.
  await workbench.openFile('config/settings.py');
  await workbench.waitForSquiggle();
  const finding = await workbench.waitForProblem(
    (entry) => entry.file === 'settings.py' && entry.code === 'sec-aws',
    'sec-aws in config/settings.py',
  );
  log(`settings.py: ${finding.code}: ${finding.message.slice(0, 60)}…`);

  // The config file explains why each JavaScript config was not loaded.
  for (const extended of ['./team-config.js', '@acme/nhi-hygiene-config']) {
    const refusal = await workbench.waitForProblem(
      (entry) => entry.file === CONFIG && entry.message.includes(`Not loading \`${extended}\``) && entry.message.includes('not trusted'),
      `the refusal to load ${extended} on ${CONFIG}`,
    );
    log(`${CONFIG}: ${refusal.severity} ${refusal.position} ${refusal.message.slice(0, 70)}…`);
  }
  assert.deepEqual(executed(), [], 'a JavaScript config was executed in restricted mode');
  await screenshot('restricted');

  // Positive control: once the user trusts the folder, the configs load (and sec-aws goes off).
  await workbench.trustWorkspace();
  await pollUntil(() => executed().length === markers.length, {
    timeout: workbench.timeout,
    message: 'the JavaScript configs to run once the folder is trusted',
    describe: () => `executed: ${executed().join(', ') || 'none'}`,
  });
  await workbench.waitForNoProblem((entry) => entry.file === CONFIG, `the refusals on ${CONFIG} once trusted`);
  await workbench.waitForNoProblem((entry) => entry.code === 'sec-aws', 'sec-aws once the npm config turns it off');
}
