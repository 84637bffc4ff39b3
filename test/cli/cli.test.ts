/**
 * The CLI as users run it: exit codes, formats, paths relative to the root, masking, config
 * problems, baselines and the staged index. Most cases call `runCli` in-process with captured
 * streams; one spawns the bundled `dist/cli.js` to prove the real binary behaves the same.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { runCli } from '../../server/src/cli/main';
import { MIN_FILES_FOR_WORKERS, threadCount } from '../../server/src/cli/scan-pool';
import { SCAN_WORKER_ROLE } from '../../server/src/cli/worker-role';
import { tempTree } from '../support/temp-tree';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

// Synthetic credentials, assembled at run time so this file itself is not a finding.
const SLACK_TOKEN = ['xoxb', '2051123456789', '2051987654321', 'Qm8vTz3LpX9aWc4RbN7yKd2F'].join('-');
const GITHUB_PAT = 'ghp_' + 'R7mQ2xV9kLp4Zt8YbW3nC6dF1gH5jK0sA2Ee';

const WORKFLOW = `name: deploy
on: [push]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: eu-west-1
`;

const project = (files: Record<string, string>) => tempTree(files, 'nhi-cli-');

function capture() {
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
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(args, { cwd, stdout: stdout.stream, stderr: stderr.stream, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('nhi-hygiene scan', () => {
  it('reports findings grouped by file, relative to the root, with masked secrets, and exits 1', async () => {
    const root = project({
      '.github/workflows/deploy.yml': WORKFLOW,
      'config/notifications.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`,
      'README.md': '# nothing to see\n',
    });
    const { code, stdout } = await cli(root, 'scan');
    assert.equal(code, 1);
    assert.match(stdout, /^\.github\/workflows\/deploy\.yml$/m);
    assert.match(stdout, /^config\/notifications\.env$/m);
    assert.match(stdout, /gha-static-aws-keys/);
    assert.match(stdout, /sec-slack/);
    assert.match(stdout, /fix: Use GitHub OIDC/);
    assert.ok(!stdout.includes(SLACK_TOKEN), 'the token must be masked');
    assert.ok(!stdout.includes(root), 'paths are relative to the scanned root');
    assert.match(stdout, /3 files scanned/);
  });

  it('exits 0 when nothing is at or above --fail-on, and 1 once the threshold drops', async () => {
    const root = project({ '.github/workflows/deploy.yml': WORKFLOW });
    const json = JSON.parse((await cli(root, 'scan', '--format', 'json')).stdout) as { files: Array<{ findings: Array<{ severity: string }> }> };
    const severities = new Set(json.files.flatMap((file) => file.findings.map((finding) => finding.severity)));
    assert.ok(severities.size > 0);
    const highest = severities.has('error') ? 'error' : severities.has('warning') ? 'warning' : 'info';
    assert.equal((await cli(root, 'scan', '--fail-on', highest)).code, 1);
    const clean = project({ 'src/app.ts': 'export const port = Number(process.env.PORT ?? 8080);\n' });
    assert.equal((await cli(clean, 'scan', '--fail-on', 'info')).code, 0);
    assert.equal((await cli(root, 'scan', '--fail-on', 'never')).code, 0, '--fail-on never reports without failing');
  });

  it('writes JSON with 1-based positions, fingerprints and no secret values', async () => {
    const root = project({ 'scripts/release.sh': `#!/bin/sh\nexport GITHUB_TOKEN=${GITHUB_PAT}\ngh release create v1\n` });
    const { code, stdout } = await cli(root, 'scan', '--format', 'json');
    assert.equal(code, 1);
    assert.ok(!stdout.includes(GITHUB_PAT));
    const report = JSON.parse(stdout) as { files: Array<{ path: string; findings: Array<Record<string, unknown>> }>; summary: { filesScanned: number } };
    assert.equal(report.summary.filesScanned, 1);
    const [file] = report.files;
    assert.equal(file!.path, 'scripts/release.sh');
    const finding = file!.findings.find((item) => item.ruleId === 'sec-github');
    assert.ok(finding, JSON.stringify(file));
    assert.equal(finding.line, 2);
    assert.equal(finding.category, 'secret');
    assert.match(String(finding.fingerprint), /\S{8,}/);
    assert.match(String(finding.maskedSecret), /\*/);
  });

  it('writes SARIF 2.1.0 with rule metadata, categories and partial fingerprints', async () => {
    const root = project({ '.github/workflows/deploy.yml': WORKFLOW, 'config/app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n` });
    const { stdout } = await cli(root, 'scan', '--format', 'sarif');
    assert.ok(!stdout.includes(SLACK_TOKEN));
    const sarif = JSON.parse(stdout) as {
      version: string;
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string; help: { text: string } }> } }; results: Array<Record<string, any>> }>;
    };
    assert.equal(sarif.version, '2.1.0');
    const [run] = sarif.runs;
    const ruleIds = run!.tool.driver.rules.map((rule) => rule.id);
    assert.ok(run!.results.length >= 2);
    for (const result of run!.results) {
      assert.ok(['secret', 'long-lived-credential', 'missing-ttl', 'fallback'].includes(result.properties.category));
      assert.ok(result.partialFingerprints['nhiHygiene/v1']);
      assert.equal(run!.tool.driver.rules[result.ruleIndex]!.id, result.ruleId, 'ruleIndex points at the rule');
      assert.ok(ruleIds.includes(result.ruleId));
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(!result.locations[0].physicalLocation.artifactLocation.uri.startsWith('/'));
    }
    for (const rule of run!.tool.driver.rules) {
      assert.match(rule.helpUri, new RegExp(`/${rule.id}/docs\\.md$`));
      assert.ok(rule.help.text.length > 20, `${rule.id} has help text`);
    }
  });

  it('writes GitHub annotations', async () => {
    const root = project({ '.github/workflows/deploy.yml': WORKFLOW });
    const { stdout } = await cli(root, 'scan', '--format', 'github');
    assert.match(stdout, /^::(error|warning|notice) file=\.github\/workflows\/deploy\.yml,line=9,col=\d+,.*title=nhi-hygiene gha-static-aws-keys::/m);
  });

  it('writes the report to --output and keeps stdout empty', async () => {
    const root = project({ '.github/workflows/deploy.yml': WORKFLOW });
    const { code, stdout, stderr } = await cli(root, 'scan', '--format', 'sarif', '--output', 'out.sarif');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /out\.sarif/);
    assert.equal((JSON.parse(readFileSync(join(root, 'out.sarif'), 'utf8')) as { version: string }).version, '2.1.0');
  });

  it('exits 2 on usage errors', async () => {
    const root = project({ 'a.txt': 'hello\n' });
    assert.equal((await cli(root, 'scan', '--format', 'xml')).code, 2);
    assert.equal((await cli(root, 'scan', '--no-such-flag')).code, 2);
    assert.equal((await cli(root, 'scan', 'missing-dir')).code, 2);
    assert.equal((await cli(root, 'frobnicate')).code, 2);
    const help = await cli(root, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: nhi-hygiene/);
  });

  it('reports a broken config with its position, scans with defaults and exits 2', async () => {
    const root = project({ '.nhi-hygiene.yaml': 'rules:\n  gha-static-aws-keys: [off\n', '.github/workflows/deploy.yml': WORKFLOW });
    const { code, stdout } = await cli(root, 'scan');
    assert.equal(code, 2);
    assert.match(stdout, /\.nhi-hygiene\.yaml:\d+:\d+ error Invalid YAML/);
    assert.match(stdout, /gha-static-aws-keys/, 'scanning goes on with the default configuration');
  });

  it('flags unknown rules and bad severities in the config, with a suggestion', async () => {
    const root = project({ '.nhi-hygiene.yaml': 'rules:\n  gha-static-aws-key: off\n  sec-slack: loud\n', 'a.txt': 'hi\n' });
    const { code, stdout } = await cli(root, 'scan');
    assert.equal(code, 2);
    assert.match(stdout, /\.nhi-hygiene\.yaml:2:3 error Unknown rule `gha-static-aws-key`\. Did you mean `gha-static-aws-keys`\?/);
    assert.match(stdout, /:3:\d+ error Invalid severity `loud`/);
  });

  it('applies config rules, overrides and excludes', async () => {
    const root = project({
      '.nhi-hygiene.yaml': [
        'rules:',
        '  sec-slack: warning',
        'exclude:',
        '  - fixtures/',
        'overrides:',
        '  - files: ["legacy/**"]',
        '    rules:',
        '      gha-static-aws-keys: off',
        '',
      ].join('\n'),
      '.github/workflows/deploy.yml': WORKFLOW,
      'legacy/.github/workflows/deploy.yml': WORKFLOW,
      'fixtures/tokens.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`,
      'config/app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`,
    });
    const report = JSON.parse((await cli(root, 'scan', '--format', 'json')).stdout) as { files: Array<{ path: string; findings: Array<{ ruleId: string; severity: string }> }> };
    const byPath = new Map(report.files.map((file) => [file.path, file.findings]));
    assert.ok(byPath.get('.github/workflows/deploy.yml')?.some((f) => f.ruleId === 'gha-static-aws-keys'));
    assert.ok(!byPath.get('legacy/.github/workflows/deploy.yml')?.some((f) => f.ruleId === 'gha-static-aws-keys'));
    assert.ok(!byPath.has('fixtures/tokens.env'), 'excluded directory');
    assert.deepEqual(byPath.get('config/app.env')?.map((f) => [f.ruleId, f.severity]), [['sec-slack', 'warning']]);
  });

  it('--rule on the command line wins over the config', async () => {
    const root = project({ '.nhi-hygiene.yaml': 'rules:\n  sec-slack: error\n', 'app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n` });
    assert.equal((await cli(root, 'scan', '--rule', 'sec-slack=off')).code, 0);
  });

  it('respects .gitignore and skips binary and oversized files, saying why', async () => {
    const root = project({
      '.gitignore': 'generated/\n',
      'generated/tokens.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`,
      'big.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n` + 'x'.repeat(5000),
      'ok.txt': 'fine\n',
    });
    writeFileSync(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, SLACK_TOKEN.length]));
    const { code, stdout } = await cli(root, 'scan', '--max-file-bytes', '1000');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /2 skipped \((1 too-large, 1 binary|1 binary, 1 too-large)\)/);
    assert.equal((await cli(root, 'scan', '--no-gitignore', '--max-file-bytes', '1000')).code, 1);
  });

  it('does not load JavaScript shareable configs with --untrusted', async () => {
    const root = project({
      '.nhi-hygiene.yaml': 'extends:\n  - ./team.cjs\n',
      'team.cjs': "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'ran'), 'yes');\nmodule.exports = { rules: { 'sec-slack': 'off' } };\n",
      'app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`,
    });
    const untrusted = await cli(root, 'scan', '--untrusted', '--format', 'json');
    assert.match(untrusted.stderr, /not trusted/);
    assert.throws(() => readFileSync(join(root, 'ran')), 'the config code must not run');
    assert.equal(untrusted.code, 1, 'sec-slack stays on');
    const trusted = await cli(root, 'scan');
    assert.equal(trusted.code, 0, trusted.stdout);
    assert.equal(readFileSync(join(root, 'ran'), 'utf8'), 'yes');
  });
});

