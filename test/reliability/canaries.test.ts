/**
 * No leaks in output. The raw secret values the rules report on their positive fixtures are
 * captured in-process (each rule wrapped so its `report()` records `report.secret`; test-only), and
 * canary secrets of several families are planted in a temp workspace (assembled at run time, so
 * this file holds none). Then the real CLI (dist/cli.js) scans the fixtures and canaries in text,
 * JSON, SARIF and GitHub formats, with --list-suppressions, and writes a baseline; and the real
 * language server, over stdio, publishes diagnostics, answers hovers and code actions at every
 * diagnostic, and scans the workspace. No captured secret of 8 characters or more (nor a line of
 * a multi-line one, nor its JSON-escaped form) may appear in any output, log or stderr.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { allRules } from '../../rules/index';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';
import type { Rule } from '../../server/src/engine/types';
import { positiveFixtures, RULES_DIR } from './support/adversarial-cases';
import { prng, randomToken } from './support/recipes';
import { CLI, SERVER, ServerProcess } from './support/server-process';

const MIN_SECRET = 8;
const random = prng(20240917);
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = '0123456789';

/** Canary secrets, assembled at run time: each family a realistic file, with the raw values to look for. */
function canaries(): { files: Record<string, string>; secrets: string[] } {
  const awsId = ['AK', 'IA', randomToken(random, 16, UPPER)].join('');
  const awsSecret = randomToken(random, 40, BASE64);
  const pat = ['gh', 'p_', randomToken(random, 36)].join('');
  const slack = [['xo', 'xb'].join(''), randomToken(random, 13, DIGITS), randomToken(random, 13, DIGITS), randomToken(random, 24)].join('-');
  const suppressedSlack = [['xo', 'xb'].join(''), randomToken(random, 13, DIGITS), randomToken(random, 13, DIGITS), randomToken(random, 24)].join('-');
  const dbPassword = randomToken(random, 22);
  const dbUrl = ['postgres', '://svc_ledger:', dbPassword, '@db.internal.acme-corp.net:5432/ledger'].join('');
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pemBody = pem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return {
    files: {
      'canaries/.env': `# service credentials\nAWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\nAWS_REGION=eu-west-1\n`,
      'canaries/scripts/release.sh': `#!/bin/sh\nset -eu\nexport GITHUB_TOKEN=${pat}\ngh release create "v$1"\n`,
      'canaries/config/notifications.env': `SLACK_BOT_TOKEN=${slack}\n`,
      'canaries/config/suppressed.env': `# nhi-hygiene-disable-next-line sec-slack -- rotated test workspace token until 2999-01-01\nSLACK_BOT_TOKEN=${suppressedSlack}\n`,
      'canaries/keys/deploy_key.pem': pem,
      'canaries/config/database.yaml': `production:\n  url: ${dbUrl}\n  pool: 5\n`,
    },
    secrets: [awsId, awsSecret, pat, slack, suppressedSlack, dbPassword, dbUrl, pem, ...pemBody],
  };
}

/** Wraps a rule so every `report.secret` it reports is recorded (test-only instrumentation). */
function capturing(rule: Rule, sink: Set<string>): Rule {
  return {
    ...rule,
    check: (context) =>
      rule.check({
        ...context,
        report: (report) => {
          if (report.secret !== undefined) sink.add(report.secret);
          context.report(report);
        },
      }),
  };
}

/** The forms in which a secret could show up in an output: raw, JSON-escaped, and each long line. */
function needles(secret: string): string[] {
  const forms = new Set<string>([secret.trim(), JSON.stringify(secret.trim()).slice(1, -1)]);
  // Each long line of a multi-line secret (a PEM body), but not PEM armor such as -----BEGIN … KEY-----.
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16 && !line.startsWith('-----')) forms.add(line.trim());
  return [...forms].filter((form) => form.length >= MIN_SECRET);
}

const temp = mkdtempSync(join(tmpdir(), 'nhi-canaries-'));
const workspace = join(temp, 'workspace');
after(() => rmSync(temp, { recursive: true, force: true }));

