import type { TextEdit } from '../types';

/**
 * The smallest line-level edits that turn `before` into `after` (Myers' O(ND) diff, fast when
 * the change is small, as fixes are). Fixes compute a whole new text through a parser's
 * comment-preserving printer; this turns that back into edits that touch only changed lines.
 */
export function diffToEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = splitKeepingEnds(before);
  const b = splitKeepingEnds(after);
  const offsets = lineOffsets(a);
  const edits: TextEdit[] = [];
  let hunk: { i: number; j: number } | undefined;
  let i = 0;
  let j = 0;
  for (const step of [...myers(a, b), 'keep' as const]) {
    if (step === 'keep') {
      if (hunk) edits.push({ span: [offsets[hunk.i]!, offsets[i]!], newText: b.slice(hunk.j, j).join('') });
      hunk = undefined;
      i++;
      j++;
    } else {
      hunk ??= { i, j };
      if (step === 'delete') i++;
      else j++;
    }
  }
  return edits;
}

function splitKeepingEnds(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

function lineOffsets(lines: readonly string[]): number[] {
  const offsets = [0];
  for (const line of lines) offsets.push(offsets[offsets.length - 1]! + line.length);
  return offsets;
}

type Step = 'keep' | 'delete' | 'insert';

/** Myers' greedy shortest edit script; frontiers are kept per step to walk the path back. */
function myers(a: readonly string[], b: readonly string[]): Step[] {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const steps: Step[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && frontier[offset + k - 1]! < frontier[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : frontier[offset + prevK]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      steps.push('keep');
      x--;
      y--;
    }
    if (d > 0) steps.push(x === prevX ? 'insert' : 'delete');
    x = prevX;
    y = prevY;
  }
  return steps.reverse();
}

/** Applies non-overlapping edits (in any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((p, q) => q.span[0] - p.span[0] || q.span[1] - p.span[1]);
  let result = text;
  let lastStart = Infinity;
  for (const edit of sorted) {
    if (edit.span[1] > lastStart) throw new Error('overlapping edits');
    result = result.slice(0, edit.span[0]) + edit.newText + result.slice(edit.span[1]);
    lastStart = edit.span[0];
  }
  return result;
}
