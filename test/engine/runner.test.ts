import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineConfig } from '../../server/src/engine/config';
import { defineRule, type RuleDefinition } from '../../server/src/engine/define-rule';
import { isLanguageLoaded } from '../../server/src/engine/parse/tree-sitter';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { ScanCancelledError, Scanner } from '../../server/src/engine/runner';
import type { Report, Rule } from '../../server/src/engine/types';

const DOCS = '# test-rule\n\nA rule made up for a runner test.\n';

/** A rule that reports `reports` (a function of the text) on every file, recording its calls. */
function testRule(id: string, overrides: Partial<RuleDefinition> = {}, reports: (text: string) => Report[] = () => []): Rule & { calls: number } {
  let calls = 0;
  const { check, ...rest } = overrides;
  const rule = defineRule({
    id,
    category: 'secret',
    defaultSeverity: 'error',
    fileKinds: '*',
    keywords: [],
    docs: DOCS,
    ...rest,
    check(context) {
      calls++;
      if (check) return check(context);
      for (const r of reports(context.document.text)) context.report(r);
    },
  });
  return Object.defineProperty(rule, 'calls', { get: () => calls }) as Rule & { calls: number };
}

/** Reports the whole text once (no secret): one finding per file. */
const wholeText = (text: string): Report[] => [{ span: [0, Math.min(4, text.length)], message: 'found' }];

const explode = (): never => {
  throw new Error('check must not run');
};

const NONE: EngineConfig = { rules: {} };
const doc = (text: string, path = 'notes.txt') => ParsedDocument.of(path, text);

