/**
 * Error containment for Terraform, JavaScript and TypeScript. tree-sitter recovers from a syntax
 * error as best it can, and HCL's recovery may sweep what follows into one ERROR node: one stray
 * character in a block can hide every resource below it from the rules. And while a file holds
 * errors, tree-sitter reuses none of the subtrees that contain them, so each keystroke re-runs
 * error recovery over them (5 to 17 ms on a 1,000-line file, against 0.2 ms for an edit of a
 * clean file).
 *
 * So a file that does not parse cleanly is cut into units, and the units that do not parse on
 * their own are blanked (every character but line breaks becomes a space) before the file is
 * parsed: the errors stay in the units they are in, the rest of the file keeps its nodes, offsets
 * and findings, and the tree is clean, so tree-sitter reuses it on the next edit.
 *
 * A chunk starts at every line that starts a top-level item at column 0 (a name: a block or an
 * attribute, a declaration or a statement; in code also `$`, `@`, but not `else`, `catch` and
 * other words that continue a statement), outside heredocs, block comments and template
 * literals, and runs to the next. A unit is a chunk, or a chunk with the ones after it when the
 * chunk alone is left open (its error reaches its end: `locals {` with unindented contents, a
 * template literal with column-0 lines this cut missed); then the unit is the shortest run of
 * chunks that parses, found by doubling and then halving. Each verdict is a parse of the unit's
 * text alone; the verdicts of units whose text did not change are kept from the previous version,
 * so after an edit only the changed chunk is parsed.
 *
 * The result is a function of the text alone (the CLI reports what the editor shows): the
 * whole-file parse when it is clean, else the file with its broken units blanked. A unit whose
 * run stayed open up to a limit (its length, or the work spent on the file) is uncertain, and the
 * caller then takes the whole-file parse; a chunk longer than CHUNK_LIMIT is kept as it is. So no
 * file costs much more than its whole-file parse.
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

/** The languages whose files are contained: cut at column-0 lines, which start their top-level items. */
export type ContainedLanguage = 'hcl' | 'javascript' | 'typescript' | 'tsx';

export function isContained(language: string): language is ContainedLanguage {
  return language === 'hcl' || language === 'javascript' || language === 'typescript' || language === 'tsx';
}

/** Reads a text line by line and knows when a multi-line construct (heredoc, comment, template) runs past a line. */
interface LineReader {
  /** Reads [lineStart, lineEnd); afterwards `inside` tells whether a construct runs on past it. */
  read(lineStart: number, lineEnd: number): void;
  readonly inside: boolean;
}

interface ChunkGrammar {
  /** Whether a line starting at column 0, outside any construct, starts a chunk. */
  startsChunk(text: string, lineStart: number): boolean;
  reader(text: string): LineReader;
}

/**
 * The next occurrence of each needle at or after a position, each found once and moved on past:
 * reading every line of a long file costs one search per needle, not one per line.
 */
function nextFinder(text: string) {
  const next = new Map<string, number>();
  return (needle: string, from: number): number => {
    let at = next.get(needle) ?? -2;
    if (at !== -1 && at < from) next.set(needle, (at = text.indexOf(needle, from)));
    return at;
  };
}

/** `<<EOT` or `<<-EOT` ending its line: the heredoc runs to a line holding only `EOT`. */
const HEREDOC_OPENER = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?$/;

const HCL: ChunkGrammar = {
  // A block or a top-level attribute.
  startsChunk: (text, lineStart) => isNameStart(text.charCodeAt(lineStart)),
  reader(text) {
    const find = nextFinder(text);
    let heredocEnd: string | undefined;
    let inComment = false;
    return {
      get inside() {
        return heredocEnd !== undefined || inComment;
      },
      read(lineStart, lineEnd) {
        if (heredocEnd !== undefined) {
          if (text.slice(lineStart, lineEnd).trim() === heredocEnd) heredocEnd = undefined;
          return;
        }
        let from = lineStart;
        if (inComment) {
          const close = find('*/', lineStart);
          if (close === -1 || close >= lineEnd) return;
          inComment = false;
          from = close + 2;
        }
        // A block comment left open on this line: the lines up to its end belong to this chunk.
        for (let open = find('/*', from); open !== -1 && open < lineEnd; open = find('/*', from)) {
          const close = find('*/', open + 2);
          if (close === -1 || close >= lineEnd) {
            inComment = true;
            return;
          }
          from = close + 2;
        }
        const heredoc = find('<<', lineStart);
        if (heredoc !== -1 && heredoc < lineEnd && !/#|\/\//.test(text.slice(lineStart, heredoc))) {
          heredocEnd = HEREDOC_OPENER.exec(text.slice(heredoc, lineEnd))?.[1];
        }
      },
    };
  },
};

