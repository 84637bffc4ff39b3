// Turning a rule off in .nhi-hygiene.yaml and saving removes its findings from an open file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../lib/wait.mjs';

export const name = 'turning a rule off in .nhi-hygiene.yaml removes its findings from an open file';
export const workspace = 'main';

const RULE = 'k8s-legacy-sa-token-secret';
const CONFIG = `rules:\n  ${RULE}: off\n`;

export async function run({ workbench, workspaceDir }) {
  await workbench.waitForExplorer();
  await workbench.openFile('k8s/token-secret.yaml');
  await workbench.waitForSquiggle();
  await workbench.waitForProblem((entry) => entry.file === 'token-secret.yaml' && entry.code === RULE, `${RULE} in token-secret.yaml`);

  await workbench.openFile('.nhi-hygiene.yaml');
  await workbench.replaceEditorContent(CONFIG);
  await workbench.save();
  // The editor may keep the last line's indentation; what matters is that the rule is off on disk.
  await pollUntil(() => readFileSync(join(workspaceDir, '.nhi-hygiene.yaml'), 'utf8').includes(`${RULE}: off`), {
    timeout: 10_000,
    message: 'the saved config to turn the rule off',
  });

  await workbench.waitForNoProblem((entry) => entry.code === RULE, `${RULE} once the rule is off`);
  // token-secret.yaml is still open, and its editor shows no squiggle any more.
  await workbench.page.locator('.tab', { hasText: 'token-secret.yaml' }).click();
  await workbench.waitForActiveTab('token-secret.yaml');
  assert.equal(await workbench.squiggleCount(), 0, 'token-secret.yaml still shows a squiggle');
}
