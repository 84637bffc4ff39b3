// A workflow passing stored AWS keys to configure-aws-credentials is flagged in the editor (a
// squiggle on the step) and in the Problems panel (our source and rule id); a hardcoded key id
// in source code is flagged with the key masked everywhere it is shown.
import assert from 'node:assert/strict';

export const name = 'stored AWS keys in a workflow and a hardcoded key id are flagged, the key masked';
export const workspace = 'main';

const RULE = 'gha-static-aws-keys';

export async function run({ workbench, secrets, log, screenshot }) {
  await workbench.waitForExplorer();

  await workbench.openFile('.github/workflows/deploy.yml');
  const workflowProblem = await workbench.waitForProblem(
    (entry) => entry.file === 'deploy.yml' && entry.source === 'nhi-hygiene' && entry.code === RULE,
    `${RULE} in deploy.yml`,
  );
  assert.equal(workflowProblem.severity, 'error', `${RULE} is shown as ${workflowProblem.severity}`);
  assert.match(workflowProblem.message, /configure-aws-credentials/, `unexpected message: ${workflowProblem.message}`);
  // The squiggle is on the line the Problems entry points to: the step's aws-access-key-id input.
  const line = Number(/Ln (\d+)/.exec(workflowProblem.position)?.[1]);
  await workbench.waitForSquiggle({ line });
  const lineText = (await workbench.editorText()).split('\n')[line - 1] ?? '';
  assert.match(lineText, /aws-access-key-id/, `the finding points at line ${line}: ${lineText}`);
  log(`deploy.yml: ${workflowProblem.severity} ${workflowProblem.code} ${workflowProblem.position}`);
  await screenshot('workflow');

  await workbench.openFile('config/settings.py');
  await workbench.waitForSquiggle({ line: 5 });
  const keyProblem = await workbench.waitForProblem(
    (entry) => entry.file === 'settings.py' && entry.source === 'nhi-hygiene' && entry.code === 'sec-aws',
    'sec-aws in config/settings.py',
  );
  log(`settings.py: ${keyProblem.code}: ${keyProblem.message.slice(0, 60)}…`);
  // The message shows the key masked: its prefix, then asterisks, never the whole key.
  assert.match(keyProblem.message, /AKIA\*{6,}/, `the message does not show the masked key: ${keyProblem.message}`);
  const hidden = secrets.awsAccessKeyId.slice(4);
  const leaking = (await workbench.problems()).filter((entry) => entry.text.includes(hidden));
  assert.deepEqual(leaking.map((entry) => entry.code), [], 'the Problems panel shows the AWS key id unmasked');
  // Nor does the hover, which repeats the message.
  const hover = await workbench.hoverText(await workbench.waitForSquiggle({ line: 5 }), 'sec-aws');
  assert.ok(!hover.includes(hidden), `the hover shows the AWS key id unmasked:\n${hover}`);
}
