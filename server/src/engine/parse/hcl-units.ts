/**
 * Error containment for Terraform. tree-sitter's HCL grammar recovers from a syntax error by
 * sweeping what follows into one ERROR node: one stray character in a block can hide every
 * resource below it from the rules, and while the file holds errors tree-sitter reuses none of
 * the subtrees that contain them, so each keystroke re-runs error recovery over that whole stretch
 * (5 to 17 ms on a 1,000-line file, against 0.2 ms for an edit of a clean file).
 *
 * So a Terraform file that does not parse cleanly is cut into units, and the units that do not
 * parse on their own are blanked (every character but line breaks becomes a space) before the
 * file is parsed: the errors stay in the units they are in, the rest of the file keeps its nodes,
 * offsets and findings, and the tree is clean, so tree-sitter reuses it on the next edit.
 *
 * A chunk starts at every line that begins with a letter or `_` at column 0 (a block or a
 * top-level attribute), outside heredocs and block comments, and runs to the next. A unit is a
 * chunk, or a chunk with the ones after it when the chunk alone is left open (its error reaches
 * its end: `locals {` with unindented contents, a heredoc with column-0 lines this cut missed);
 * then the unit is the shortest run of chunks that parses, found by doubling and then halving.
 * Each verdict is a parse of the unit's text alone; the verdicts of units whose text did not
 * change are kept from the previous version, so after an edit only the changed chunk is parsed.
 *
 * The result is a function of the text alone (the CLI reports what the editor shows): the
 * whole-file parse when it is clean, else the file with its broken units blanked. A unit whose
 * run stayed open up to a limit (its length, or the work spent on the file) is uncertain, and a
 * file with a chunk longer than CHUNK_LIMIT is not cut at all; the caller then takes the
 * whole-file parse, as before containment, so no file costs much more than that parse.
 */

import type { ChangedRegion } from '../document';
import type { SyntaxNode, Tree } from './tree-sitter';

/** What parsing a run of chunks alone shows. */
export const enum Verdict {
  /** No error. */
  Clean,
  /** An error reaches the end (a missing `}` or an unterminated string): more text might close it. */
  Open,
  /** An error before the end: no text after it makes the run parse. */
  Broken,
}

/**
 * A run that stays open is widened by at most this many characters past its first chunk: a huge
 * open chunk (hostile input, a file with nothing at column 0) is not parsed again and again at
 * ever larger sizes; it is left uncertain, which the whole-file parse settles.
 */
const WIDEN_LIMIT = 8 * 1024;
/** Widening (runs of two chunks or more) parses at most this many times the file's length in all (hostile input: every line opens a bracket). */
const WIDEN_BUDGET = { minimum: 16 * 1024, factor: 1 };

/**
 * Where each chunk of `text` starts: 0, then every column-0 line starting with a letter or `_`,
 * outside heredocs and block comments. With the previous version's starts and the changed region,
 * only the text from the chunk before the change up to the first start after it that lines up
 * with a previous one is scanned (chunks start outside heredocs and comments, so the scans agree from there on).
 */
export function hclChunkStarts(text: string, previous?: { readonly starts: readonly number[]; readonly region: ChangedRegion }): number[] {
  if (!previous) return scanChunkStarts(text, [0]);
  const { starts: before, region } = previous;
  const delta = region.newEnd - region.oldEnd;
  let kept = 0;
  while (kept < before.length && before[kept]! < region.start) kept++;
  // The chunk holding the change's first line starts at before[kept - 1] (0 when the change is at the very start).
  const starts = before.slice(0, Math.max(1, kept));
  if (kept === 0) starts[0] = 0;
  let next = kept;
  return scanChunkStarts(text, starts, (lineStart) => {
    if (lineStart < region.newEnd) return false;
    while (next < before.length && before[next]! + delta < lineStart) next++;
    if (next >= before.length || before[next]! + delta !== lineStart) return false;
    for (let i = next + 1; i < before.length; i++) starts.push(before[i]! + delta);
    return true;
  });
}

