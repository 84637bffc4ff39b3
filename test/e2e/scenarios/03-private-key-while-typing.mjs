// A private key typed into a new, never-saved file is flagged while typing.
import assert from 'node:assert/strict';
import { syntheticRsaPrivateKeyLines } from '../lib/fixtures.mjs';

export const name = 'a private key typed into an unsaved new file is flagged while typing';
export const workspace = 'main';

export async function run({ workbench, log }) {
  await workbench.waitForExplorer();
  await workbench.newUntitledFile();
  const keyLines = syntheticRsaPrivateKeyLines();
  await workbench.type(`${keyLines.join('\n')}\n`);

  await workbench.waitForSquiggle();
  // VS Code names an untitled editor after its first line once it has content, so the entry is
  // matched by rule and by the active tab's current label.
  const label = await workbench.activeTabLabel();
  const problem = await workbench.waitForProblem(
    (entry) => entry.source === 'nhi-hygiene' && entry.code === 'sec-private-key' && entry.file === label,
    `sec-private-key in the untitled editor '${label}'`,
  );
  log(`${label}: ${problem.code}: ${problem.message}`);
  const body = keyLines.find((line) => !line.startsWith('-----'));
  assert.ok(body && !problem.text.includes(body), 'the key body must not appear in the Problems panel');
  assert.ok(await workbench.activeTabIsDirty(), 'the file should still be unsaved');
}
