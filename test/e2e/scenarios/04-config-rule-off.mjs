// Turning a rule off in .nhi-hygiene.yaml removes its findings from an open file while the
// config is being edited (before it is saved), and saving keeps them off.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../lib/wait.mjs';

export const name = 'turning a rule off in .nhi-hygiene.yaml removes its findings from an open file';
export const workspace = 'main';

const RULE = 'k8s-legacy-sa-token-secret';
const CONFIG = `rules:\n  ${RULE}: off\n`;

export async function run({ workbench, workspaceDir, log, screenshot }) {
  await workbench.waitForExplorer();
  await workbench.openFile('k8s/token-secret.yaml');
  await workbench.waitForSquiggle();
  await workbench.waitForProblem((entry) => entry.file === 'token-secret.yaml' && entry.code === RULE, `${RULE} in token-secret.yaml`);
  // A finding of another rule in another open file must survive the change.
  await workbench.openFile('config/settings.py');
  await workbench.waitForProblem((entry) => entry.file === 'settings.py' && entry.code === 'sec-aws', 'sec-aws in settings.py');

  await workbench.openFile('.nhi-hygiene.yaml');
  await workbench.replaceEditorContent(CONFIG);
  await workbench.waitForNoProblem((entry) => entry.code === RULE, `${RULE} while the config is edited, unsaved`);
  assert.ok(await workbench.activeTabIsDirty(), 'the config should not have been saved yet');
  log('the finding went away before the config was saved');
  await screenshot('unsaved-config');

  await workbench.save();
  await pollUntil(() => readFileSync(join(workspaceDir, '.nhi-hygiene.yaml'), 'utf8').includes(`${RULE}: off`), {
    timeout: 10_000,
    message: 'the saved config to turn the rule off',
  });
  // The save triggers a reload from disk (file watcher); the rule stays off and nothing else changes.
  await workbench.waitForProblem((entry) => entry.file === 'settings.py' && entry.code === 'sec-aws', 'sec-aws in settings.py after the save');
  assert.ok(!(await workbench.problems()).some((entry) => entry.code === RULE), `${RULE} is back after saving the config`);
  assert.ok(!(await workbench.problems()).some((entry) => entry.file === '.nhi-hygiene.yaml'), 'the config file has problems');
  // token-secret.yaml is still open, and its editor shows no squiggle any more.
  await workbench.page.locator('.tab', { hasText: 'token-secret.yaml' }).click();
  await workbench.waitForActiveTab('token-secret.yaml');
  await pollUntil(async () => (await workbench.squiggleCount()) === 0, { timeout: workbench.timeout, message: 'token-secret.yaml to show no squiggle' });
}