describe('nhi-hygiene baseline', () => {
  it('accepts existing findings, still reports new ones, and prunes resolved entries', async () => {
    const root = project({ 'app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`, '.github/workflows/deploy.yml': WORKFLOW });
    const written = await cli(root, 'baseline');
    assert.equal(written.code, 0, written.stderr);
    const baselineText = readFileSync(join(root, '.nhi-hygiene-baseline.json'), 'utf8');
    assert.ok(!baselineText.includes(SLACK_TOKEN) && !baselineText.includes('"line"'), 'no secrets, no line numbers');
    assert.equal((await cli(root, 'scan', '--baseline', '.nhi-hygiene-baseline.json')).code, 0);

    // Moving the finding down does not churn the baseline.
    writeFileSync(join(root, 'app.env'), `# moved\n\nSLACK_BOT_TOKEN=${SLACK_TOKEN}\n`);
    assert.equal((await cli(root, 'scan', '--baseline', '.nhi-hygiene-baseline.json')).code, 0);

    // A different secret on the same line is new.
    writeFileSync(join(root, 'app.env'), `SLACK_BOT_TOKEN=${SLACK_TOKEN.replace('Qm8v', 'Zk3p')}\n`);
    const changed = await cli(root, 'scan', '--baseline', '.nhi-hygiene-baseline.json');
    assert.equal(changed.code, 1);
    assert.match(changed.stdout, /resolved app\.env sec-slack/);

    const pruned = await cli(root, 'baseline', '--prune');
    assert.equal(pruned.code, 0, pruned.stderr);
    const entries = (JSON.parse(readFileSync(join(root, '.nhi-hygiene-baseline.json'), 'utf8')) as { entries: Array<{ path: string }> }).entries;
    assert.ok(!entries.some((entry) => entry.path === 'app.env'));
    assert.ok(entries.some((entry) => entry.path === '.github/workflows/deploy.yml'));
  });
});

describe('nhi-hygiene scan --staged', () => {
  it('scans what is staged, not the working tree', async () => {
    const root = project({ 'README.md': '# repo\n' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(root, 'app.env'), `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`);
    git('add', 'app.env');
    // The working tree is clean, the index still holds the token.
    writeFileSync(join(root, 'app.env'), 'SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}\n');
    const staged = await cli(root, 'scan', '--staged', '--format', 'json');
    assert.equal(staged.code, 1, staged.stderr);
    assert.match(staged.stdout, /"path": "app\.env"/);
    assert.equal((await cli(root, 'scan', 'app.env')).code, 0);
  });

  it('names the fix for the staged content, even when the working tree no longer has the problem', async () => {
    const root = project({ 'README.md': '# repo\n' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    mkdirSync(join(root, '.github/workflows'), { recursive: true });
    const path = join(root, '.github/workflows/deploy.yml');
    writeFileSync(path, WORKFLOW);
    git('add', '.github/workflows/deploy.yml');
    // The working copy is another file altogether: a title read from it would be missing or wrong.
    writeFileSync(path, '# moved to release.yml\n');
    const report = JSON.parse((await cli(root, 'scan', '--staged', '--format', 'json')).stdout) as { files: Array<{ findings: Array<{ ruleId: string; fix?: string }> }> };
    const finding = report.files.flatMap((file) => file.findings).find((item) => item.ruleId === 'gha-static-aws-keys');
    assert.match(finding?.fix ?? '', /Use GitHub OIDC/);
  });

  it('reads a staged key store that a rule reads as bytes, and still skips other binary files', async () => {
    const root = project({ 'README.md': '# repo\n' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    mkdirSync(join(root, 'deploy'), { recursive: true });
    copyFileSync(join(__dirname, '..', '..', 'rules', 'sec-gcp-p12-key', 'fixtures', 'positive', 'deploy', 'keys', 'reporting-sa.p12'), join(root, 'deploy', 'sa.p12'));
    writeFileSync(join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    git('add', 'deploy/sa.p12', 'logo.png');
    const staged = await cli(root, 'scan', '--staged', '--format', 'json');
    assert.equal(staged.code, 1, staged.stderr);
    const report = JSON.parse(staged.stdout) as { files: Array<{ path: string; findings: Array<{ ruleId: string }> }>; summary: { skipped: Array<{ path: string; reason: string }> } };
    assert.deepEqual(report.files.flatMap((file) => file.findings.map((finding) => `${file.path} ${finding.ruleId}`)), ['deploy/sa.p12 sec-gcp-p12-key']);
    assert.deepEqual(report.summary.skipped.map((skip) => `${skip.path} ${skip.reason}`), ['logo.png binary']);
    // The same from disk.
    const disk = await cli(root, 'scan', '--format', 'json');
    assert.equal(disk.code, 1, disk.stderr);
    assert.match(disk.stdout, /sec-gcp-p12-key/);
  });
});

describe('dist/cli.js', () => {
  it('runs as a real process with the same exit codes', () => {
    const root = project({ 'app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n` });
    const dirty = spawnSync(process.execPath, [CLI, 'scan', '--format', 'json'], { cwd: root, encoding: 'utf8' });
    assert.equal(dirty.status, 1, dirty.stderr);
    assert.ok(!dirty.stdout.includes(SLACK_TOKEN));
    const usage = spawnSync(process.execPath, [CLI, 'scan', '--format', 'yaml'], { cwd: root, encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--format must be one of/);
  });

  it('keeps a compile cache in the user cache directory, written by scans only, and gives the same report with or without it', () => {
    const root = project({ 'app.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`, 'src/token.ts': "import jwt from 'jsonwebtoken';\nexport const t = jwt.sign({ sub: 'svc' }, process.env.KEY!);\n" });
    const cacheHome = tempTree({});
    const run = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, NHI_HYGIENE_COMPILE_CACHE: '', ...env } });
    const cacheFiles = () => (existsSync(join(cacheHome, 'nhi-hygiene')) ? readdirSync(join(cacheHome, 'nhi-hygiene')) : []);

    assert.equal(run({}, '--version').status, 0);
    assert.deepEqual(cacheFiles(), [], 'a run that scans nothing leaves no cache');
    const uncached = run({ NHI_HYGIENE_COMPILE_CACHE: '0' }, 'scan', '--format', 'json');
    assert.deepEqual(cacheFiles(), [], 'NHI_HYGIENE_COMPILE_CACHE=0 turns it off');
    const first = run({}, 'scan', '--format', 'json');
    const [cache] = cacheFiles();
    assert.match(cache ?? '', /^cli-[0-9a-f]{16}\.v8cache$/);
    // The TypeScript file needs the grammar, loaded through the wasm runtime inside the cached bundle.
    assert.match(uncached.stdout, /code-jwt-no-expiry/);
    for (const report of [first, run({}, 'scan', '--format', 'json')]) {
      assert.equal(report.status, uncached.status, report.stderr);
      assert.equal(report.stdout, uncached.stdout);
    }
    // A damaged cache is rejected by V8 and replaced; the run is unaffected.
    writeFileSync(join(cacheHome, 'nhi-hygiene', cache!), 'not a code cache');
    const damaged = run({}, 'scan', '--format', 'json');
    assert.equal(damaged.stdout, uncached.stdout, damaged.stderr);
    assert.notEqual(readFileSync(join(cacheHome, 'nhi-hygiene', cache!), 'utf8'), 'not a code cache');

    // Other versions' caches are pruned when a cache is written: the newest few stay, other files too.
    const stale = ['0', '1', '2', '3', '4'].map((digit, age) => {
      const name = `cli-${digit.repeat(16)}.v8cache`;
      writeFileSync(join(cacheHome, 'nhi-hygiene', name), 'old');
      utimesSync(join(cacheHome, 'nhi-hygiene', name), new Date(2020, 0, 10 - age), new Date(2020, 0, 10 - age));
      return name;
    });
    writeFileSync(join(cacheHome, 'nhi-hygiene', 'notes.txt'), 'mine');
    writeFileSync(join(cacheHome, 'nhi-hygiene', cache!), 'not a code cache');
    assert.equal(run({}, 'scan', '--format', 'json').stdout, uncached.stdout);
    assert.deepEqual(cacheFiles().sort(), [cache!, 'notes.txt', ...stale.slice(0, 3)].sort());
  });
});

describe('scanning on worker threads', () => {
  it('gives the same report, byte for byte, on one thread and on several, per-directory configuration included', () => {
    const files: Record<string, string> = {
      '.nhi-hygiene.yaml': 'overrides:\n  - files: ["legacy/**"]\n    rules:\n      sec-slack: warning\n      gha-static-aws-keys: off\n',
    };
    // Enough files that the scan is spread over workers, in several directories and file kinds.
    for (let i = 0; i < 3 * MIN_FILES_FOR_WORKERS; i++) {
      const dir = i % 2 === 0 ? 'legacy' : 'services';
      files[`${dir}/app-${i}/notify.env`] = i % 3 === 0 ? `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n` : `SLACK_BOT_TOKEN=\${SLACK_BOT_TOKEN}\n`;
      files[`${dir}/app-${i}/.github/workflows/deploy.yml`] = WORKFLOW.replace('deploy:', `deploy-${i}:`);
      files[`${dir}/app-${i}/README.md`] = `# app ${i}\n`;
    }
    const root = project(files);
    const run = (jobs: number, format: string) =>
      spawnSync(process.execPath, [CLI, 'scan', '--jobs', String(jobs), '--format', format, '--no-progress'], { cwd: root, encoding: 'utf8' });
    for (const format of ['json', 'sarif']) {
      const single = run(1, format);
      const parallel = run(3, format);
      assert.equal(single.status, 1, single.stderr);
      assert.equal(parallel.status, single.status, parallel.stderr);
      assert.equal(parallel.stdout, single.stdout, format);
    }
    const report = JSON.parse(run(3, 'json').stdout) as {
      files: Array<{ path: string; findings: Array<{ ruleId: string; severity: string }> }>;
      summary: { filesScanned: number };
    };
    assert.equal(report.summary.filesScanned, 3 * 3 * MIN_FILES_FOR_WORKERS + 1, "every file and the config file");
    const legacy = report.files.filter((file) => file.path.startsWith('legacy/'));
    assert.ok(legacy.flatMap((file) => file.findings).some((finding) => finding.ruleId === 'sec-slack' && finding.severity === 'warning'));
    assert.ok(!legacy.flatMap((file) => file.findings).some((finding) => finding.ruleId === 'gha-static-aws-keys'));
    assert.ok(report.files.some((file) => file.path.startsWith('services/') && file.findings.some((finding) => finding.ruleId === 'gha-static-aws-keys')));
  });

  it('serves a scan batch from a worker started on the cached loader (cli.js), as the pool starts them', async () => {
    const root = project({ 'notify.env': `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`, 'README.md': '# nothing here\n' });
    const worker = new Worker(CLI, { workerData: { role: SCAN_WORKER_ROLE }, stdout: true, stderr: true });
    let printed = '';
    worker.stdout.on('data', (chunk) => (printed += chunk));
    worker.stderr.on('data', (chunk) => (printed += chunk));
    const messages: Array<{ index?: number; outcome?: { result: { findings: Array<{ ruleId: string }> } }; done?: true; error?: string }> = [];
    const finished = new Promise<void>((resolve, reject) => {
      worker.on('message', (message) => {
        messages.push(message);
        if (message.done) resolve();
      });
      worker.once('error', reject);
      worker.once('exit', () => resolve());
    });
    const next = new SharedArrayBuffer(4);
    worker.postMessage({ jobs: [{ absolute: join(root, 'notify.env'), configIndex: 0 }, { absolute: join(root, 'README.md'), configIndex: 0 }], configs: [{ rules: {} }], next });
    await finished;
    await worker.terminate();
    assert.deepEqual(messages.at(-1), { done: true });
    assert.equal(printed, '', 'a worker serves its batch and runs no command line');
    const byIndex = new Map(messages.filter((message) => message.index !== undefined).map((message) => [message.index, message]));
    assert.deepEqual([...byIndex.keys()].sort(), [0, 1]);
    assert.ok(byIndex.get(0)!.outcome!.result.findings.some((finding) => finding.ruleId === 'sec-slack'));
    assert.deepEqual(byIndex.get(1)!.outcome!.result.findings, []);
  });

  it('uses worker threads only when the scan is large enough to pay for them', () => {
    assert.equal(threadCount(20, 8), 1, 'a pre-commit run stays on one thread');
    assert.equal(threadCount(10_000, 1), 1);
    assert.equal(threadCount(10_000, 4), 4);
    assert.ok(threadCount(MIN_FILES_FOR_WORKERS, 8) < 8, 'no more threads than the files keep busy');
  });
});
