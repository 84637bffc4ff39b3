/**
 * Faults. test/engine/runner.test.ts already shows the Scanner recording a throwing rule as a
 * failure while other rules report; here the same fault goes through the front ends users see:
 * the CLI (exit 2, with the rule and its error in every output format) and the language server (an
 * `internal-error` diagnostic for that rule beside the other rules' findings). Then files that
 * cannot be read (a dangling symlink, a FIFO: tests run as root, so chmod 000 would not stop a
 * read) and configurations that fail to load, each of which must end in a clear message, never a
 * hang or a silent default.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createConnection, StreamMessageReader as ServerReader, StreamMessageWriter as ServerWriter } from 'vscode-languageserver/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { allRules } from '../../rules/index';
import { runCli } from '../../server/src/cli/main';
import { startServer } from '../../server/src/lsp/server';
import type { Rule } from '../../server/src/engine/types';
import { CLI } from './support/server-process';

// Synthetic credentials, assembled at run time so this file holds none.
const SLACK = [['xo', 'xb'].join(''), '2051123456789', '2051987654321', 'Qm8vTz3LpX9aWc4RbN7yKd2F'].join('-');
const GITHUB = ['gh', 'p_', 'R7mQ2xV9kLp4Zt8YbW3nC6dF1gH5jK0sA2Ee'].join('');

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'nhi-faults-'));
  temps.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function cli(cwd: string, ...args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(args, { cwd, stdout: stdout.stream, stderr: stderr.stream, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Makes a registry rule throw for the duration of `body` (the CLI's scanner shares these objects). */
async function breaking<T>(id: string, message: string, body: () => Promise<T>): Promise<T> {
  const rule = allRules.find((candidate) => candidate.id === id) as { check: Rule['check'] } | undefined;
  assert.ok(rule, `no rule ${id}`);
  const original = rule.check;
  rule.check = () => {
    throw new Error(message);
  };
  try {
    return await body();
  } finally {
    rule.check = original;
  }
}

describe('a rule that throws', () => {
  const files = { 'scripts/release.sh': `#!/bin/sh\nexport GITHUB_TOKEN=${GITHUB}\nexport SLACK_BOT_TOKEN=${SLACK}\n` };

  it('makes the CLI exit 2 and name the rule and its error in every format, while the other rules still report', async () => {
    const root = project(files);
    await breaking('sec-github', 'simulated crash in sec-github', async () => {
      for (const format of ['text', 'json', 'sarif', 'github']) {
        const { code, stdout, stderr } = await cli(root, 'scan', '--format', format);
        assert.equal(code, 2, `${format}: exit code`);
        assert.match(stdout + stderr, /sec-github/, `${format}: the failing rule is named`);
        assert.match(stdout + stderr, /simulated crash in sec-github/, `${format}: its error is shown (stdout: ${stdout.slice(0, 500)} stderr: ${stderr.slice(0, 500)})`);
        assert.match(stdout, /sec-slack/, `${format}: the other rules still report`);
      }
    });
    // And once the rule is fixed, the same project exits 1 (findings), not 2.
    assert.equal((await cli(root, 'scan')).code, 1);
  });

  it("gives the language server an 'internal-error' diagnostic for that rule beside the other rules' findings", async () => {
    const broken: Rule = {
      ...allRules.find((rule) => rule.id === 'sec-github')!,
      check() {
        throw new Error('simulated crash in sec-github');
      },
    };
    const rules = allRules.map((rule) => (rule.id === broken.id ? broken : rule));
    // The server on in-memory streams, with the broken registry.
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createConnection(new ServerReader(toServer), new ServerWriter(toClient));
    startServer(serverConnection, rules);
    const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const published = new Map<string, PublishDiagnosticsParams>();
    let wake: (() => void) | undefined;
    client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      published.set(params.uri, params);
      wake?.();
    });
    client.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ debounceMs: 0 })));
    client.onRequest(() => null);
    client.listen();
    try {
      await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } });
      await client.sendNotification('initialized', {});
      const uri = 'file:///faults/scripts/release.sh';
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'shellscript', version: 1, text: files['scripts/release.sh'] } });
      const deadline = Date.now() + 15_000;
      while (published.get(uri)?.version !== 1 && Date.now() < deadline) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 200)));
      const diagnostics = published.get(uri)?.diagnostics ?? [];
      const failure = diagnostics.find((d) => d.code === 'internal-error');
      assert.ok(failure, JSON.stringify(diagnostics));
      assert.match(String(failure.message), /sec-github/);
      assert.match(String(failure.message), /simulated crash/);
      assert.ok(diagnostics.some((d) => d.code === 'sec-slack'), 'the other rules still report');
      // The server keeps answering on that document.
      const hover = await client.sendRequest('textDocument/hover', { textDocument: { uri }, position: diagnostics.find((d) => d.code === 'sec-slack')!.range.start });
      assert.ok(hover, 'hover on the other finding');
    } finally {
      client.dispose();
      serverConnection.dispose();
    }
  });
});

