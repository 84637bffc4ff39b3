import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Hover, PublishDiagnosticsParams, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { LspTestClient, SERVER } from '../support/lsp-client';

const WORKFLOW_URI = 'file:///project/.github/workflows/deploy.yml';
const WORKFLOW = `name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: eu-west-1
      - run: aws s3 sync ./site s3://my-site
`;

const byRule = (params: PublishDiagnosticsParams, rule: string) => params.diagnostics.filter((d) => d.code === rule);

describe('language server over stdio', () => {
  const client = new LspTestClient();
  before(async () => {
    const result = (await client.initialize()) as { capabilities: Record<string, unknown> };
    assert.equal((result.capabilities.textDocumentSync as { change: number }).change, 2, 'incremental sync');
    assert.ok(result.capabilities.codeActionProvider);
    assert.ok(result.capabilities.hoverProvider);
  });
  after(() => client.shutdown());

  it('publishes a diagnostic for static AWS keys on open, with a docs link', async () => {
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: WORKFLOW_URI, languageId: 'yaml', version: 1, text: WORKFLOW },
    });
    const published = await client.waitForDiagnostics(WORKFLOW_URI, (p) => p.version === 1);
    const [diagnostic] = byRule(published, 'gha-static-aws-keys');
    assert.ok(diagnostic, JSON.stringify(published));
    assert.equal(diagnostic.range.start.line, 11);
    assert.equal(diagnostic.source, 'nhi-hygiene');
    assert.match(diagnostic.codeDescription!.href, /gha-static-aws-keys\/docs\.md$/);
  });

  it('hover explains why the finding matters', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: WORKFLOW_URI },
      position: { line: 11, character: 14 },
    })) as Hover;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /Why it matters/);
    assert.match(text, /OIDC/);
  });

  it('re-scans incremental edits and reports the latest version only', async () => {
    // Turn the static key input into a comment: the finding must go away in version 2.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: WORKFLOW_URI, version: 2 },
      contentChanges: [{ range: { start: { line: 11, character: 10 }, end: { line: 11, character: 10 } }, text: '# ' }],
    });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: WORKFLOW_URI, version: 3 },
      contentChanges: [{ range: { start: { line: 11, character: 10 }, end: { line: 11, character: 12 } }, text: '' }],
    });
    const published = await client.waitForDiagnostics(WORKFLOW_URI, (p) => p.version === 3);
    assert.equal(byRule(published, 'gha-static-aws-keys').length, 1);
  });

  it('offers the OIDC quick fix, and applying it removes the finding', async () => {
    const published = await client.waitForDiagnostics(WORKFLOW_URI, (p) => p.version === 3);
    const diagnostics = byRule(published, 'gha-static-aws-keys');
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: WORKFLOW_URI },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) as CodeAction[];
    const fix = actions.find((action) => action.title === 'Use GitHub OIDC: role-to-assume + id-token: write');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.isPreferred, true);
    const change = fix.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.version, 3);
    const fixed = TextDocument.applyEdits(TextDocument.create(WORKFLOW_URI, 'yaml', 3, WORKFLOW), change.edits as TextEdit[]);
    assert.match(fixed, /role-to-assume: /);
    assert.match(fixed, /id-token: write/);
    assert.doesNotMatch(fixed, /aws-access-key-id/);

    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: WORKFLOW_URI, version: 4 },
      contentChanges: [{ text: fixed }],
    });
    const after = await client.waitForDiagnostics(WORKFLOW_URI, (p) => p.version === 4);
    assert.deepEqual(byRule(after, 'gha-static-aws-keys'), []);
  });

  it('flags a private key typed into an untitled buffer, masking the value', async () => {
    const uri = 'untitled:Untitled-1';
    const body = Array.from({ length: 12 }, (_, i) => 'MIIEow' + 'IBAAKCAQEA7x9kQ2mZ'.repeat(3).slice(0, 58) + String(i % 10)).join('\n');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text: '' } });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n` }],
    });
    const published = await client.waitForDiagnostics(uri, (p) => p.version === 2);
    const [diagnostic] = byRule(published, 'sec-private-key');
    assert.ok(diagnostic, JSON.stringify(published.diagnostics));
    assert.ok(!String(diagnostic.message).includes(body.slice(0, 40)), 'the key material must not appear in the message');
  });

  it('settles a whole-file parse it left for later, and then shows what the CLI shows', async () => {
    // A Terraform file whose last edit closes nothing it broke: each keystroke's whole-file parse
    // waits until the editor is idle. Here that parse is clean: a string runs on over the lines of
    // a certificate block, which is then not a block at all, and its finding must go.
    const uri = 'file:///project/infra/settle.tf';
    const certificate = 'resource "tls_self_signed_cert" "ca" {\n  validity_period_hours = 87600\n}\n';
    const head = '# Case 2: PASS: Ex a SAS policy with an expiry\nresotem" "shared" {\n  # Makes tempotent; notedential.\n';
    const tail = 'data "aw_ssm_parameters_by_path" "app" {\n  path = "/app/"\n}\n\noutput "next_page" {\n  value = { NextToken = "eyJwYWdlIjogMn0-page2" }\n}\n';
    const broken = `${head}  creation_token = "shared-build-cache"\n}\n\n${certificate}${tail}`;
    const runsOn = `${head}  creation_token = "share\n${certificate}${tail}`;
    const certificateFindings = (params: PublishDiagnosticsParams) => byRule(params, 'tf-tls-cert-validity').length;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'terraform', version: 1, text: broken } });
    assert.equal(certificateFindings(await client.waitForDiagnostics(uri, (p) => p.version === 1)), 1, 'the certificate block is a block');
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: runsOn }] });
    const settled = await client.waitForDiagnostics(uri, (p) => p.version === 2 && certificateFindings(p) === 0, 5_000);
    assert.equal(settled.version, 2);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('clears diagnostics when a document closes', async () => {
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: WORKFLOW_URI } });
    const published = await client.waitForDiagnostics(WORKFLOW_URI, (p) => p.diagnostics.length === 0);
    assert.deepEqual(published.diagnostics, []);
  });
});

describe('language server process over stdio', () => {
  /** Starts the bundled server, initializes it, optionally asks it to shut down, then closes its stdin; resolves with its exit code. */
  async function exitCodeAfterStdinCloses(shutdownFirst: boolean): Promise<number | null> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    const result = (await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as { capabilities: object };
    assert.ok(result.capabilities, 'framed messages both ways');
    if (shutdownFirst) await connection.sendRequest('shutdown');
    child.stdin!.end();
    const code = await exited;
    connection.dispose();
    return code;
  }

  it('exits when the editor closes the pipe: 0 after a shutdown request, 1 without', async () => {
    assert.equal(await exitCodeAfterStdinCloses(true), 0);
    assert.equal(await exitCodeAfterStdinCloses(false), 1);
  });
});
