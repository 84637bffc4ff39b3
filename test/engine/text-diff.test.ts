import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, diffToEdits } from '../../server/src/engine/fix/text-diff';
import type { TextEdit } from '../../server/src/engine/types';

/** Deterministic PRNG (mulberry32): a failure names its seed, and the seed replays it. */
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

const linesOf = (text: string) => (text === '' ? [] : text.split(/(?<=\n)/));

/** Length of the longest common subsequence of lines: a shortest edit script keeps exactly this many. */
function lcs(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = up;
    }
  }
  return row[b.length]!;
}

function randomText(next: () => number): string {
  const vocabulary = ['a', 'b', 'c', 'key: value', '  - item', '', '# comment', 'x'];
  const eol = next() < 0.3 ? '\r\n' : '\n';
  const count = Math.floor(next() * 14);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(vocabulary[Math.floor(next() * vocabulary.length)]!);
  let text = lines.join(eol);
  if (count > 0 && next() < 0.7) text += eol;
  return text;
}

function mutate(text: string, next: () => number): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = linesOf(text);
  const steps = Math.floor(next() * 5);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(next() * (lines.length + 1));
    const roll = next();
    if (roll < 0.35 && lines.length > 0) lines.splice(Math.min(at, lines.length - 1), 1);
    else if (roll < 0.7) lines.splice(at, 0, `new ${Math.floor(next() * 3)}${eol}`);
    else if (lines.length > 0) lines[Math.min(at, lines.length - 1)] = `changed${eol}`;
  }
  let result = lines.join('');
  if (next() < 0.15) result = result.endsWith('\n') ? result.slice(0, -eol.length) : result + eol;
  return result;
}

function checkEdits(before: string, after: string, edits: readonly TextEdit[], label: string): void {
  assert.equal(applyEdits(before, edits), after, `${label}: applying the edits`);
  const starts = new Set([0, before.length]);
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) starts.add(i + 1);
  let previousEnd = -1;
  let deleted = 0;
  let inserted = 0;
  for (const edit of edits) {
    assert.ok(edit.span[0] > previousEnd, `${label}: edits are sorted and separated by kept lines`);
    assert.ok(edit.span[0] <= edit.span[1], `${label}: span order`);
    assert.ok(starts.has(edit.span[0]) && starts.has(edit.span[1]), `${label}: edits cover whole lines`);
    assert.notEqual(before.slice(edit.span[0], edit.span[1]), edit.newText, `${label}: no no-op edits`);
    previousEnd = edit.span[1];
    deleted += linesOf(before.slice(edit.span[0], edit.span[1])).length;
    inserted += linesOf(edit.newText).length;
  }
  // Minimal: exactly the lines outside a longest common subsequence are deleted and inserted.
  const a = linesOf(before);
  const b = linesOf(after);
  const common = lcs(a, b);
  assert.equal(deleted, a.length - common, `${label}: deleted lines`);
  assert.equal(inserted, b.length - common, `${label}: inserted lines`);
}

describe('diffToEdits / applyEdits', () => {
  it('returns no edits for identical texts', () => {
    assert.deepEqual(diffToEdits('a\nb\n', 'a\nb\n'), []);
    assert.deepEqual(diffToEdits('', ''), []);
  });

  it('touches only the changed line', () => {
    assert.deepEqual(diffToEdits('a\nb\nc\n', 'a\nB\nc\n'), [{ span: [2, 4], newText: 'B\n' }]);
  });

  it('inserts and deletes whole lines without touching their neighbours', () => {
    assert.deepEqual(diffToEdits('a\nc\n', 'a\nb\nc\n'), [{ span: [2, 2], newText: 'b\n' }]);
    assert.deepEqual(diffToEdits('a\nb\nc\n', 'a\nc\n'), [{ span: [2, 4], newText: '' }]);
    assert.deepEqual(diffToEdits('a\nb\nc\nd\ne\n', 'A\nb\nc\nd\nE\n'), [
      { span: [0, 2], newText: 'A\n' },
      { span: [8, 10], newText: 'E\n' },
    ]);
  });

  it('handles empty sides and a missing final newline', () => {
    checkEdits('', 'a\nb\n', diffToEdits('', 'a\nb\n'), 'from empty');
    checkEdits('a\nb\n', '', diffToEdits('a\nb\n', ''), 'to empty');
    checkEdits('a\nb', 'a\nb\nc', diffToEdits('a\nb', 'a\nb\nc'), 'append to an unterminated line');
    checkEdits('a\r\nb\r\n', 'a\r\nx\r\nb\r\n', diffToEdits('a\r\nb\r\n', 'a\r\nx\r\nb\r\n'), 'CRLF');
  });

  it('round-trips and is minimal on random edits (seeded property test)', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const next = random(seed);
      const before = randomText(next);
      const after = next() < 0.5 ? mutate(before, next) : randomText(next);
      checkEdits(before, after, diffToEdits(before, after), `seed ${seed}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    }
  });

  it('applies edits given in any order and rejects overlapping ones', () => {
    const text = 'abcdef';
    const edits: TextEdit[] = [
      { span: [0, 1], newText: 'A' },
      { span: [4, 6], newText: 'EF!' },
      { span: [2, 2], newText: '+' },
    ];
    assert.equal(applyEdits(text, edits), 'Ab+cdEF!');
    assert.equal(applyEdits(text, [...edits].reverse()), 'Ab+cdEF!');
    assert.throws(() => applyEdits(text, [{ span: [0, 3], newText: 'x' }, { span: [2, 4], newText: 'y' }]), /overlapping/);
    assert.equal(applyEdits(text, []), text);
  });
});
