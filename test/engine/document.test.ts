import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { changedRegion, SourceDocument } from '../../server/src/engine/document';
import { ParsedDocument } from '../../server/src/engine/parsed-document';

const pos = (line: number, character: number) => ({ line, character });

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
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

describe('SourceDocument', () => {
  it('handles empty text', () => {
    const doc = new SourceDocument('empty.txt', '');
    assert.equal(doc.lineCount, 1);
    assert.deepEqual(doc.positionAt(0), pos(0, 0));
    assert.deepEqual(doc.positionAt(10), pos(0, 0));
    assert.equal(doc.offsetAt(pos(0, 0)), 0);
    assert.equal(doc.offsetAt(pos(0, 5)), 0);
    assert.equal(doc.offsetAt(pos(3, 1)), 0);
    assert.equal(doc.lineText(0), '');
    assert.equal(doc.lineEnd(0), 0);
  });

  it('handles a last line without a newline', () => {
    const doc = new SourceDocument('a.txt', 'one\ntwo');
    assert.equal(doc.lineCount, 2);
    assert.deepEqual(doc.positionAt(4), pos(1, 0));
    assert.deepEqual(doc.positionAt(7), pos(1, 3));
    assert.deepEqual(doc.positionAt(99), pos(1, 3), 'offsets past the end clamp to the end');
    assert.equal(doc.offsetAt(pos(1, 3)), 7);
    assert.equal(doc.offsetAt(pos(1, 50)), 7, 'characters past the line end clamp to it');
    assert.equal(doc.lineText(1), 'two');
    assert.equal(doc.lineEnd(1), 7);
  });

  it('counts the empty line after a final newline', () => {
    const doc = new SourceDocument('a.txt', 'one\n');
    assert.equal(doc.lineCount, 2);
    assert.deepEqual(doc.positionAt(4), pos(1, 0));
    assert.equal(doc.lineText(1), '');
    assert.equal(doc.offsetAt(pos(1, 0)), 4);
  });

  it('keeps CR out of line ends and columns with CRLF line breaks', () => {
    const doc = new SourceDocument('a.yml', 'ab\r\ncd\r\n\r\nef');
    assert.equal(doc.lineCount, 4);
    assert.equal(doc.lineEnd(0), 2);
    assert.equal(doc.lineText(0), 'ab');
    assert.equal(doc.lineText(1), 'cd');
    assert.equal(doc.lineText(2), '');
    assert.equal(doc.lineText(3), 'ef');
    assert.deepEqual(doc.positionAt(4), pos(1, 0));
    assert.deepEqual(doc.positionAt(2), pos(0, 2));
    assert.equal(doc.offsetAt(pos(0, 10)), 2, 'clamped before the \\r\\n');
    assert.equal(doc.offsetAt(pos(2, 0)), 8);
    assert.equal(doc.offsetAt(pos(2, 4)), 8, 'an empty CRLF line clamps to its start');
    assert.deepEqual(doc.rangeOf([4, 6]), { start: pos(1, 0), end: pos(1, 2) });
  });

  it('treats a BOM as one UTF-16 code unit of the first line', () => {
    const doc = new SourceDocument('a.yml', '\uFEFFkey: value\nnext: 1\n');
    assert.deepEqual(doc.positionAt(0), pos(0, 0));
    assert.deepEqual(doc.positionAt(1), pos(0, 1));
    assert.equal(doc.offsetAt(pos(0, 1)), 1);
    assert.equal(doc.lineText(0), '\uFEFFkey: value');
    assert.deepEqual(doc.positionAt(doc.text.indexOf('next')), pos(1, 0));
  });

  it('counts astral characters as two UTF-16 code units, as LSP does', () => {
    const text = 'a😀b\n𝒳 = "🔑"\nz';
    const doc = new SourceDocument('a.ts', text);
    assert.deepEqual(doc.positionAt(text.indexOf('b')), pos(0, 3));
    assert.equal(doc.lineEnd(0), 4);
    assert.deepEqual(doc.positionAt(text.indexOf('=')), pos(1, 3));
    assert.deepEqual(doc.positionAt(text.indexOf('z')), pos(2, 0));
    assert.equal(doc.offsetAt(pos(1, 3)), text.indexOf('='));
  });

  it('clamps negative offsets and lines', () => {
    const doc = new SourceDocument('a.txt', 'ab\ncd');
    assert.deepEqual(doc.positionAt(-4), pos(0, 0));
    assert.equal(doc.offsetAt(pos(-1, 3)), 0);
    assert.equal(doc.offsetAt(pos(1, -2)), 3);
    assert.equal(doc.offsetAt(pos(9, 0)), 5);
  });

  it('lower-cases once', () => {
    const doc = new SourceDocument('a.txt', 'AWS_Access_Key_ID');
    assert.equal(doc.lowerText, 'aws_access_key_id');
    assert.equal(doc.lowerText, doc.lowerText);
  });

  it('agrees with vscode-languageserver-textdocument on random LF/CRLF text (seeded)', () => {
    // Lone CR is left out: SourceDocument splits lines on \n only (see the report).
    const pieces = ['a', 'bc', ' ', '\n', '\r\n', '😀', '\uFEFF', 'é', '\t'];
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      let text = '';
      const length = Math.floor(next() * 40);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
      const ours = new SourceDocument('x', text);
      const theirs = TextDocument.create('file:///x', 'plaintext', 0, text);
      for (let offset = 0; offset <= text.length; offset++) {
        // Between \r and \n there is no valid LSP position; the two libraries round differently.
        if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
        assert.deepEqual(ours.positionAt(offset), theirs.positionAt(offset), `seed ${seed}: positionAt(${offset}) of ${JSON.stringify(text)}`);
        assert.equal(ours.offsetAt(ours.positionAt(offset)), offset, `seed ${seed}: round trip of ${offset}`);
      }
      for (let line = 0; line <= ours.lineCount; line++) {
        for (let character = 0; character <= 6; character++) {
          assert.equal(
            ours.offsetAt(pos(line, character)),
            theirs.offsetAt(pos(line, character)),
            `seed ${seed}: offsetAt(${line}:${character}) of ${JSON.stringify(text)}`,
          );
        }
      }
      assert.equal(ours.lineCount, theirs.lineCount, `seed ${seed}: lineCount`);
    }
  });
});

