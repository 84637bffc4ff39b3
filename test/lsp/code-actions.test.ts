/**
 * Code actions over a real stdio connection: "fix all of this rule", "suppress with a reason"
 * (which then suppresses), and snippet placeholders only for clients that support them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CreateFile, PublishDiagnosticsParams, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from '../support/lsp-client';
import { tempTree } from '../support/temp-tree';

const URI = 'file:///project/src/clients.ts';
// Synthetic values, assembled so this file is not itself a finding.
const KEY_A = ['q7Vb', 'Xm2P', 'k9Lw', 'R4tZ', 'n8Hs'].join('');
const KEY_B = ['T3rG', 'w6Yc', 'J1pD', 'f5Qm', 'a0Ue'].join('');
const SOURCE = `import { Client } from './client';

const paymentsKey = process.env.PAYMENTS_API_KEY || '${KEY_A}';
const ledgerToken = process.env.LEDGER_TOKEN ?? '${KEY_B}';

export const payments = new Client(paymentsKey);
export const ledger = new Client(ledgerToken);
`;
const RULE = 'code-env-literal-fallback';

const ours = (params: PublishDiagnosticsParams) => params.diagnostics.filter((d) => d.code === RULE);

async function actionsFor(client: LspTestClient, published: PublishDiagnosticsParams, index = 0): Promise<CodeAction[]> {
  const diagnostics = ours(published);
  return (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: diagnostics[index]!.range,
    context: { diagnostics: [diagnostics[index]] },
  })) as CodeAction[];
}

function apply(text: string, version: number, action: CodeAction): string {
  const change = action.edit!.documentChanges![0] as TextDocumentEdit;
  return TextDocument.applyEdits(TextDocument.create(URI, 'typescript', version, text), change.edits as TextEdit[]);
}

describe('code actions', () => {
  const client = new LspTestClient();
  before(() => client.initialize());
  after(() => client.shutdown());

  it('fixes every finding of a rule in the file at once', async () => {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'typescript', version: 1, text: SOURCE } });
    const published = await client.waitForDiagnostics(URI, (p) => p.version === 1);
    assert.equal(ours(published).length, 2);
    const actions = await actionsFor(client, published);
    const fixAll = actions.find((action) => action.title === `Fix all ${RULE} problems in this file`);
    assert.ok(fixAll, JSON.stringify(actions.map((a) => a.title)));
    const fixed = apply(SOURCE, 1, fixAll);
    assert.equal(fixed.match(/throw new Error/g)?.length, 2);
    assert.ok(!fixed.includes(KEY_A) && !fixed.includes(KEY_B));
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual(ours(await client.waitForDiagnostics(URI, (p) => p.version === 2)), []);
  });

  it('suppresses with a reason: the directive names the rule and, once filled in, hides the finding', async () => {
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: SOURCE }] });
    const published = await client.waitForDiagnostics(URI, (p) => p.version === 3);
    const suppress = (await actionsFor(client, published)).find((action) => action.title === `Suppress ${RULE} on this line with a reason`);
    assert.ok(suppress);
    const withDirective = apply(SOURCE, 3, suppress);
    assert.match(withDirective, new RegExp(`^// nhi-hygiene-disable-next-line ${RULE} -- <why this is acceptable>\\nconst paymentsKey`, 'm'));
    const reasoned = withDirective.replace('<why this is acceptable>', 'local development default, rotated weekly');
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 4 }, contentChanges: [{ text: reasoned }] });
    const after = await client.waitForDiagnostics(URI, (p) => p.version === 4);
    assert.deepEqual(ours(after).map((d) => d.range.start.line), [4], 'only the unsuppressed finding remains');
    assert.deepEqual(after.diagnostics.filter((d) => String(d.code).startsWith('suppression-')), []);
  });
});

describe('snippet placeholders', () => {
  it('are tab stops for clients with snippet edit support, plain marked text otherwise', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(null, { workspace: { configuration: true, workspaceEdit: { documentChanges: true, snippetEditSupport: true } } });
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'typescript', version: 1, text: SOURCE } });
      const published = await client.waitForDiagnostics(URI, (p) => p.version === 1);
      const suppress = (await actionsFor(client, published)).find((action) => action.title.startsWith('Suppress'));
      const edit = (suppress!.edit!.documentChanges![0] as TextDocumentEdit).edits[0] as unknown as { snippet?: { value: string } };
      assert.match(edit.snippet?.value ?? '', /\$\{1:<why this is acceptable>\}/);
    } finally {
      await client.shutdown();
    }
  });
});

describe('companion files', () => {
  const TF = `resource "aws_iam_user" "ci" {\n  name = "ci-deployer"\n}\n\nresource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n`;

  async function companionActions(resourceOperations: string[] | undefined, dir: string) {
    const client = new LspTestClient();
    try {
      const workspaceEdit = { documentChanges: true, ...(resourceOperations ? { resourceOperations } : {}) };
      await client.initialize(null, { workspace: { configuration: true, workspaceEdit } });
      const uri = pathToFileURL(join(dir, 'iam.tf')).toString();
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'terraform', version: 1, text: TF } });
      const published = await client.waitForDiagnostics(uri, (p) => p.version === 1);
      const diagnostic = published.diagnostics.find((d) => d.code === 'tf-aws-iam-access-key');
      assert.ok(diagnostic, JSON.stringify(published.diagnostics));
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
      })) as CodeAction[];
      return actions.filter((action) => action.title.includes('new file'));
    } finally {
      await client.shutdown();
    }
  }

  it('creates the trust side as a new file beside the document, never over an existing one', async () => {
    const dir = tempTree({ 'github-oidc-ci.tf': '# already here\n' });
    const [action] = await companionActions(['create', 'rename', 'delete'], dir);
    assert.ok(action, 'a companion action is offered');
    const [create, insert] = action.edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    assert.equal(create.kind, 'create');
    assert.equal(create.uri, pathToFileURL(join(dir, 'github-oidc-ci-2.tf')).toString(), 'numbered, as github-oidc-ci.tf exists');
    assert.deepEqual(create.options, { overwrite: false, ignoreIfExists: false });
    assert.equal(insert.textDocument.uri, create.uri);
    assert.match((insert.edits[0] as TextEdit).newText, /resource "aws_iam_role" "ci_github"/);
    assert.equal(readFileSync(join(dir, 'github-oidc-ci.tf'), 'utf8'), '# already here\n');
  });

  it('is not offered to clients that cannot create files', async () => {
    assert.deepEqual(await companionActions(undefined, tempTree({})), []);
  });
});