/** Scans from the last of `starts` onward, adding chunk starts, until `lined` (given each new start, once added) says the rest is known. */
function scanChunkStarts(text: string, starts: number[], lined?: (lineStart: number) => boolean): number[] {
  let heredocEnd: string | undefined;
  let inComment = false;
  // The next `<<`, `/*` and `*/`, each found once and moved on past: lines without them cost no search.
  const next = { heredoc: -2, open: -2, close: -2 };
  const find = (key: keyof typeof next, needle: string, from: number) => {
    if (next[key] !== -1 && next[key] < from) next[key] = text.indexOf(needle, from);
    return next[key];
  };
  const origin = starts[starts.length - 1]!;
  for (let lineStart = origin; lineStart < text.length; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (heredocEnd !== undefined) {
      if (text.slice(lineStart, lineEnd).trim() === heredocEnd) heredocEnd = undefined;
    } else {
      let from = lineStart;
      if (inComment) {
        const close = find('close', '*/', lineStart);
        if (close === -1 || close >= lineEnd) from = lineEnd;
        else {
          inComment = false;
          from = close + 2;
        }
      } else if (lineStart > origin && isIdentifierStart(text.charCodeAt(lineStart))) {
        starts.push(lineStart);
        if (lined?.(lineStart)) return starts;
      }
      // A block comment left open on this line: the lines up to its end belong to this chunk.
      for (let open = find('open', '/*', from); !inComment && open !== -1 && open < lineEnd; open = find('open', '/*', from)) {
        const close = find('close', '*/', open + 2);
        if (close === -1 || close >= lineEnd) inComment = true;
        else from = close + 2;
      }
      const heredoc = find('heredoc', '<<', lineStart);
      if (!inComment && heredoc !== -1 && heredoc < lineEnd && !/#|\/\//.test(text.slice(lineStart, heredoc))) {
        heredocEnd = HEREDOC_OPENER.exec(text.slice(heredoc, lineEnd))?.[1];
      }
    }
    lineStart = lineEnd + 1;
  }
  return starts;
}

/** `<<EOT` or `<<-EOT` ending its line: the heredoc runs to a line holding only `EOT`. */
const HEREDOC_OPENER = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?$/;

function isIdentifierStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

/**
 * Past this length a chunk is not judged on its own: a file with such a chunk (hostile input, a
 * file with next to nothing at column 0) is parsed whole, as it was before containment, so no
 * file costs much more than its whole-file parse.
 */
const CHUNK_LIMIT = 64 * 1024;

/** Whether every chunk is short enough to be judged alone (see CHUNK_LIMIT). */
export function containable(length: number, starts: readonly number[]): boolean {
  for (let i = 0; i < starts.length; i++) {
    if ((i + 1 < starts.length ? starts[i + 1]! : length) - starts[i]! > CHUNK_LIMIT) return false;
  }
  return true;
}

/** The units of `text` that do not parse, as [start, end) ranges, and whether any of them is only presumed broken. */
export interface Containment {
  readonly broken: ReadonlyArray<readonly [number, number]>;
  readonly uncertain: boolean;
}

/**
 * Cuts `text` into units and judges each with `judge` (which parses `text.slice(start, end)`
 * alone; the caller keeps the verdicts of text that did not change). The widening work is counted
 * whether or not a verdict was kept, so the limits fall where they would for a scan from scratch.
 */
