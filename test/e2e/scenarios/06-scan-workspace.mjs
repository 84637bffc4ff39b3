// "NHI Hygiene: Scan Workspace" reports findings in files that were never opened.
import assert from 'node:assert/strict';

export const name = 'Scan Workspace reports findings in files that were never opened';
export const workspace = 'main';

/** One finding per fixture file, none of which is opened in this scenario. */
const EXPECTED = [
  { file: 'certs.tf', code: 'tf-tls-cert-validity' },
  { file: 'token-secret.yaml', code: 'k8s-legacy-sa-token-secret' },
  { file: 'deploy.yml', code: 'gha-static-aws-keys' },
  { file: 'settings.py', code: 'sec-aws' },
];

export async function run({ workbench, page, log, screenshot }) {
  await workbench.waitForExplorer();
  await workbench.showProblems();
  // Nothing is open, so nothing is reported before the scan.
  const before = (await workbench.problems()).filter((entry) => entry.source === 'nhi-hygiene');
  assert.deepEqual(before.map((entry) => `${entry.file}: ${entry.code}`), [], 'findings were reported before the scan');

  await workbench.runCommand('NHI Hygiene: Scan Workspace');
  const summary = await workbench.waitForNotification(/NHI Hygiene scanned \d+ files/);
  log(summary);
  const [, scanned, findings, files] = /scanned (\d+) files: (\d+) findings in (\d+) files/.exec(summary) ?? [];
  assert.ok(Number(scanned) >= EXPECTED.length, `the scan covered only ${scanned} files`);
  assert.ok(Number(findings) >= EXPECTED.length && Number(files) >= EXPECTED.length, `the scan reported ${findings} findings in ${files} files`);

  // The list is virtualized, so each expected entry is looked for with the panel's filter.
  for (const { file, code } of EXPECTED) {
    await workbench.filterProblems(code);
    await workbench.waitForProblem((entry) => entry.file === file && entry.code === code && entry.source === 'nhi-hygiene', `${code} in ${file}`);
  }
  await workbench.filterProblems('');
  await screenshot('problems');
  const openTabs = await page.locator('.part.editor .tab .label-name').allTextContents();
  assert.deepEqual(openTabs, [], 'the scan opened editors');
}
