import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { allRules } from '../../rules/index';
import { changedRegion } from '../../server/src/engine/document';
import { KeywordIndex, KeywordSelector } from '../../server/src/engine/keywords';
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

describe('KeywordIndex.scan of a new version', () => {
  const registry = new KeywordIndex([...allRules.flatMap((rule) => rule.keywords), ...SUPPRESSION_MARKERS], ['key', 'token', 'pass']);
  const base = readFileSync('rules/sec-password-assignment/index.ts', 'utf8').repeat(3);
  let seed = 23;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pieces = ['x', '\n', 'token', 'KEY', 'pa', 'ss', '', '\n\nconst secret = 1;\n', 'é'];

  it('finds what a fresh scan finds after each of many edits (inserts, deletes, line breaks, pastes)', () => {
    let text = base;
    let previous = registry.scan(text);
    for (let round = 0; round < 400; round++) {
      const at = random(text.length + 1);
      const removed = random(4) === 0 ? random(Math.min(9000, text.length - at) + 1) : 0;
      const next = text.slice(0, at) + pieces[random(pieces.length)]! + text.slice(at + removed);
      const region = changedRegion(text, next);
      const incremental = registry.scan(next, { scan: previous, region });
      const fresh = registry.scan(next);
      assert.deepEqual([...incremental.found].sort(), [...fresh.found].sort(), `round ${round}`);
      assert.deepEqual(Object.fromEntries(incremental.starts()), Object.fromEntries(fresh.starts()), `round ${round}`);
      text = next;
      previous = incremental;
    }
  });

  it('keeps the blocks the edit does not touch and rescans only the one it does', () => {
    const before = registry.scan(base);
    assert.ok(before.blocks.length > 10, 'a long file is split into blocks');
    const at = before.blocks[5]!.start + 10;
    const next = base.slice(0, at) + 'token' + base.slice(at);
    const after = registry.scan(next, { scan: before, region: changedRegion(base, next) });
    assert.equal(after.blocks.length, before.blocks.length);
    after.blocks.forEach((block, i) => {
      if (i === 5) assert.notEqual(block, before.blocks[i]);
      else assert.equal(block.ids, before.blocks[i]!.ids, `block ${i} is reused`);
    });
  });

  it('is reused by the next version of a parsed document', () => {
    const first = ParsedDocument.of('a.ts', base, 1);
    const second = ParsedDocument.of('a.ts', base + '\nconst passphrase = x;\n', 2, first);
    const removed = ParsedDocument.of('a.ts', base.replaceAll('token', 'tok'), 3, second);
    for (const document of [first, second, removed]) {
      assert.deepEqual([...document.foundKeywords(registry)].sort(), [...registry.find(document.text)].sort());
      assert.deepEqual(document.keywordStarts(['token', 'key']), ParsedDocument.of('b.ts', document.text).keywordStarts(['token', 'key']));
    }
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

describe('KeywordSelector', () => {
  const formats = [
    { name: 'slack', keywords: ['xoxb-', 'xoxp-'] },
    { name: 'aws', keywords: ['AKIA'] },
    { name: 'stripe', keywords: ['sk_live_', 'rk_live_'] },
    { name: 'also-slack', keywords: ['xoxp-'] },
  ];
  const selector = new KeywordSelector(formats, (format) => format.keywords);
  const naive = (text: string) => formats.filter((format) => format.keywords.some((keyword) => text.toLowerCase().includes(keyword.toLowerCase()))).map((format) => format.name);

  it('lists every entry keyword once, lower case, for the rule to declare', () => {
    assert.deepEqual([...selector.keywords].sort(), ['akia', 'rk_live_', 'sk_live_', 'xoxb-', 'xoxp-']);
  });

  it('picks the entries with a keyword the document holds, in their order, with or without the prefilter', () => {
    const texts = ['token = "xoxp-1"; key = "AKIA…"', 'RK_LIVE_x', 'nothing here', 'xoxb- sk_live_ xoxp- akia'];
    // The prefilter finds more words than the selector asks about, and fewer: both ways are taken.
    const wide = new KeywordIndex([...selector.keywords, 'token', 'key', 'nothing', 'here', 'x']);
    for (const text of texts) {
      assert.deepEqual(selector.select(ParsedDocument.of('a.ts', text)).map((format) => format.name), naive(text), `alone: ${text}`);
      const scanned = ParsedDocument.of('a.ts', text);
      scanned.foundKeywords(wide);
      assert.deepEqual(selector.select(scanned).map((format) => format.name), naive(text), `after the prefilter: ${text}`);
      const partial = ParsedDocument.of('a.ts', text);
      partial.foundKeywords(new KeywordIndex(['xoxb-']));
      assert.deepEqual(selector.select(partial).map((format) => format.name), naive(text), `after a prefilter without its words: ${text}`);
    }
  });
});

describe('ParsedDocument.keywordMatches', () => {
  const text = 'login(u, "p"); relogin(u); LOGIN (x); const catalog = login;';

  it('matches a sticky pattern only where a keyword starts, and its lookbehind sees the text before', () => {
    const document = ParsedDocument.of('a.ts', text);
    const calls = [...document.keywordMatches(['login'], /(?<![\w$])login[ \t]*\(/iy)].map((match) => match.index);
    // `relogin(` starts a keyword inside a name (the lookbehind refuses it); the last `login` is not a call.
    assert.deepEqual(calls, [0, 27]);
  });

  it('refuses a pattern that is not sticky, which would search past the keyword', () => {
    assert.throws(() => [...ParsedDocument.of('a.ts', text).keywordMatches(['login'], /login\(/g)], /sticky/);
  });
});
