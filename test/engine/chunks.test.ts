import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules';
import { chunksOf } from '../../rules/lib/secretlint-rule';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

describe('secretlint chunking', () => {
  it('covers the text exactly, cuts at line ends, and never inside a PEM block', () => {
    const pem = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'.repeat(2000)}-----END PRIVATE KEY-----\n`;
    const text = 'a=1\n'.repeat(5000) + pem + 'b=2\n'.repeat(20000);
    const chunks = chunksOf(text);
    assert.ok(chunks.length > 3);
    assert.equal(chunks[0]![0], 0);
    assert.equal(chunks.at(-1)![1], text.length);
    for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]![0], chunks[i - 1]![1], 'contiguous');
    const pemStart = text.indexOf('-----BEGIN');
    const pemEnd = text.indexOf('-----END');
    assert.ok(chunks.some(([start, end]) => start <= pemStart && end > pemEnd), 'the PEM block is in one chunk');
    for (const [, end] of chunks) assert.ok(end === text.length || text[end - 1] === '\n');
  });

  it('cuts a single very long line at separators', () => {
    const text = Array.from({ length: 20000 }, (_, i) => `tok${i}`).join(' ');
    const chunks = chunksOf(text);
    assert.ok(chunks.length > 3);
    for (const [, end] of chunks.slice(0, -1)) assert.equal(text[end - 1], ' ');
  });

  it('keeps each of many PEM blocks whole, and ignores a BEGIN that never ends', () => {
    const block = (i: number) => `-----BEGIN CERTIFICATE-----\n${`QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo${i}\n`.repeat(700)}-----END CERTIFICATE-----\n`;
    let text = '';
    for (let i = 0; i < 12; i++) text += 'x=1\n'.repeat(3000 + i * 500) + block(i);
    text += '-----BEGIN RSA PRIVATE KEY-----\n' + 'y=2\n'.repeat(30000);
    const chunks = chunksOf(text);
    assert.equal(chunks.at(-1)![1], text.length);
    for (let from = text.indexOf('-----BEGIN CERTIFICATE'); from !== -1; from = text.indexOf('-----BEGIN CERTIFICATE', from + 1)) {
      const close = text.indexOf('-----END', from);
      assert.ok(chunks.some(([start, end]) => start <= from && end > close), `block at ${from} is split`);
    }
    assert.ok(chunks.filter(([start]) => start > text.lastIndexOf('-----BEGIN')).length > 2, 'an unterminated block does not swallow the rest');
  });

  it('cuts by content: an edit leaves the chunks after its own with the text they had', () => {
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const lines: string[] = [];
    for (let i = 0; i < 12000; i++) lines.push(`      - name: step ${random(1000)}\n        run: make target-${random(100000)}`);
    const text = lines.join('\n') + '\n';
    const before = chunksOf(text).map(([start, end]) => text.slice(start, end));
    assert.ok(before.length > 8);
    for (const at of [1000, text.length >> 1, text.length - 5000]) {
      const edited = text.slice(0, at) + 'x'.repeat(1 + random(40)) + text.slice(at);
      const after = chunksOf(edited).map(([start, end]) => edited.slice(start, end));
      const kept = after.filter((chunk) => before.includes(chunk)).length;
      // Every chunk but the edited one and at most one after it (where the cuts resynchronise).
      assert.ok(kept >= after.length - 2, `${kept} of ${after.length} chunks kept after an edit at ${at}`);
    }
  });

  it('reports on an edited large file what a fresh scan of its text reports, chunks linted before or not', async () => {
    let seed = 5;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const token = () => 'ghp_' + Array.from({ length: 36 }, () => 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[random(57)]).join('');
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) lines.push(i % 500 === 7 ? `GH_TOKEN_${i}=${token()}` : `SETTING_${i}=value-${random(100000)}`);
    const scanner = new Scanner(allRules);
    const found = async (document: ParsedDocument) => (await scanner.scan(document, { rules: {} })).findings.map((finding) => `${finding.ruleId}@${finding.span.join('-')}`);
    let text = lines.join('\n') + '\n';
    let version = ParsedDocument.of('/repo/big.env', text, 1);
    const first = await found(version);
    assert.ok(first.filter((id) => id.startsWith('sec-github')).length >= 10, first.join(' '));
    for (let edit = 2; edit < 8; edit++) {
      const at = text.indexOf('\n', random(text.length)) + 1;
      text = text.slice(0, at) + (edit % 2 ? `NEW_TOKEN_${edit}=${token()}\n` : 'x') + text.slice(at);
      version = ParsedDocument.of('/repo/big.env', text, edit, version);
      assert.deepEqual(await found(version), await found(ParsedDocument.of(`/elsewhere/fresh-${edit}.env`, text)));
    }
  });
});
