/**
 * Headless runs must report exactly what the editor shows: the language server over stdio and the
 * CLI over the same tree give identical findings; the SARIF validates against the OASIS schema; a
 * real git pre-commit hook blocks a commit that adds a key and lets the fixed commit through.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { cliFindings, findingKey as key, serverFindings } from '../support/parity';

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const TREES = [join(REPO, 'examples'), join(REPO, 'rules')];

describe('editor and CLI parity', () => {
  for (const tree of TREES) {
    it(`the language server and the CLI report identical findings over ${relative(REPO, tree)}/`, async () => {
      const fromCli = cliFindings(tree).map(key).sort();
      const fromServer = (await serverFindings(tree)).map(key).sort();
      assert.ok(fromCli.length >= 5, `expected a realistic number of findings, got ${fromCli.length}`);
      assert.deepEqual(fromServer, fromCli);
    });
  }
});

describe('SARIF output', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const run = spawnSync(process.execPath, [CLI, 'scan', '--format', 'sarif', '.'], { cwd: join(REPO, 'examples'), encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout) as { runs: Array<{ results: unknown[] }> };
    assert.ok(log.runs[0]!.results.length > 0);
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });
});

describe('git pre-commit hook', () => {
  const temps: string[] = [];
  after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('blocks a commit that adds an AWS secret key and lets the fixed commit through', () => {
    const repo = mkdtempSync(join(tmpdir(), 'nhi-hook-'));
    temps.push(repo);
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" scan --staged\n`);
    chmodSync(join(repo, '.git', 'hooks', 'pre-commit'), 0o755);

    // Synthetic key, assembled so that this test file is not itself a finding.
    const secret = ['Tq4Vb9Zr2Lw7', 'Xn1Kc5Hd8Mf3', 'Jp6Sg0Ye2Ua9Qk4R'].join('');
    assert.equal(secret.length, 40);
    writeFileSync(join(repo, 'settings.py'), `AWS_REGION = "eu-west-1"\naws_secret_access_key = "${secret}"\n`);
    git('add', 'settings.py');
    const blocked = git('commit', '-m', 'add settings');
    assert.notEqual(blocked.status, 0, 'the hook must block the commit');
    assert.match(blocked.stdout + blocked.stderr, /sec-aws/);
    assert.ok(!(blocked.stdout + blocked.stderr).includes(secret), 'the hook output masks the key');
    assert.equal(git('rev-parse', '--verify', 'HEAD').status === 0, false, 'nothing was committed');

    writeFileSync(join(repo, 'settings.py'), 'import os\nAWS_REGION = "eu-west-1"\n# Credentials come from the role the workload runs as.\n');
    git('add', 'settings.py');
    const allowed = git('commit', '-m', 'add settings');
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
  });
});
