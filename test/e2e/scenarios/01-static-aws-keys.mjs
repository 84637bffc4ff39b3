// A workflow passing stored AWS keys to configure-aws-credentials is flagged in the editor and in
// the Problems panel; a hardcoded key id in source is flagged with the key masked.
import assert from 'node:assert/strict';

export const name = 'stored AWS keys in a workflow and a hardcoded key id are flagged, the key masked';
export const workspace = 'main';

export async function run({ workbench, secrets, log }) {
  await workbench.waitForExplorer();

  await workbench.openFile('.github/workflows/deploy.yml');
  await workbench.waitForSquiggle();
  const workflowProblem = await workbench.waitForProblem(
    (entry) => entry.file === 'deploy.yml' && entry.text.includes('gha-static-aws-keys'),
    'gha-static-aws-keys in deploy.yml',
  );
  log(`deploy.yml: ${workflowProblem.severity} ${workflowProblem.code} ${workflowProblem.position}`);

  await workbench.openFile('config/settings.py');
  await workbench.waitForSquiggle();
  const keyProblem = await workbench.waitForProblem(
    (entry) => entry.file === 'settings.py' && entry.source === 'nhi-hygiene',
    'a finding of nhi-hygiene in config/settings.py',
  );
  log(`settings.py: ${keyProblem.code}: ${keyProblem.message}`);
  // Every entry, not just the first: no message anywhere may show the whole key.
  const leaking = (await workbench.problems()).filter((entry) => entry.text.includes(secrets.awsAccessKeyId));
  assert.equal(leaking.length, 0, `the Problems panel shows the full AWS key id in: ${leaking.map((entry) => entry.code).join(', ')}`);
}