describe('Scanner', () => {
  it('records a throwing rule as a failure while the other rules still report', async () => {
    const broken = testRule('broken', {
      check() {
        throw new Error('boom');
      },
    });
    const fine = testRule('fine', {}, wholeText);
    const result = await new Scanner([broken, fine]).scan(doc('hello world'), NONE);
    assert.deepEqual(result.failures, [{ ruleId: 'broken', message: 'boom' }]);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['fine']);
  });

  it('records an async rule that rejects, and a thrown non-Error', async () => {
    const rejects = testRule('rejects', { check: async () => Promise.reject(new Error('later')) });
    const throwsString = testRule('throws-string', {
      check() {
        throw 'plain string';
      },
    });
    const result = await new Scanner([rejects, throwsString]).scan(doc('x'), NONE);
    assert.deepEqual(result.failures, [
      { ruleId: 'rejects', message: 'later' },
      { ruleId: 'throws-string', message: 'plain string' },
    ]);
  });

  it('preloads the grammars of the languages files are in, by file name, and nothing else', async () => {
    assert.equal(isLanguageLoaded('java'), false);
    await new Scanner([]).preloadGrammars(['src/main/java/Deploy.java', 'README.md', 'notes.unknown']);
    assert.equal(isLanguageLoaded('java'), true);
    assert.equal(isLanguageLoaded('go'), false);
  });

  it('skips a rule whose keywords are all absent, without calling it', async () => {
    const gated = testRule('gated', { keywords: ['aws_secret_access_key'], check: explode });
    const result = await new Scanner([gated]).scan(doc('nothing to see here'), NONE);
    assert.deepEqual(result.failures, [], 'check was called');
    assert.deepEqual(result.findings, []);
  });

  it('runs a rule when any keyword is present, in any letter case', async () => {
    const gated = testRule('gated', { keywords: ['not-here', 'aws_secret_access_key'] }, wholeText);
    const result = await new Scanner([gated]).scan(doc('export AWS_SECRET_ACCESS_KEY=1'), NONE);
    assert.equal(gated.calls, 1);
    assert.equal(result.findings.length, 1);
  });

  it('skips a rule for other file kinds, and a code rule where there is no grammar', async () => {
    const terraformOnly = testRule('tf-only', { fileKinds: ['terraform'], check: explode });
    const codeRule = testRule('code', { syntax: 'code', check: explode });
    const result = await new Scanner([terraformOnly, codeRule]).scan(doc('a: 1\n', 'config.yaml'), NONE);
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.findings, []);
  });

  it('applies a configured severity, and `off` turns a rule off without calling it', async () => {
    const rule = testRule('r', {}, wholeText);
    const warning = await new Scanner([rule]).scan(doc('text'), { rules: { r: { severity: 'warning' } } });
    assert.deepEqual(warning.findings.map((f) => f.severity), ['warning']);
    const off = testRule('r', { check: explode });
    const result = await new Scanner([off]).scan(doc('text'), { rules: { r: { severity: 'off' } } });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.failures, []);
  });

  it('leaves rules outside the recommended preset off unless configured', async () => {
    const optIn = testRule('opt-in', { recommended: false }, wholeText);
    assert.equal((await new Scanner([optIn]).scan(doc('text'), NONE)).findings.length, 0);
    const on = await new Scanner([optIn]).scan(doc('text'), { rules: { 'opt-in': { severity: 'info' } } });
    assert.deepEqual(on.findings.map((f) => f.severity), ['info']);
  });

  it("uses a rule's per-finding severity by default, but a configured severity wins", async () => {
    // tf-tls-cert-validity and code-jwt-no-expiry set Report.severity on their findings; a user
    // who configures `severity: info` (README: `tf-tls-cert-validity: { severity: error }`) must get it.
    const escalating = () => testRule('escalating', { defaultSeverity: 'warning' }, () => [{ span: [0, 1], message: 'm', severity: 'error' }]);
    const byDefault = await new Scanner([escalating()]).scan(doc('text'), NONE);
    assert.deepEqual(byDefault.findings.map((f) => f.severity), ['error']);
    const configured = await new Scanner([escalating()]).scan(doc('text'), { rules: { escalating: { severity: 'info' } } });
    assert.deepEqual(configured.findings.map((f) => f.severity), ['info']);
  });

  it('drops findings below minimumSeverity', async () => {
    const mixed = testRule('mixed', {}, () => [
      { span: [0, 1], message: 'i', severity: 'info' },
      { span: [1, 2], message: 'w', severity: 'warning' },
      { span: [2, 3], message: 'e', severity: 'error' },
    ]);
    const all = await new Scanner([mixed]).scan(doc('text'), NONE);
    assert.deepEqual(all.findings.map((f) => f.severity), ['info', 'warning', 'error']);
    const some = await new Scanner([mixed]).scan(doc('text'), { rules: {}, minimumSeverity: 'warning' });
    assert.deepEqual(some.findings.map((f) => f.severity), ['warning', 'error']);
    const errors = await new Scanner([mixed]).scan(doc('text'), { rules: {}, minimumSeverity: 'error' });
    assert.deepEqual(errors.findings.map((f) => f.severity), ['error']);
  });

  it('passes option defaults merged with configured options to the rule', async () => {
    let seen: unknown;
    const rule = testRule('opts', {
      options: {
        limit: { type: 'number', default: 10, description: 'l' },
        mode: { type: 'string', default: 'strict', description: 'm' },
      },
      check({ options }) {
        seen = options;
      },
    });
    await new Scanner([rule]).scan(doc('x'), NONE);
    assert.deepEqual(seen, { limit: 10, mode: 'strict' });
    await new Scanner([rule]).scan(doc('x'), { rules: { opts: { severity: 'error', options: { limit: 3 } } } });
    assert.deepEqual(seen, { limit: 3, mode: 'strict' });
  });

  it('drops placeholder and template secrets, and masks real ones', async () => {
    const values = [
      '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
      '${DB_PASSWORD}',
      '{{ .Values.token }}',
      'AKIAIOSFODNN7EXAMPLE',
      '<your-api-token>',
      'changeme',
      'xxxxxxxxxxxxxxxx',
      '0000000000000000',
      'var.db_password',
      'username:password',
      'user:pass',
      'my-auth-token-here',
      'MYTOKEN1', // npm's docs: `//registry/:_authToken=MYTOKEN1`
      'NPM_TOKEN',
      'bm90IG15IHJlYWwgcGFzc3dvcmQ=', // base64 of "not my real password"
      '',
      'Zq8Xv2Lm4Rt7Kw1Np3Bc6Hy9',
    ];
    const text = values.join('\n');
    const rule = testRule('sec', {}, (t) => {
      let offset = 0;
      return t.split('\n').map((value) => {
        const span = [offset, offset + value.length] as const;
        offset += value.length + 1;
        return { span, secret: value, message: 'secret {{secret}} found' };
      });
    });
    const result = await new Scanner([rule]).scan(doc(text), NONE);
    assert.equal(result.findings.length, 1, JSON.stringify(result.findings.map((f) => f.maskedSecret)));
    const [finding] = result.findings;
    assert.equal(finding!.maskedSecret, 'Zq8X************y9');
    assert.equal(finding!.message, 'secret Zq8X************y9 found');
    assert.ok(!JSON.stringify(finding).includes('Zq8Xv2Lm4Rt7Kw1Np3Bc6Hy9'), 'the raw secret is gone');
  });

  it('keeps random secrets that merely contain a placeholder word by chance', async () => {
    // About 0.16% of random 40-character tokens contain "tbd", "todo", "fake", ... somewhere.
    // Upper case with digits inside is a key, not a constant's name, though it spells "KEY"; base64
    // of a password (no spaces) is a password, not an encoded phrase.
    const secrets = ['Xk2rTbdQ9mZ4vW7pLs1nE8yA3cF6hJ0uGq5oRw2x', 'q8V2fAkEz7LmN3pRt6WxY1bC4dH9jK0sTu5Wv8Xa', 'Hn4Todo9kLm2Qx7Rz1Vw8Ny5Bc3Df6Gh0JpStUv', 'QW7KEYRZ4M8XK2P9VLDT', 'aHVudGVyMjI6UzNjcjN0IQ=='];
    const rule = testRule('sec', {}, (t) => secrets.map((s) => ({ span: [t.indexOf(s), t.indexOf(s) + s.length], secret: s, message: '{{secret}}' })));
    const result = await new Scanner([rule]).scan(doc(secrets.join('\n')), NONE);
    assert.equal(result.findings.length, secrets.length, `dropped: ${secrets.filter((s) => !result.findings.some((f) => f.span[0] === secrets.join('\n').indexOf(s))).join(', ')}`);
  });

  it('gives repeated fingerprints an occurrence suffix, and different secrets different fingerprints', async () => {
    const rule = testRule('dup', {}, () => [
      { span: [0, 1], message: 'a', construct: 'same' },
      { span: [2, 3], message: 'b', construct: 'same' },
      { span: [4, 5], message: 'c', construct: 'same' },
      { span: [6, 7], message: 'd', construct: 'other' },
    ]);
    const { findings } = await new Scanner([rule]).scan(doc('a b c d'), NONE);
    const [first, second, third, other] = findings.map((f) => f.fingerprint);
    assert.match(first!, /^[0-9a-f]{32}$/);
    assert.equal(second, `${first}:1`);
    assert.equal(third, `${first}:2`);
    assert.notEqual(other, first);
    assert.equal(new Set(findings.map((f) => f.fingerprint)).size, 4);
  });

  it('keeps a fingerprint when the finding moves to another line', async () => {
    const rule = testRule('moves', {}, (t) => [{ span: [t.indexOf('KEY'), t.indexOf('KEY') + 3], message: 'm' }]);
    const one = await new Scanner([rule]).scan(doc('KEY'), NONE);
    const two = await new Scanner([rule]).scan(doc('\n\n  KEY'), NONE);
    assert.equal(one.findings[0]!.fingerprint, two.findings[0]!.fingerprint);
    assert.notDeepEqual(one.findings[0]!.range, two.findings[0]!.range);
  });

  it('sorts findings by position across rules', async () => {
    const late = testRule('late', {}, () => [{ span: [5, 6], message: 'late' }]);
    const early = testRule('early', {}, () => [{ span: [0, 1], message: 'early' }]);
    const { findings } = await new Scanner([late, early]).scan(doc('abcdefgh'), NONE);
    assert.deepEqual(findings.map((f) => f.ruleId), ['early', 'late']);
    assert.deepEqual(findings[1]!.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 6 } });
  });

  it('runs only the rules that read a binary file of that name on it, with its bytes, and still reports an empty one as skipped', async () => {
    const seen: number[] = [];
    const reader = testRule('reader', {
      binaryFiles: /\.p12$/,
      check({ document, report }) {
        seen.push(document.bytes?.length ?? -1);
        if (document.bytes?.[0] === 0x30) report({ span: [0, 0], message: 'key store' });
      },
    });
    const textOnly = testRule('text-only', { check: explode });
    const bytes = Uint8Array.from([0x30, 0x82, 0, 0, ...new Array(20_000).fill(7)]);
    const store = ParsedDocument.fromBytes('keys/sa.p12', bytes);
    // Only the head is decoded: a large binary never becomes a string of its size.
    assert.ok(store.text.length <= 8192);
    const found = await new Scanner([reader, textOnly]).scan(store, NONE);
    assert.deepEqual(found.findings.map((f) => f.ruleId), ['reader']);
    assert.equal(found.skipped, undefined);
    assert.deepEqual(seen, [bytes.length]);
    const empty = await new Scanner([reader, textOnly]).scan(ParsedDocument.fromBytes('keys/other.p12', Uint8Array.from([1, 0, 2])), NONE);
    assert.equal(empty.skipped?.reason, 'binary');
    const elsewhere = await new Scanner([reader, textOnly]).scan(ParsedDocument.fromBytes('image.png', bytes), NONE);
    assert.equal(elsewhere.skipped?.reason, 'binary');
    assert.equal(seen.length, 2, 'the reader ran on the .p12 files only');
    const tooLarge = await new Scanner([reader]).scan(store, { rules: {}, limits: { maxFileBytes: 1000 } });
    assert.equal(tooLarge.skipped?.reason, 'too-large');
  });

  it('skips files over the size limit and binary files, and says why', async () => {
    const rule = testRule('any', { check: explode });
    const large = await new Scanner([rule]).scan(doc('x'.repeat(200)), { rules: {}, limits: { maxFileBytes: 100 } });
    assert.equal(large.skipped?.reason, 'too-large');
    assert.deepEqual(large.failures, []);
    const binary = await new Scanner([rule]).scan(doc('PNG\0\0\u0001data'), NONE);
    assert.equal(binary.skipped?.reason, 'binary');
    assert.deepEqual(binary.findings, []);
    const atLimit = await new Scanner([testRule('any', {}, wholeText)]).scan(doc('x'.repeat(100)), { rules: {}, limits: { maxFileBytes: 100 } });
    assert.equal(atLimit.skipped, undefined);
    assert.equal(atLimit.findings.length, 1);
  });

  it('leaves syntax rules out on a file with an overlong line and says so', async () => {
    const syntaxRule = testRule('tree', { syntax: 'yaml', check: explode });
    const textRule = testRule('plain', {}, wholeText);
    const minified = `a: ${'x'.repeat(300)}\n`;
    const result = await new Scanner([syntaxRule, textRule]).scan(doc(minified, 'big.yaml'), { rules: {}, limits: { maxLineLength: 200 } });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['plain']);
    assert.match(result.bounded ?? '', /200/);
  });

  describe('cancellation', () => {
    it('throws ScanCancelledError for an already aborted signal without running rules', async () => {
      const rule = testRule('any', { check: explode });
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(new Scanner([rule]).scan(doc('x'), NONE, controller.signal), ScanCancelledError);
    });

    it('stops between rules when the signal aborts mid-scan', async () => {
      const controller = new AbortController();
      const first = testRule('first', {
        async check() {
          controller.abort();
        },
      });
      const second = testRule('second', { check: explode });
      await assert.rejects(new Scanner([first, second]).scan(doc('x'), NONE, controller.signal), (error: unknown) => {
        assert.ok(error instanceof ScanCancelledError);
        assert.equal(error.name, 'ScanCancelledError');
        return true;
      });
      assert.equal(second.calls, 0);
    });

    it('lets a rule cancel by throwing ScanCancelledError, instead of recording a failure', async () => {
      const rule = testRule('cancels', {
        check() {
          throw new ScanCancelledError();
        },
      });
      await assert.rejects(new Scanner([rule]).scan(doc('x'), NONE), ScanCancelledError);
    });
  });

  describe('fixes', () => {
    it('asks the rule only for fixable findings, with the resolved options', async () => {
      let seenOptions: unknown;
      const rule = testRule(
        'fixer',
        {
          options: { ttl: { type: 'string', default: '15m', description: 't' } },
          fix({ options, finding }) {
            seenOptions = options;
            return [{ title: `fix ${finding.message}`, edits: [{ span: finding.span, newText: 'ok' }], isPreferred: true }];
          },
        },
        () => [
          { span: [0, 1], message: 'a' },
          { span: [2, 3], message: 'b', fixable: false },
        ],
      );
      const scanner = new Scanner([rule]);
      const document = doc('a b');
      const { findings } = await scanner.scan(document, NONE);
      assert.deepEqual(findings.map((f) => f.fixable), [true, false]);
      assert.deepEqual(scanner.fixes(document, findings[0]!, { rules: { fixer: { severity: 'error', options: { ttl: '5m' } } } }).map((f) => f.title), ['fix a']);
      assert.deepEqual(seenOptions, { ttl: '5m' });
      assert.deepEqual(scanner.fixes(document, findings[1]!, NONE), []);
    });

    it('marks findings of a rule without fix as not fixable', async () => {
      const { findings } = await new Scanner([testRule('nofix', {}, wholeText)]).scan(doc('text'), NONE);
      assert.equal(findings[0]!.fixable, false);
    });
  });
});

describe('Scanner pattern prefilter', () => {
  it('runs a rule only when its pattern matches somewhere, after the keywords', async () => {
    const rule = testRule('patterned', { keywords: ['token'], pattern: /token\s*=\s*['"]/g }, wholeText);
    const scanner = new Scanner([rule]);
    assert.equal((await scanner.scan(doc('the token is elsewhere'), NONE)).findings.length, 0);
    assert.equal(rule.calls, 0, 'keyword present, pattern absent: the rule must not run');
    assert.equal((await scanner.scan(doc('token = "abc"'), NONE)).findings.length, 1);
    assert.equal((await scanner.scan(doc('token = "abc"'), NONE)).findings.length, 1, 'a global pattern keeps no state between scans');
    assert.equal(rule.calls, 2);
  });
});
