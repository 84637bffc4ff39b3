import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineRule } from '../../server/src/engine/define-rule';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';
import type { Category } from '../../server/src/engine/types';

const DOCS = '# r\n\nA rule made up for a suppression test.\n';

/** Reports every occurrence of `TOKEN_<n>` as a finding of this rule. */
function markerRule(id: string, category: Category = 'secret', aliases?: string[]) {
  return defineRule({
    id,
    category,
    defaultSeverity: 'error',
    fileKinds: '*',
    keywords: ['token_'],
    docs: DOCS,
    ...(aliases ? { aliases } : {}),
    check({ document, report }) {
      for (const match of document.text.matchAll(/TOKEN_\d/g)) report({ span: [match.index, match.index + match[0].length], message: 'marker' });
    },
  });
}

const scanner = new Scanner([markerRule('sec-demo', 'secret', ['@secretlint/secretlint-rule-demo']), markerRule('fallback-demo', 'fallback')]);
const scan = (text: string, today = '2026-11-23') => scanner.scan(ParsedDocument.of('app.py', text), { rules: {}, today });
const codes = (notices: ReadonlyArray<{ code: string }>) => notices.map((notice) => notice.code);

describe('suppression directives', () => {
  it('a directive with a reason hides the named rule on the next line only', async () => {
    const result = await scan('# nhi-hygiene-disable-next-line sec-demo -- test fixture, rotated\nx = "TOKEN_1"\ny = "TOKEN_2"\n');
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.range.start.line]), [['fallback-demo', 1], ['fallback-demo', 2], ['sec-demo', 2]]);
    assert.equal(result.suppressed.length, 1);
    assert.equal(result.suppressed[0]!.suppression.reason, 'test fixture, rotated');
    assert.deepEqual(codes(result.notices), []);
  });

  it('warns about a missing reason but still suppresses', async () => {
    const result = await scan('x = "TOKEN_1"  # nhi-hygiene-disable-line sec-demo, fallback-demo\n');
    assert.deepEqual(result.findings, []);
    assert.deepEqual(codes(result.notices), ['suppression-missing-reason']);
  });

  it('stops suppressing after its date, and says so', async () => {
    const text = 'x = "TOKEN_1"  # nhi-hygiene-disable-line sec-demo -- vendor migration until 2026-06-30\n';
    assert.equal((await scan(text, '2026-06-30')).findings.filter((f) => f.ruleId === 'sec-demo').length, 0, 'live on its last day');
    const expired = await scan(text, '2026-07-01');
    assert.equal(expired.findings.filter((f) => f.ruleId === 'sec-demo').length, 1);
    assert.deepEqual(codes(expired.notices), ['suppression-expired']);
  });

  it('reports a directive that suppresses nothing, and one that names no rule', async () => {
    const result = await scan('# nhi-hygiene-disable-next-line sec-demo -- stale\nx = 1\n# nhi-hygiene-disable-next-line -- no ids\ny = 2\n');
    assert.deepEqual(codes(result.notices), ['suppression-unused', 'suppression-invalid']);
  });

  it('ignores a directive that is not in a comment', async () => {
    const result = await scan('message = "nhi-hygiene-disable-line sec-demo -- nope"; x = "TOKEN_1"\n');
    assert.equal(result.findings.filter((f) => f.ruleId === 'sec-demo').length, 1);
  });

  it("honours secretlint's directives, mapping its rule ids to ours", async () => {
    const result = await scan('x = "TOKEN_1"  # secretlint-disable-line @secretlint/secretlint-rule-demo\n');
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['fallback-demo']);
    const block = await scan('# secretlint-disable\na = "TOKEN_1"\nb = "TOKEN_2"\n# secretlint-enable\nc = "TOKEN_3"\n');
    assert.deepEqual(block.findings.map((f) => f.range.start.line), [4, 4]);
  });

  it("honours gitleaks:allow for secret findings only", async () => {
    const result = await scan('x = "TOKEN_1"  # gitleaks:allow\n');
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['fallback-demo']);
  });
});
