import type { Position, Range, Span } from './types';

/** The region where two versions of a text differ: `[start, oldEnd)` of `before` became `[start, newEnd)` of `after`. */
export interface ChangedRegion {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

const COMPARED_BLOCK = 256;

/**
 * The one region where `after` differs from `before` (everything between their common prefix and
 * suffix). Compared a block at a time first: comparing two substrings is a memory compare, where a
 * loop per character cost a millisecond a keystroke on a 10,000-line file.
 */
export function changedRegion(before: string, after: string): ChangedRegion {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start + COMPARED_BLOCK <= shorter && before.slice(start, start + COMPARED_BLOCK) === after.slice(start, start + COMPARED_BLOCK)) start += COMPARED_BLOCK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd - COMPARED_BLOCK >= start && newEnd - COMPARED_BLOCK >= start && before.slice(oldEnd - COMPARED_BLOCK, oldEnd) === after.slice(newEnd - COMPARED_BLOCK, newEnd)) {
    oldEnd -= COMPARED_BLOCK;
    newEnd -= COMPARED_BLOCK;
  }
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

/**
 * A piece of a document's text in memory of its own, for what outlives the document's version
 * (nodes reused by later versions, memo keys). V8 keeps a slice's whole parent string alive, so a
 * plain slice would keep every version's full text that one of them came from. Slicing a
 * concatenation makes V8 copy it first.
 */
export function detached(piece: string): string {
  return (' ' + piece).slice(1);
}

/**
 * The text of one document at one version, with a line index built on first use. Offsets and
 * columns are UTF-16 code units, the unit both JavaScript strings and LSP use.
 */
export class SourceDocument {
  private lineStarts: number[] | undefined;
  private lowerCased: string | undefined;

  constructor(
    /** Path relative to the scan root (CLI) or a URI (editor); used for file-kind detection and output. */
    readonly path: string,
    readonly text: string,
    readonly version = 0,
  ) {}

  /** The text in lower case, computed once and shared by the keyword prefilter and rules. */
  get lowerText(): string {
    return (this.lowerCased ??= this.text.toLowerCase());
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const text = this.text;
    if (text.indexOf('\r') === -1) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      // LSP counts `\r\n`, `\n` and a lone `\r` as line breaks; positions must agree with the client.
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 10) starts.push(i + 1);
        else if (code === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    return (this.lineStarts = starts);
  }

  get lineCount(): number {
    return this.starts().length;
  }

  positionAt(offset: number): Position {
    const starts = this.starts();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - starts[low]! };
  }

  offsetAt(position: Position): number {
    const starts = this.starts();
    if (position.line >= starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const lineStart = starts[position.line]!;
    const lineEnd = this.lineEnd(position.line);
    return Math.min(lineStart + Math.max(0, position.character), lineEnd);
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span[0]), end: this.positionAt(span[1]) };
  }

  lineStart(line: number): number {
    return this.starts()[line] ?? this.text.length;
  }

  /** Offset of the end of `line`, before its `\r\n`, `\n` or `\r`. */
  lineEnd(line: number): number {
    const starts = this.starts();
    if (line + 1 >= starts.length) return this.text.length;
    let end = starts[line + 1]!;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (end > starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