describe('no secret reaches any output', { skip: (!existsSync(CLI) || !existsSync(SERVER)) && 'run npm run build first' }, () => {
  const secrets = new Set<string>();
  const byRule = new Map<string, number>();
  const planted: string[] = [];
  /** Outputs to search: label → text. */
  const outputs = new Map<string, string>();
  /** Secrets that the rule documentation itself contains (SARIF embeds it), not the scan. */
  let documentation = '';

  before(async () => {
    // 1. The secrets each rule reports on its own positive fixtures, and on every other rule's.
    const files: Array<{ rule: string; file: string; relativePath: string }> = [];
    for (const rule of allRules) {
      for (const file of positiveFixtures(rule)) files.push({ rule: rule.id, file, relativePath: relative(join(RULES_DIR, rule.id, 'fixtures', 'positive'), file) });
    }
    const everyRuleOn = { rules: Object.fromEntries(allRules.map((rule) => [rule.id, { severity: 'error' as const }])) };
    for (const { rule: owner, file, relativePath } of files) {
      const found = new Set<string>();
      const scanner = new Scanner(allRules.map((rule) => capturing(rule, found)));
      const document = ParsedDocument.of(relativePath, readFileSync(file, 'utf8'));
      try {
        await scanner.scan(document, everyRuleOn);
      } finally {
        document.dispose();
      }
      for (const secret of found) secrets.add(secret);
      byRule.set(owner, (byRule.get(owner) ?? 0) + found.size);
      // The workspace keeps each fixture at its path under a folder per rule (.github/workflows/… stays a workflow).
      const target = join(workspace, 'fixtures', owner, relativePath);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
    // 2. Canaries of several families.
    const canary = canaries();
    for (const [path, text] of Object.entries(canary.files)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      writeFileSync(join(workspace, path), text);
    }
    planted.push(...canary.secrets);
    for (const secret of canary.secrets) secrets.add(secret);

    // 3. The real CLI in every format.
    const cli = (label: string, ...args: string[]) => {
      const run = spawnSync(process.execPath, [CLI, ...args], { cwd: workspace, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, maxBuffer: 256 * 1024 * 1024, timeout: 180_000 });
      assert.ok(run.status === 0 || run.status === 1, `${label}: exit ${run.status}: ${run.stderr.slice(0, 2000)}`);
      outputs.set(`cli ${label} stdout`, run.stdout);
      outputs.set(`cli ${label} stderr`, run.stderr);
      return run;
    };
    for (const format of ['text', 'json', 'sarif', 'github']) cli(format, 'scan', '.', '--no-gitignore', '--format', format);
    for (const format of ['text', 'json', 'sarif']) cli(`${format} --list-suppressions`, 'scan', '.', '--no-gitignore', '--format', format, '--list-suppressions');
    cli('text --min-severity info --color', 'scan', '.', '--no-gitignore', '--color', '--min-severity', 'info');
    cli('baseline', 'baseline', '.', '--no-gitignore', '--output', join(temp, 'baseline.json'));
    outputs.set('cli baseline file', readFileSync(join(temp, 'baseline.json'), 'utf8'));
    const json = JSON.parse(outputs.get('cli json stdout')!) as { files: Array<{ path: string; findings: unknown[] }> };
    for (const path of Object.keys(canary.files).filter((path) => !path.includes('suppressed'))) {
      assert.ok(json.files.some((file) => file.path === path && file.findings.length > 0), `the canary in ${path} was not found, so its absence from outputs proves nothing`);
    }
    const suppressedListing = outputs.get('cli json --list-suppressions stdout')!;
    assert.match(suppressedListing, /"suppressed"/, 'the suppressed canary is listed');

    // SARIF carries every rule's documentation: text that is there without any scan.
    const empty = join(temp, 'empty');
    mkdirSync(empty);
    documentation = spawnSync(process.execPath, [CLI, 'scan', '.', '--format', 'sarif'], { cwd: empty, encoding: 'utf8' }).stdout;

    // 4. The real language server: diagnostics, hover and code actions at each one, workspace scan.
    const server = new ServerProcess({ settings: { debounceMs: 0, minimumSeverity: 'info' } });
    try {
      await server.initialize(pathToFileURL(workspace).toString());
      const opened = [...files.map(({ rule, relativePath }) => join(workspace, 'fixtures', rule, relativePath)), ...Object.keys(canary.files).map((path) => join(workspace, path))];
      const answers: string[] = [];
      for (const file of opened) {
        const uri = pathToFileURL(file).toString();
        await server.open(uri, readFileSync(file, 'utf8'));
        const published = await server.waitForDiagnostics(uri, (p) => p.version === 1, 30_000);
        for (const diagnostic of published.diagnostics) {
          answers.push(JSON.stringify(await server.request('textDocument/hover', { textDocument: { uri }, position: diagnostic.range.start })));
          const middle = { line: diagnostic.range.end.line, character: Math.max(0, diagnostic.range.end.character - 1) };
          answers.push(JSON.stringify(await server.request('textDocument/hover', { textDocument: { uri }, position: middle })));
          answers.push(JSON.stringify(await server.request('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic as Diagnostic] } })));
        }
        // A code action over the whole file, with every diagnostic of it, as "fix all" asks.
        answers.push(JSON.stringify(await server.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100_000, character: 0 } }, context: { diagnostics: published.diagnostics } })));
      }
      // Close everything, then let the server scan the workspace from disk.
      for (const file of opened) await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: pathToFileURL(file).toString() } });
      answers.push(JSON.stringify(await server.request('nhiHygiene/scanWorkspace', {}, 120_000)));
      outputs.set('server responses (hover, code actions, workspace scan)', answers.join('\n'));
    } finally {
      await server.shutdown();
      outputs.set('server notifications and requests (diagnostics, logMessage, showMessage, progress)', server.transcript.join('\n'));
      outputs.set('server stderr', server.stderr);
    }
  });

  it('captures secrets from every secret-value rule and plants every canary family', () => {
    // Rules about constructs (gha-static-aws-keys flags the inputs, not a value) report no secret.
    const valueRules = allRules.filter((rule) => rule.aliases?.some((alias) => alias.startsWith('@secretlint/')));
    const silent = valueRules.filter((rule) => (byRule.get(rule.id) ?? 0) === 0).map((rule) => rule.id);
    assert.deepEqual(silent, [], 'secret rules whose positive fixtures yielded no captured secret');
    const others = allRules.filter((rule) => !valueRules.includes(rule)).map((rule) => `${rule.id}: ${byRule.get(rule.id) ?? 0}`);
    console.log(`# canaries: secrets captured from the other rules' fixtures: ${others.join(', ')}`);
    assert.ok(secrets.size >= valueRules.length, `${secrets.size} secrets captured`);
    console.log(`# canaries: ${secrets.size} raw secrets (${planted.length} planted) checked against ${outputs.size} outputs (${[...outputs.values()].reduce((sum, text) => sum + text.length, 0)} characters)`);
  });

  it('no output contains a raw secret', () => {
    const leaks: string[] = [];
    for (const secret of secrets) {
      for (const needle of needles(secret)) {
        if (documentation.includes(needle)) continue; // part of a rule's own documentation, not of the scan
        for (const [label, text] of outputs) {
          const at = text.indexOf(needle);
          if (at === -1) continue;
          const context = text.slice(Math.max(0, at - 80), at + Math.min(needle.length, 60) + 40).replace(/\s+/g, ' ');
          leaks.push(`${label}: ${JSON.stringify(needle.slice(0, 60))} in …${context}…`);
        }
      }
    }
    assert.deepEqual(leaks, []);
  });

  it('planted canaries are not in the rule documentation either (so the check above covered them)', () => {
    for (const secret of planted) for (const needle of needles(secret)) assert.ok(!documentation.includes(needle), needle);
  });
});