export function containHcl(text: string, starts: readonly number[], judge: (start: number, end: number) => Verdict): Containment {
  const count = starts.length;
  const endOf = (chunk: number) => (chunk + 1 < count ? starts[chunk + 1]! : text.length);
  const broken: Array<readonly [number, number]> = [];
  let uncertain = false;
  let budget = Math.max(WIDEN_BUDGET.minimum, WIDEN_BUDGET.factor * text.length);
  const verdictOf = (first: number, last: number): Verdict => {
    if (last > first) budget -= endOf(last) - starts[first]!;
    return judge(starts[first]!, endOf(last));
  };
  for (let chunk = 0; chunk < count; ) {
    const start = starts[chunk]!;
    if (start === endOf(chunk)) {
      chunk++;
      continue;
    }
    let verdict = verdictOf(chunk, chunk);
    let last = chunk;
    if (verdict === Verdict.Open) {
      // Double the run while it stays open, then find the shortest run that does not.
      const limit = endOf(chunk) - start + WIDEN_LIMIT;
      let open = chunk;
      let step = 1;
      let closed = -1;
      while (open + 1 < count && budget > 0) {
        const next = Math.min(count - 1, open + step);
        if (endOf(next) - start > limit) break;
        const widened = verdictOf(chunk, next);
        if (widened !== Verdict.Open) {
          // `verdict` stays the verdict of the run that ends at `closed`, as the search below moves it.
          closed = next;
          verdict = widened;
          break;
        }
        open = next;
        step *= 2;
      }
      if (closed === -1) {
        // Open to the end of the file is broken for certain; stopped by a limit, it may close later.
        if (open + 1 < count) uncertain = true;
        verdict = Verdict.Broken;
      } else {
        // The first run past `open` that is not open: Clean (the unit) or Broken (an error inside it).
        let low = open + 1;
        let high = closed;
        while (low < high) {
          const middle = (low + high) >>> 1;
          const probe = verdictOf(chunk, middle);
          if (probe === Verdict.Open) low = middle + 1;
          else {
            high = middle;
            verdict = probe;
          }
        }
        last = low;
      }
    }
    if (verdict === Verdict.Clean) {
      chunk = last + 1;
    } else {
      broken.push([start, endOf(chunk)]);
      chunk++;
    }
  }
  return { broken, uncertain };
}

/** `text` with every character of the `ranges` but line breaks turned into a space: offsets and lines stay put. */
export function blankRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  if (ranges.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    out += text.slice(from, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    from = end;
  }
  return out + text.slice(from);
}

/** The verdict on a unit parsed alone, from its tree's root: where its last error is, if it has one. */
export function unitVerdict(root: SyntaxNode): Verdict {
  if (!root.hasError) return Verdict.Clean;
  // Down the last child (comments aside): a missing token there, or an ERROR holding what was
  // opened (`x = [`, `f(`, `"${`), reaches the end; an empty ERROR there is a stray `}`, which
  // no text after it closes.
  for (let node: SyntaxNode | null = root; node; ) {
    if (node.isMissing || (node.type === 'ERROR' && node.namedChildCount > 0)) return Verdict.Open;
    let last: SyntaxNode | null = node.lastChild;
    while (last && last.type === 'comment') last = last.previousSibling;
    node = last;
  }
  return Verdict.Broken;
}

/**
 * The verdicts of one version, kept in the order they were given (units by increasing start), so
 * the next version looks up those of its unchanged units in one pass, without keys or hashing.
 */
export class UnitVerdicts {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly verdicts: Verdict[] = [];
  record(start: number, end: number, verdict: Verdict): void {
    this.starts.push(start);
    this.ends.push(end);
    this.verdicts.push(verdict);
  }

  /** A lookup of the verdict given on [start, end), for calls whose `start` never decreases. */
  reader(): (start: number, end: number) => Verdict | undefined {
    let cursor = 0;
    return (start, end) => {
      while (cursor < this.starts.length && this.starts[cursor]! < start) cursor++;
      for (let i = cursor; i < this.starts.length && this.starts[i] === start; i++) {
        if (this.ends[i] === end) return this.verdicts[i];
      }
      return undefined;
    };
  }
}

/**
 * Where the top-level items (blocks, attributes, comments) of a clean tree start, and its end.
 * A chunk that begins and ends on these in a clean parse is a run of complete items, which parse
 * the same alone: its verdict is Clean without a parse (what makes a file's first error cheap).
 */
export function topLevelStarts(tree: Tree): Set<number> {
  const starts = new Set<number>([tree.rootNode.endIndex]);
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return starts;
    do {
      if (cursor.nodeType === 'body' && cursor.gotoFirstChild()) {
        do starts.add(cursor.startIndex);
        while (cursor.gotoNextSibling());
        cursor.gotoParent();
      } else starts.add(cursor.startIndex);
    } while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  return starts;
}
