/**
 * The server and project configuration: `nhi-hygiene lsp --stdio` (the CLI entry other editors
 * use), config edits re-linting open documents while typing, problems shown on the config file,
 * and untrusted workspaces never running a JavaScript shareable config.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { LspTestClient } from '../support/lsp-client';
import { tempTree } from '../support/temp-tree';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const TOKEN_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: build-robot-token
  annotations:
    kubernetes.io/service-account.name: build-robot
type: kubernetes.io/service-account-token
`;

const workspace = (files: Record<string, string>) => tempTree(files, 'nhi-lsp-');

async function open(client: LspTestClient, path: string, version = 1) {
  const uri = pathToFileURL(path).toString();
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text: readFileSync(path, 'utf8') } });
  return uri;
}

describe('nhi-hygiene lsp --stdio', () => {
  it('serves diagnostics through the CLI entry point', async () => {
    const root = workspace({ 'k8s/token.yaml': TOKEN_SECRET });
    const client = new LspTestClient(['lsp', '--stdio'], CLI);
    try {
      await client.initialize(pathToFileURL(root).toString());
      const uri = await open(client, join(root, 'k8s/token.yaml'));
      const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['k8s-legacy-sa-token-secret']);
    } finally {
      await client.shutdown();
    }
  });
});

describe('project configuration in the server', () => {
  it('re-lints open documents while the config is edited, and shows config problems on the file', async () => {
    const root = workspace({ 'k8s/token.yaml': TOKEN_SECRET, '.nhi-hygiene.yaml': 'rules: {}\n' });
    const client = new LspTestClient();
    try {
      await client.initialize(pathToFileURL(root).toString());
      const manifest = await open(client, join(root, 'k8s/token.yaml'));
      await client.waitForDiagnostics(manifest, (p) => p.diagnostics.some((d) => d.code === 'k8s-legacy-sa-token-secret'));

      const config = await open(client, join(root, '.nhi-hygiene.yaml'));
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: config, version: 2 },
        contentChanges: [{ text: 'rules:\n  k8s-legacy-sa-token-secret: off\n' }],
      });
      await client.waitForDiagnostics(manifest, (p) => p.diagnostics.length === 0);

      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: config, version: 3 },
        contentChanges: [{ text: 'rules:\n  k8s-legacy-sa-token-secrets: off\n' }],
      });
      const problems = await client.waitForDiagnostics(config, (p) => p.diagnostics.some((d) => d.code === 'config'));
      const [problem] = problems.diagnostics;
      assert.match(String(problem!.message), /Unknown rule `k8s-legacy-sa-token-secrets`\. Did you mean `k8s-legacy-sa-token-secret`\?/);
      assert.equal(problem!.range.start.line, 1);
      // The unknown id is ignored; the rule is on again.
      await client.waitForDiagnostics(manifest, (p) => p.diagnostics.some((d) => d.code === 'k8s-legacy-sa-token-secret'));
    } finally {
      await client.shutdown();
    }
  });

  it('does not run a JavaScript shareable config in an untrusted workspace, and still flags findings', async () => {
    const root = workspace({
      'k8s/token.yaml': TOKEN_SECRET,
      '.nhi-hygiene.yaml': 'extends:\n  - ./team.cjs\n',
      'team.cjs': "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'ran'), 'yes');\nmodule.exports = { rules: { 'k8s-legacy-sa-token-secret': 'off' } };\n",
    });
    const client = new LspTestClient();
    try {
      await client.initialize(pathToFileURL(root).toString(), {}, { workspaceTrusted: false });
      const manifest = await open(client, join(root, 'k8s/token.yaml'));
      await client.waitForDiagnostics(manifest, (p) => p.diagnostics.some((d) => d.code === 'k8s-legacy-sa-token-secret'));
      await open(client, join(root, '.nhi-hygiene.yaml'));
      const config = pathToFileURL(join(root, '.nhi-hygiene.yaml')).toString();
      const problems = await client.waitForDiagnostics(config, (p) => p.diagnostics.length > 0);
      assert.match(String(problems.diagnostics[0]!.message), /not trusted/);
      assert.equal(existsSync(join(root, 'ran')), false, 'workspace code must not run');
    } finally {
      await client.shutdown();
    }
  });
});

describe('pull diagnostics (LSP 3.17)', () => {
  it('answers textDocument/diagnostic with the same findings when the client asks for pull mode', async () => {
    const root = workspace({ 'k8s/token.yaml': TOKEN_SECRET });
    const client = new LspTestClient();
    try {
      const result = (await client.initialize(pathToFileURL(root).toString(), { textDocument: { diagnostic: { dynamicRegistration: false } } }, { diagnosticMode: 'pull' })) as {
        capabilities: { diagnosticProvider?: unknown };
      };
      assert.ok(result.capabilities.diagnosticProvider, 'the server advertises pull diagnostics');
      const uri = await open(client, join(root, 'k8s/token.yaml'));
      const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { kind: string; items: Array<{ code: string }> };
      assert.equal(report.kind, 'full');
      assert.deepEqual(report.items.map((item) => item.code), ['k8s-legacy-sa-token-secret']);
    } finally {
      await client.shutdown();
    }
  });
});