describe('files that cannot be read', () => {
  const run = (cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 10_000, env: { ...process.env, NO_COLOR: '1', CI: '1' } });

  it('a dangling symlink in a scanned folder is named in the text report, with why it was skipped', () => {
    const root = project({ 'config/app.env': `SLACK_BOT_TOKEN=${SLACK}\n` });
    symlinkSync(join(root, 'nowhere', 'secrets.env'), join(root, 'config', 'secrets.env'));
    const result = run(root, 'scan');
    assert.equal(result.signal, null, 'the CLI did not finish');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /sec-slack/, 'the readable file is still scanned');
    const output = result.stdout + result.stderr;
    assert.match(output, /config\/secrets\.env/, `the unreadable file is not named:\n${output}`);
    assert.match(output, /ENOENT|no such file|unreadable|cannot be read/i);
  });

  it('a FIFO named on the command line is reported and skipped, not read forever', () => {
    const root = project({ 'config/app.env': `SLACK_BOT_TOKEN=${SLACK}\n` });
    const fifo = join(root, 'config', 'stream.env');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) return; // no mkfifo on this system
    const result = run(root, 'scan', 'config/stream.env', 'config/app.env');
    assert.equal(result.signal, null, `the CLI hung reading the FIFO and was killed after 10 s (${result.signal})`);
    assert.match(result.stdout + result.stderr, /stream\.env/, 'the FIFO is mentioned');
    assert.match(result.stdout, /sec-slack/);
  });

  it('a FIFO inside a scanned folder does not stop the scan', () => {
    const root = project({ 'config/app.env': `SLACK_BOT_TOKEN=${SLACK}\n` });
    if (spawnSync('mkfifo', [join(root, 'config', 'stream.env')]).status !== 0) return;
    const result = run(root, 'scan', '--format', 'json');
    assert.equal(result.signal, null, 'the CLI hung');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /sec-slack/);
  });
});

describe('configurations that fail to load', () => {
  const files = { 'config/app.env': `SLACK_BOT_TOKEN=${SLACK}\n` };

  it('--config naming a missing file: exit 2 and a message naming it; scanning goes on with defaults', async () => {
    const root = project(files);
    for (const format of ['text', 'json']) {
      const { code, stdout, stderr } = await cli(root, 'scan', '--config', 'ci/missing.yaml', '--format', format);
      assert.equal(code, 2, format);
      assert.match(stdout + stderr, /missing\.yaml/, format);
      assert.match(stdout, /sec-slack/, `${format}: defaults still apply`);
    }
  });

  it('a JavaScript shareable config that throws: exit 2 and its error, with the file and line of the extends entry', async () => {
    const root = project({ ...files, '.nhi-hygiene.yaml': 'extends:\n  - ./team.cjs\n', 'team.cjs': "throw new Error('team config exploded');\n" });
    for (const format of ['text', 'github', 'sarif']) {
      const { code, stdout, stderr } = await cli(root, 'scan', '--format', format);
      assert.equal(code, 2, format);
      assert.match(stdout + stderr, /\.nhi-hygiene\.yaml:2:\d+.*team config exploded/, `${format}: ${stdout.slice(-400)} ${stderr}`);
    }
  });

  it('a config file that is a directory, or invalid JSON: exit 2 with the file named', async () => {
    const directory = project(files);
    mkdirSync(join(directory, '.nhi-hygiene.yaml'));
    const asDirectory = await cli(directory, 'scan');
    assert.equal(asDirectory.code, 2);
    assert.match(asDirectory.stdout + asDirectory.stderr, /\.nhi-hygiene\.yaml.*(EISDIR|directory)/);
    const json = project({ ...files, '.nhi-hygiene.json': '{"rules": {"sec-slack": ' });
    const invalid = await cli(json, 'scan', '--format', 'json');
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /\.nhi-hygiene\.json:\d+:\d+/);
  });

  it('a config file that is a dangling symlink is reported, not silently replaced by the defaults', async () => {
    const root = project(files);
    symlinkSync(join(root, 'shared', 'team-config.yaml'), join(root, '.nhi-hygiene.yaml'));
    const { code, stdout, stderr } = await cli(root, 'scan');
    assert.match(stdout + stderr, /\.nhi-hygiene\.yaml/, `the unreadable config is not mentioned:\n${stdout}\n${stderr}`);
    assert.equal(code, 2, 'a config that cannot be read is a configuration error');
  });
});
