import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskSecret, redact } from '../../server/src/engine/mask';

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';

function secretOf(length: number, next: () => number): string {
  let value = '';
  for (let i = 0; i < length; i++) value += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return value;
}

/** Characters of `secret` that survive in `masked` (everything that is not `*`). */
const revealed = (masked: string) => masked.replace(/\*/g, '').length;

describe('maskSecret', () => {
  it('never shows a whole value, and shows at most a quarter of it (lengths 1..80)', () => {
    const next = random(42);
    for (let length = 1; length <= 80; length++) {
      for (let sample = 0; sample < 20; sample++) {
        const secret = secretOf(length, next);
        const masked = maskSecret(secret);
        const label = `length ${length}: ${secret} → ${masked}`;
        assert.ok(!masked.includes(secret), `${label}: the whole value leaks`);
        assert.ok(revealed(masked) <= Math.min(6, Math.floor(length / 4)), `${label}: reveals ${revealed(masked)} characters`);
        assert.ok(masked.includes('****'), `${label}: visibly masked`);
        // What is shown is the value's own start and end, so the token type stays recognisable.
        const head = masked.slice(0, masked.indexOf('*'));
        const tail = masked.slice(masked.lastIndexOf('*') + 1);
        assert.ok(secret.startsWith(head) && secret.endsWith(tail), `${label}: shows only the ends`);
      }
    }
  });

  it('keeps the prefix that names the token type on long values', () => {
    assert.match(maskSecret('AKIAQWERTYUIOPASDFGH'), /^AKIA\*+$/);
    assert.match(maskSecret('ghp_0123456789abcdefghijklmnopqrstuvwxyz'), /^ghp_\*{12}yz$/);
  });

  it('does not reveal the length of long values', () => {
    const next = random(7);
    assert.equal(maskSecret(secretOf(40, next)).length, maskSecret(secretOf(80, next)).length);
  });

  it('masks short values completely, with at least four stars', () => {
    assert.equal(maskSecret('a'), '****');
    assert.equal(maskSecret('abcdefgh'), '********');
    assert.equal(maskSecret('  abc  '), '****', 'surrounding whitespace is not part of the value');
  });
});

describe('redact', () => {
  it('replaces every occurrence of a secret with its mask', () => {
    const secret = 'wJalrXUtnFEMIK7MDENGbPxRfiCYzQ3k';
    const text = `key=${secret}; again ${secret}`;
    const out = redact(text, secret);
    assert.ok(!out.includes(secret));
    assert.equal(out, `key=${maskSecret(secret)}; again ${maskSecret(secret)}`);
  });

  it('leaves text alone for values too short to be a secret', () => {
    assert.equal(redact('id=abc', 'abc'), 'id=abc');
  });
});
