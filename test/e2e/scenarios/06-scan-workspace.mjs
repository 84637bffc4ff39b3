// "NHI Hygiene: Scan Workspace" reports findings in files that were never opened.
import assert from 'node:assert/strict';

export const name = 'Scan Workspace reports findings in a file that was never opened';
export const workspace = 'main';

const RULE = 'tf-tls-cert-validity';

export async function run({ workbench, page }) {
  await workbench.waitForExplorer();
  await workbench.showProblems();
  // Only the command may scan unopened files.
  assert.ok(!(await workbench.problems()).some((entry) => entry.code === RULE), `${RULE} was reported before the scan`);

  await workbench.runCommand('NHI Hygiene: Scan Workspace');
  await workbench.filterProblems(RULE); // the list is virtualized; show only the entry we look for
  await workbench.waitForProblem((entry) => entry.file === 'certs.tf' && entry.code === RULE, `${RULE} in terraform/certs.tf`);
  const openTabs = await page.locator('.part.editor .tab .label-name').allTextContents();
  assert.ok(!openTabs.includes('certs.tf'), 'certs.tf was opened in an editor');
}
