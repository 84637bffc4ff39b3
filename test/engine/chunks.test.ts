import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunksOf } from '../../rules/lib/secretlint-rule';

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
});