/** Words that continue the statement before them (`} else`, `x\ninstanceof Y`): a line they start is not a chunk of its own. */
const JS_CONTINUATIONS = /^(?:else|catch|finally|in|instanceof|as|satisfies|extends|implements|of)\b/;

const JAVASCRIPT: ChunkGrammar = {
  // A declaration, a statement, an `export`, a decorator.
  startsChunk(text, lineStart) {
    const code = text.charCodeAt(lineStart);
    return (isNameStart(code) || code === 36 /* $ */ || code === 64) /* @ */ && !JS_CONTINUATIONS.test(text.slice(lineStart, lineStart + 12));
  },
  reader(text) {
    const find = nextFinder(text);
    // Inside a block comment or a template literal when a line ends there.
    let state: 'code' | 'comment' | 'template' = 'code';
    return {
      get inside() {
        return state !== 'code';
      },
      read(lineStart, lineEnd) {
        // Most lines hold neither a backtick nor a comment: nothing to read character by character.
        if (state === 'code') {
          const tick = find('`', lineStart);
          const open = find('/*', lineStart);
          if ((tick === -1 || tick >= lineEnd) && (open === -1 || open >= lineEnd)) return;
        }
        for (let i = lineStart; i < lineEnd; i++) {
          const code = text.charCodeAt(i);
          if (state === 'comment') {
            if (code === 42 /* * */ && text.charCodeAt(i + 1) === 47 /* / */) {
              state = 'code';
              i++;
            }
          } else if (state === 'template') {
            if (code === 92 /* \\ */) i++;
            else if (code === 96 /* ` */) state = 'code';
          } else if (code === 96) state = 'template';
          else if (code === 47 /* / */ && text.charCodeAt(i + 1) === 47) return;
          else if (code === 47 && text.charCodeAt(i + 1) === 42) {
            state = 'comment';
            i++;
          } else if (code === 34 || code === 39) {
            // A string ends on its line; a backtick or `/*` inside it is text.
            for (i++; i < lineEnd && text.charCodeAt(i) !== code; i++) if (text.charCodeAt(i) === 92) i++;
          }
        }
      },
    };
  },
};

const GRAMMARS: Record<ContainedLanguage, ChunkGrammar> = { hcl: HCL, javascript: JAVASCRIPT, typescript: JAVASCRIPT, tsx: JAVASCRIPT };

/**
 * Where each chunk of `text` starts: 0, then every line at column 0 that starts a top-level item,
 * outside heredocs, comments and template literals. With the previous version's starts and the
 * changed region, only the text from the chunk before the change up to the first start after it
 * that lines up with a previous one is read (a chunk starts outside any construct, so the reads
 * agree from there on).
 */
export function chunkStarts(text: string, language: ContainedLanguage, previous?: { readonly starts: readonly number[]; readonly region: ChangedRegion }): number[] {
  const grammar = GRAMMARS[language];
  if (!previous) return readChunkStarts(text, grammar, [0]);
  const { starts: before, region } = previous;
  const delta = region.newEnd - region.oldEnd;
  // Whether a line starts a chunk is read from the line itself, so the line the change begins in
  // is judged again, even where the change is past its first word (`async function` → `as(`).
  const changedLine = text.lastIndexOf('\n', region.start - 1) + 1;
  let kept = 0;
  while (kept < before.length && before[kept]! < changedLine) kept++;
  // The chunk before the change's first line starts at before[kept - 1] (0 when the change is on the first line).
  const starts = before.slice(0, Math.max(1, kept));
  if (kept === 0) starts[0] = 0;
  let next = kept;
  return readChunkStarts(text, grammar, starts, (lineStart) => {
    if (lineStart < region.newEnd) return false;
    while (next < before.length && before[next]! + delta < lineStart) next++;
    if (next >= before.length || before[next]! + delta !== lineStart) return false;
    for (let i = next + 1; i < before.length; i++) starts.push(before[i]! + delta);
    return true;
  });
}

/** Reads from the last of `starts` onward, adding chunk starts, until `lined` (given each new start, once added) says the rest is known. */
function readChunkStarts(text: string, grammar: ChunkGrammar, starts: number[], lined?: (lineStart: number) => boolean): number[] {
  const reader = grammar.reader(text);
  const origin = starts[starts.length - 1]!;
  for (let lineStart = origin; lineStart < text.length; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (lineStart > origin && !reader.inside && grammar.startsChunk(text, lineStart)) {
      starts.push(lineStart);
      if (lined?.(lineStart)) return starts;
    }
    reader.read(lineStart, lineEnd);
    lineStart = lineEnd + 1;
  }
  return starts;
}

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

