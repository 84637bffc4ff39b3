// In an untrusted workspace (restricted mode) secrets are still flagged, but a JavaScript config
// named by `extends:` is never executed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const name = 'restricted mode still flags secrets and never runs a JavaScript config';
export const workspace = 'untrusted';
export const settings = { 'security.workspace.trust.enabled': true };

const MARKER = 'team-config-was-executed.marker'; // written by untrusted/team-config.js if it runs

export async function run({ workbench, workspaceDir }) {
  // A fresh profile asks whether to trust the folder; a careful user says no.
  await workbench.answerDialog('trust the authors', "No, I don't trust the authors");
  await workbench.waitForExplorer();
  assert.ok(await workbench.isRestrictedMode(), 'the status bar does not show Restricted Mode');

  await workbench.openFile('config/settings.py');
  await workbench.waitForSquiggle();
  await workbench.waitForProblem(
    (entry) => entry.file === 'settings.py' && entry.source === 'nhi-hygiene',
    'a finding of nhi-hygiene in config/settings.py',
  );
  // The finding came from a scan that resolved this folder's config, so a load would have happened.
  assert.ok(!existsSync(join(workspaceDir, MARKER)), `team-config.js was executed in restricted mode (${MARKER} exists)`);
}
