// Runs inside desktop VS Code's extension host (see runTest.mjs). Plain assertions, no framework:
// `run` resolves when every check passed and rejects with the first failure.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

async function waitFor(probe, what, timeoutMs = 30000) {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nhi-hygiene');

async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;

  // A workflow with stored AWS keys is flagged on open, and the OIDC fix removes the finding.
  const workflow = vscode.Uri.file(path.join(folder, '.github', 'workflows', 'deploy.yml'));
  const editor = await vscode.window.showTextDocument(workflow);
  const [finding] = await waitFor(() => ours(workflow).filter((d) => d.code?.value === 'gha-static-aws-keys').length && ours(workflow), 'gha-static-aws-keys');
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', workflow, finding.range);
  const oidc = actions.find((action) => action.title === 'Use GitHub OIDC: role-to-assume + id-token: write');
  assert.ok(oidc, `quick fixes offered: ${actions.map((a) => a.title).join(', ')}`);
  await vscode.workspace.applyEdit(oidc.edit);
  assert.match(editor.document.getText(), /role-to-assume/);
  await waitFor(() => !ours(workflow).some((d) => d.code?.value === 'gha-static-aws-keys'), 'the finding to go away');

  // A private key typed into an untitled document is flagged without saving.
  const untitled = await vscode.workspace.openTextDocument({ content: '' });
  const untitledEditor = await vscode.window.showTextDocument(untitled);
  const body = ['MIIEowIBAAKCAQEA0Zq3vK8x', 'Hc2nWq9LrT4pYb7sXe1GmJ5uVd3', 'Kf8oNa6iCw2QyZt0BhRjUl'].join('');
  await untitledEditor.edit((edit) => edit.insert(new vscode.Position(0, 0), `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`));
  const [keyFinding] = await waitFor(() => ours(untitled.uri).length && ours(untitled.uri), 'sec-private-key on the untitled document');
  assert.equal(keyFinding.code.value, 'sec-private-key');
  assert.ok(!keyFinding.message.includes(body), 'the key is masked');
}

module.exports = { run };
