import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { allRules } from '../../rules/index';
import { KeywordIndex } from '../../server/src/engine/keywords';
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

  it('handles an empty keyword set and regex metacharacters', () => {
    assert.equal(new KeywordIndex([]).find('anything').size, 0);
    assert.deepEqual([...new KeywordIndex(['a.b', '(x)']).find('aXb (x)')], ['(x)']);
  });
});