describe('changedRegion', () => {
  /** The same, a character at a time: the definition. */
  const reference = (before: string, after: string) => {
    let start = 0;
    while (start < Math.min(before.length, after.length) && before[start] === after[start]) start++;
    let oldEnd = before.length;
    let newEnd = after.length;
    while (oldEnd > start && newEnd > start && before[oldEnd - 1] === after[newEnd - 1]) {
      oldEnd--;
      newEnd--;
    }
    return { start, oldEnd, newEnd };
  };

  it('finds the region a random edit changed, across block boundaries and in repetitive text', () => {
    const next = random(7);
    const base = 'a'.repeat(700) + 'jobs:\n  build:\n    run: make\n'.repeat(40);
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(next() * base.length);
      const removed = Math.floor(next() * 3) * (i % 5 === 0 ? 200 : 1);
      const inserted = ['', 'a', 'x', 'ab', 'jobs:\n', 'a'.repeat(300)][Math.floor(next() * 6)]!;
      const after = base.slice(0, at) + inserted + base.slice(at + removed);
      assert.deepEqual(changedRegion(base, after), reference(base, after), `edit ${i} at ${at}`);
    }
    assert.deepEqual(changedRegion(base, base), { start: base.length, oldEnd: base.length, newEnd: base.length });
    assert.deepEqual(changedRegion('', 'abc'), { start: 0, oldEnd: 0, newEnd: 3 });
  });
});

describe('ParsedDocument.yamlAt', () => {
  it('finds the document of every offset of a stream, as a walk over the documents does, and none between them', () => {
    const text = '# leading comment\n---\nkind: A\nitems: [1, 2]\n---\nkind: B\nnested:\n  x: "y"\n...\n# between\n---\nkind: C\n';
    const document = ParsedDocument.of('k8s/all.yaml', text);
    const documents = document.yaml();
    assert.equal(documents.length, 3);
    for (let offset = 0; offset <= text.length; offset++) {
      const walked = documents.find((yaml) => yaml.range[0] <= offset && offset < yaml.range[2]);
      assert.equal(document.yamlAt(offset), walked, `offset ${offset}`);
    }
    assert.equal(String((document.yamlAt(text.indexOf('kind: B')))?.get('kind')), 'B');
    assert.equal(String((document.yamlAt(text.indexOf('kind: C')))?.get('kind')), 'C');
  });
});