/**
 * Past this length a chunk is not judged on its own but kept as it is, errors and all, as before
 * containment: parsing a huge chunk alone (a large class, hostile input) could cost as much as the
 * whole file again, and the small chunks around it are where containment pays.
 */
const CHUNK_LIMIT = 8 * 1024;

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
export function containUnits(text: string, starts: readonly number[], judge: (start: number, end: number) => Verdict): Containment {
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
    if (endOf(chunk) - start > CHUNK_LIMIT) {
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

/**
 * `text` with every character of the `ranges` but line breaks turned into a space: offsets and
 * lines stay put. With `lineComment` (HCL's `#`), each blanked line opens with it instead: HCL's
 * grammar takes every whitespace character as a token of its own, so a blanked block of spaces
 * is thousands of tokens that tree-sitter steps through again at every edit (1.3 ms against
 * 0.3 ms for an edit of a 1,000-line file), where a comment is one token per line.
 */
export function blankRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>, lineComment?: string): string {
  if (ranges.length === 0) return text;
  const blankRun = lineComment ? (run: string) => lineComment + ' '.repeat(run.length - 1) : (run: string) => ' '.repeat(run.length);
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    // A run at a time, not a character at a time: eight times faster on a long broken stretch.
    out += text.slice(from, start) + text.slice(start, end).replace(/[^\r\n]+/g, blankRun);
    from = end;
  }
  return out + text.slice(from);
}

/**
 * The verdict on a unit parsed alone: Clean without an error; else Open when more text could
 * close what it leaves open (a token missing at its end, or, read from the text, a bracket,
 * string, comment, template or heredoc still open there), else Broken. A stray character after a
 * complete construct (`tags = { a = 1 }x`) is Broken: no text after it makes the run parse.
 */
export function unitVerdict(root: SyntaxNode, unit: string, language: ContainedLanguage): Verdict {
  if (!root.hasError) return Verdict.Clean;
  // Down the last child (comments aside): a token missing there awaits more text (`x = a ==`),
  // unless it is a closing bracket, which recovery also inserts after a stray character; whether
  // a bracket is really open is read from the text.
  for (let node: SyntaxNode | null = root; node; ) {
    if (node.isMissing && node.type !== '}' && node.type !== ']' && node.type !== ')') return Verdict.Open;
    let last: SyntaxNode | null = node.lastChild;
    while (last && last.type === 'comment') last = last.previousSibling;
    node = last;
  }
  return leftOpen(unit, language) ? Verdict.Open : Verdict.Broken;
}

/**
 * Whether `unit` ends inside a bracket, a string, a comment, a template literal or a heredoc it
 * opened. Read conservatively (a quote left open runs on past its line, as tree-sitter's HCL
 * allows): a unit wrongly thought open only costs a wider parse, one wrongly thought broken
 * would be blanked.
 */
function leftOpen(unit: string, language: ContainedLanguage): boolean {
  // Heredocs are read line by line, by the HCL reader; the rest character by character below.
  const heredocs = language === 'hcl' ? HCL.reader(unit) : undefined;
  const hashComments = language === 'hcl';
  let depth = 0;
  let quote = 0;
  let blockComment = false;
  for (let lineStart = 0; lineStart < unit.length; ) {
    let lineEnd = unit.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = unit.length;
    const heredocBefore = heredocs?.inside ?? false;
    heredocs?.read(lineStart, lineEnd);
    if (!heredocBefore) {
      for (let i = lineStart; i < lineEnd; i++) {
        const code = unit.charCodeAt(i);
        if (blockComment) {
          if (code === 42 && unit.charCodeAt(i + 1) === 47) {
            blockComment = false;
            i++;
          }
        } else if (quote !== 0) {
          if (code === 92) i++;
          else if (code === quote) quote = 0;
        } else if (code === 123 || code === 91 || code === 40) depth++;
        else if (code === 125 || code === 93 || code === 41) depth--;
        else if (code === 34 || code === 39 || code === 96) quote = code;
        else if (code === 47 && unit.charCodeAt(i + 1) === 42) {
          blockComment = true;
          i++;
        } else if ((code === 35 && hashComments) || (code === 47 && unit.charCodeAt(i + 1) === 47)) break;
        else if (code === 60 && heredocs?.inside) break; // the heredoc opener ends the line
      }
    }
    lineStart = lineEnd + 1;
  }
  return depth > 0 || quote !== 0 || blockComment || (heredocs?.inside ?? false);
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
