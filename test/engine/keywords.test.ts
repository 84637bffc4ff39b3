import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { allRules } from '../../rules/index';
import { KeywordIndex } from '../../server/src/engine/keywords';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { SUPPRESSION_MARKERS } from '../../server/src/engine/suppressions';

describe('KeywordIndex', () => {
  const index = new KeywordIndex(['secret', 'secret_access', 'cret_a', 'env', '.env', 'xoxb-']);

  it('finds every keyword, case-insensitively, including overlapping and prefix ones', () => {
    assert.deepEqual([...index.find('AWS_SECRET_ACCESS_KEY = process.env.KEY')].sort(), ['.env', 'cret_a', 'env', 'secret', 'secret_access']);
  });

  it('agrees with one includes per keyword on arbitrary text', () => {
    const alphabet = 'secrt_a.nvxob-SECRT';
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 40 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const expected = [...index.keywords].filter((keyword) => text.toLowerCase().includes(keyword)).sort();
      assert.deepEqual([...index.find(text)].sort(), expected, text);
    }
  });

  it('agrees with includes for the whole registry on real source files', () => {
    const registry = new KeywordIndex([...allRules.flatMap((rule) => rule.keywords), ...SUPPRESSION_MARKERS]);
    const files = ['rules/index.ts', 'server/src/engine/runner.ts', 'README.md', 'rules/sec-provider-tokens/index.ts', 'package-lock.json'];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const lower = text.toLowerCase();
      const expected = [...registry.keywords].filter((keyword) => lower.includes(keyword)).sort();
      assert.deepEqual([...registry.find(text)].sort(), expected, file);
    }
  });

  it('matches upper-case ASCII but not other characters that fold to it, and keeps non-ASCII keywords', () => {
    const index = new KeywordIndex(['key', 'clé']);
    assert.deepEqual([...index.find('API_KEY')], ['key']);
    assert.deepEqual([...index.find('a \u212Aey')], [], 'the Kelvin sign is not a K');
    assert.deepEqual([...index.find('LA CLÉ')], ['clé']);
  });

  it('records where located keywords start, every occurrence, and agrees with a regex search', () => {
    const located = new KeywordIndex(['secret', 'secret_access', 'cret_a', 'env', '.env', 'xoxb-'], ['secret', 'env']);
    const starts = new Map<string, number[]>();
    const found = located.find('SECRET=1 secret_access .env ENV', starts);
    assert.deepEqual([...found].sort(), ['.env', 'cret_a', 'env', 'secret', 'secret_access']);
    assert.deepEqual(Object.fromEntries(starts), { secret: [0, 9], env: [24, 28] });
    const alphabet = 'secrtnvSECRTNV_.';
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 60 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const offsets = new Map<string, number[]>();
      located.find(text, offsets);
      for (const keyword of ['secret', 'env']) {
        const expected = [...text.matchAll(new RegExp(`(?=${keyword})`, 'gi'))].map((match) => match.index);
        assert.deepEqual(offsets.get(keyword) ?? [], expected, `${keyword} in ${text}`);
      }
      // Recording does not change what is found.
      assert.deepEqual([...located.find(text)].sort(), [...index.find(text)].sort());
    }
  });

  it('handles an empty keyword set and regex metacharacters', () => {
    assert.equal(new KeywordIndex([]).find('anything').size, 0);
    assert.deepEqual([...new KeywordIndex(['a.b', '(x)']).find('aXb (x)')], ['(x)']);
  });
});

describe('ParsedDocument.keywordStarts', () => {
  const text = 'const apiKey = "k"; // TOKEN, key\nconst pw = token;';
  const expected = [9, 23, 30, 40, 45];

  it('gives the offsets of any of the words, in order, from a pass of its own', () => {
    assert.deepEqual(ParsedDocument.of('a.ts', text).keywordStarts(['key', 'pw', 'token']), expected);
  });

  it('gives the same offsets from the prefilter, for the keywords it locates', () => {
    const document = ParsedDocument.of('a.ts', text);
    const index = new KeywordIndex(['key', 'pw', 'token', 'const'], ['key', 'pw', 'token']);
    assert.deepEqual([...document.foundKeywords(index)].sort(), ['const', 'key', 'pw', 'token']);
    assert.deepEqual(document.keywordStarts(['key', 'pw', 'token']), expected);
    assert.deepEqual(document.keywordStarts(['const']), [0, 34], 'a word the prefilter does not locate');
    assert.deepEqual(document.keywordStarts(['absent']), []);
  });
});
