import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeywordIndex } from '../../server/src/engine/keywords';

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

  it('handles an empty keyword set and regex metacharacters', () => {
    assert.equal(new KeywordIndex([]).find('anything').size, 0);
    assert.deepEqual([...new KeywordIndex(['a.b', '(x)']).find('aXb (x)')], ['(x)']);
  });
});
