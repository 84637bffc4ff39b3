import { Document, isCollection, isMap, isNode, isPair, isScalar, Pair, parseAllDocuments, YAMLMap, type YAMLError } from 'yaml';
import { changedRegion, type ChangedRegion, detached } from '../document';
import type { YamlDocument } from './yaml';

/**
 * Incremental YAML for the editor. The `yaml` package re-parses a whole document on every edit
 * (about 9 ms for a 1,000-line workflow, 100 ms for 10,000 lines). A document whose root is a
 * block map is instead parsed one top-level entry at a time, and a large entry whose value is a
 * block map (a workflow's `jobs:`, a template's `Resources:`) one child entry at a time. An entry
 * is a line at the entry's indentation and every line after it that is blank, a comment or
 * indented further, so parsed alone it gives the same nodes as in the whole document; after an
 * edit only the entries whose text changed are parsed again, and the nodes of the others are
 * reused (moved by the edit's length when they follow it).
 *
 * An entry that does not end where its next sibling starts because a quote or a flow collection
 * is left open there is parsed together with the siblings after it, a few entries' worth; past
 * that, or when something else runs on (an error), it is broken, and parsed alone with its
 * errors. An entry starts only on a line whose key ends on it (hasKey); a line at column 0 that
 * cannot start an entry (isStrayLine) stays inside the entry before it too, as a broken line.
 * So in a broken document the errors stay in the entries they are in, where the whole-document
 * parse lets its recovery sweep up everything below (and an edit there would cost a parse of
 * all of it); the result is a function of the text alone, whatever the previous version, so the
 * editor and the CLI agree. Anything this cannot split goes back to the whole-document parse: several
 * documents or directives, a root that is not a block map, an entry that starts with an
 * indicator (`- `, `? `, `[`, quotes, anchors, tags), tabs in indentation, or a broken entry that
 * does not even parse alone. The entries parsed on the way are kept for the next version all the
 * same. The differential tests in test/engine/yaml-chunks.test.ts hold the result equal to the
 * whole-document parse for every text that parses, and to a parse from scratch for every text.
 */

/** How every YAML document is parsed for scanning, whole or by entries. */
export const YAML_PARSE_OPTIONS = { uniqueKeys: false, strict: false, prettyErrors: false } as const;
/** Below this size a document is parsed whole: it is fast, and splitting it saves nothing. */
export const CHUNKED_MIN_LENGTH = 8 * 1024;
/** A top-level entry longer than this, with a block map value, is split into its child entries. */
const SPLIT_MIN_LENGTH = 2 * 1024;
/** How far a broken entry is parsed with the entries after it: this many characters, or this many times its own length. */
const WIDEN_LIMIT = { minimum: 2 * 1024, factor: 2 };

/** One parsed entry: the map items it holds (ranges in document offsets); it is found by its span (`entryKey`). */
interface ParsedEntry {
  readonly items: Pair[];
  readonly range: [number, number, number];
  /** Where the entry's document ended when parsed alone (trailing blank lines are not part of it). */
  documentEnd: number;
  readonly errors: YAMLError[];
  readonly warnings: YAMLError[];
}

/**
 * Why a text could not be used as an entry: `open` when a quoted scalar or a flow collection runs
 * on over its next sibling's key line (more text may close it), else `broken`.
 */
type Unusable = 'open' | 'broken';

/** What a later version needs to reuse this one's entries: its text and entries by position. */
export interface YamlChunkState {
  readonly source: string;
  readonly entries: Map<string, ParsedEntry | Unusable>;
}

/** A top-level entry: parsed whole, or its key line plus its value's child entries. */
interface TopEntry {
  readonly start: number;
  readonly end: number;
  /** Set when the entry is split: where its value's child entries start. */
  readonly children?: readonly number[];
}

/** Where the stray lines (isStrayLine) of a document start, in order. */
type Strays = readonly number[];

/** Whether a stray line starts in `[start, end)`: such a run is broken, whatever follows it. A binary search: a hostile text can have a stray line on every other line. */
function hasStray(strays: Strays, start: number, end: number): boolean {
  const index = firstIndexFrom(strays, strays.length, start);
  return index < strays.length && strays[index]! < end;
}

/** The index of the first of the first `count` offsets of `sorted` (increasing) that is at least `offset`. */
function firstIndexFrom(sorted: ArrayLike<number>, count: number, offset: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Parses `source` (one document, root a block map) by entries, reusing the entries of `previous`
 * whose text is unchanged (`changed`, when the caller knows it, is where `previous.source` and
 * `source` differ). Undefined when the document is not one this can split; without a
 * document when an entry could not be parsed alone (the caller parses the whole text), with the
 * state all the same, so the next version still reuses the entries that were.
 */
export function parseYamlChunked(source: string, previous?: YamlChunkState, changed?: ChangedRegion): { document?: YamlDocument; state: YamlChunkState } | undefined {
  const found = topEntries(source);
  if (!found) return undefined;
  const { tops, strays } = found;
  const reuse = reuser(source, previous, changed);
  const entries = new Map<string, ParsedEntry | Unusable>();
  /**
   * The entry `[start, end)`, parsed or reused. It is parsed with the key line of its next sibling
   * (at `next`) after it, as in the whole document: how the parser ends a node (a trailing comment,
   * an error it recovers from) depends on what follows it. A text that cannot be parsed alone is
   * remembered too, so a broken entry is not tried again at every keystroke elsewhere.
   */
  const entry = (start: number, end: number, next?: number): ParsedEntry | Unusable => {
    const parseEnd = next === undefined ? end : lineEndAt(source, next);
    const withNext = next !== undefined;
    const key = entryKey(start, parseEnd, withNext);
    let parsed = entries.get(key) ?? reuse(start, parseEnd, withNext);
    if (parsed === undefined) parsed = parseEntry(source, start, parseEnd, next);
    entries.set(key, parsed);
    return parsed;
  };

  const rootItems: Pair[] = [];
  const errors: YAMLError[] = [];
  const warnings: YAMLError[] = [];
  let first: ParsedEntry | undefined;
  let last: ParsedEntry | undefined;
  const add = (parsed: ParsedEntry) => {
    errors.push(...parsed.errors);
    warnings.push(...parsed.warnings);
  };
  const state = { source, entries };
  const topStarts = tops.map((top) => top.start);
  for (let index = 0; index < tops.length; ) {
    const top = tops[index]!;
    const split = top.children ? splitEntry(source, top.start, top.children, strays, top.end, entry, add) : undefined;
    if (split) {
      rootItems.push(split.pair);
      first ??= split.first;
      last = split.last;
      index++;
      continue;
    }
    // Not split, or its children could not be used: the entry whole, with its neighbours if it runs on.
    const run = widened(topStarts, index, source.length, strays, entry);
    if (!run) return { state };
    rootItems.push(...run.parsed.items);
    add(run.parsed);
    first ??= run.parsed;
    last = run.parsed;
    index = run.next;
  }
  if (!first || !last) return { state };

  const root = new YAMLMap();
  root.items = rootItems;
  root.range = [first.range[0], last.range[1], last.range[2]];
  const document = new Document(undefined, YAML_PARSE_OPTIONS) as YamlDocument;
  document.contents = root as unknown as YamlDocument['contents'];
  document.range = [root.range[0], root.range[2], last.documentEnd];
  document.errors = errors as YamlDocument['errors'];
  document.warnings = warnings as YamlDocument['warnings'];
  return { document, state };
}

/**
 * The sibling entry at `starts[index]`, parsed (or reused) so that it ends where a later sibling
 * starts. An entry that does not because a quote or a flow collection is left open there is
 * parsed together with the siblings after it, at least twice as much text at each try, up to
 * WIDEN_LIMIT: a quote closed a few entries further on parses as in the whole document (in a
 * document that parses, nothing else runs on over a sibling's key line). Past that, or when an
 * error runs on, the entry is broken, and it is parsed alone, its errors contained: an edit that
 * leaves a line half-typed costs a parse of that entry, not of the rest of the document, and the
 * entries after it keep their nodes (and their findings) instead of being swept into the
 * parser's recovery. Widening only what is open also keeps a broken entry's tries from reaching
 * over the entries after it, where each keystroke there would parse them again. Undefined when
 * even the entry alone fails; `next` is the index after the run.
 */
function widened(
  starts: readonly number[],
  index: number,
  end: number,
  strays: Strays,
  entry: (start: number, end: number, next?: number) => ParsedEntry | Unusable,
): { parsed: ParsedEntry; next: number } | undefined {
  const start = starts[index]!;
  const ownEnd = starts[index + 1] ?? end;
  const limit = hasStray(strays, start, ownEnd) ? 0 : Math.max(WIDEN_LIMIT.minimum, WIDEN_LIMIT.factor * (ownEnd - start));
  for (let next = index + 1; limit > 0; ) {
    const following = starts[next];
    const parsed = entry(start, following ?? end, following);
    if (typeof parsed === 'object') return { parsed, next };
    if (parsed === 'broken' || following === undefined || following - start >= limit) break;
    const tried = following - start;
    while (next < starts.length && starts[next]! - start < 2 * tried) next++;
  }
  const alone = entry(start, ownEnd);
  return typeof alone === 'object' ? { parsed: alone, next: index + 1 } : undefined;
}

/**
 * A top-level entry from its key line and its value's child entries, or undefined to parse it
 * whole: the key line has a value or an error.
 */
function splitEntry(
  source: string,
  start: number,
  children: readonly number[],
  strays: Strays,
  end: number,
  entry: (start: number, end: number, next?: number) => ParsedEntry | Unusable,
  add: (parsed: ParsedEntry) => void,
): { pair: Pair; first: ParsedEntry; last: ParsedEntry } | undefined {
  // The key line, with the comments and blank lines before the first child.
  const keyEntry = entry(start, withIndentation(source, children[0]!));
  if (typeof keyEntry !== 'object') return undefined;
  // `key:` alone: its value is an empty scalar, replaced by the map of the children.
  const emptyValue = keyEntry.items.length === 1 ? keyEntry.items[0]!.value : undefined;
  if (keyEntry.errors.length > 0 || !(emptyValue === null || (isScalar(emptyValue) && emptyValue.value === null && !emptyValue.tag && !emptyValue.anchor))) return undefined;
  const parsedChildren: ParsedEntry[] = [];
  for (let index = 0; index < children.length; ) {
    const run = widened(children, index, end, strays, entry);
    if (!run) return undefined;
    parsedChildren.push(run.parsed);
    index = run.next;
  }
  const value = new YAMLMap();
  for (const child of parsedChildren) value.items.push(...child.items);
  const first = parsedChildren[0]!;
  const last = parsedChildren[parsedChildren.length - 1]!;
  value.range = [first.range[0], last.range[1], last.range[2]];
  add(keyEntry);
  parsedChildren.forEach(add);
  return { pair: new Pair(keyEntry.items[0]!.key, value), first: keyEntry, last };
}

function firstNonSpace(source: string, lineStart: number): number {
  let at = lineStart;
  while (source.charCodeAt(at) === 32) at++;
  return at;
}

/** The end of the line starting at `lineStart`, its line break included. */
function lineEndAt(source: string, lineStart: number): number {
  const lineBreak = source.indexOf('\n', lineStart);
  return lineBreak === -1 ? source.length : lineBreak + 1;
}

/**
 * An entry's text runs on over the next line's indentation. In the whole document, a node that
 * ends with a comment line ends after that indentation; parsed alone with it, the entry agrees.
 */
function withIndentation(source: string, lineStart: number): number {
  let end = lineStart;
  while (source.charCodeAt(end) === 32) end++;
  return end;
}

/**
 * How entries are found again: by span, and whether the next sibling's key line was parsed with
 * it (the same span parsed without it is a different parse: that line is then its last entry).
 */
function entryKey(start: number, parseEnd: number, withNext: boolean): string {
  return `${start}:${parseEnd}:${withNext ? 1 : 0}`;
}

/**
 * A previous entry with the same text at the same place, or moved by the edit (or why that text
 * could not be used); undefined when unknown.
 */
function reuser(
  source: string,
  previous: YamlChunkState | undefined,
  known: ChangedRegion | undefined,
): (start: number, end: number, withNext: boolean) => ParsedEntry | Unusable | undefined {
  if (!previous) return () => undefined;
  const changed = known ?? changedRegion(previous.source, source);
  const delta = source.length - previous.source.length;
  // An entry is handed out once: it now belongs to the new version, and moving it twice would be wrong.
  const take = (key: string) => {
    const entry = previous.entries.get(key);
    previous.entries.delete(key);
    return entry;
  };
  return (start, end, withNext) => {
    if (end <= changed.start) return take(entryKey(start, end, withNext));
    if (start >= changed.newEnd) {
      const moved = take(entryKey(start - delta, end - delta, withNext));
      if (typeof moved === 'object' && delta !== 0) shiftEntry(moved, delta);
      return moved;
    }
    return undefined;
  };
}

/**
 * Parses `source[start, end)` alone: an entry, followed (when `next` is given) by the key line of its
 * next sibling, which must parse as one more item of the same map, starting at `next`, with no
 * error or warning there. Then the parser ends the entry where the whole document's parser does,
 * and is back where an entry starts, so the rest parses the same either way; the extra item is
 * dropped. Unusable when the text is not a block map or the check fails: `open` when the
 * sibling's key line is inside a quoted scalar or a flow collection, or has an error of its own
 * (text after it may settle either), else `broken`.
 */
function parseEntry(source: string, start: number, end: number, next?: number): ParsedEntry | Unusable {
  // Parsed from a copy: the entry's scalars, reused by later versions, would otherwise keep this version's whole text.
  const documents = parseAllDocuments(detached(source.slice(start, end)), YAML_PARSE_OPTIONS);
  if (!Array.isArray(documents) || documents.length !== 1) return 'broken';
  const [document] = documents as YamlDocument[];
  const map = document!.contents;
  if (!isMap(map) || map.flow || map.anchor || map.tag) return 'broken';
  const items = map.items as Pair[];
  // The entry must open with a key on its first line, as it does in the whole document (where the
  // parser is inside the map at that point). Parsed alone it starts a document, where a plain
  // scalar may run on over the next lines and only then become a key.
  const firstKey = (items[0]?.key as { range?: number[] } | null | undefined)?.range;
  const firstLineEnd = source.indexOf('\n', start) - start;
  if (!firstKey || firstKey[0] !== firstNonSpace(source, start) - start || (firstLineEnd >= 0 && firstKey[1]! > firstLineEnd)) return 'broken';
  if (next !== undefined) {
    const lookahead = next - start;
    const siblingAt = firstNonSpace(source, next) - start;
    const siblingKey = (items[items.length - 1]?.key as { range?: number[] } | null | undefined)?.range;
    if (items.length < 2 || siblingKey?.[0] !== siblingAt || siblingKey[1]! > end - start) return items.some((item) => runsOnAt(item, siblingAt)) ? 'open' : 'broken';
    if ([...document!.errors, ...document!.warnings].some((problem) => problem.pos[1] > lookahead)) return 'open';
    items.pop();
  }
  const parsed: ParsedEntry = {
    items,
    range: [...map.range] as [number, number, number],
    documentEnd: document!.range[2],
    errors: document!.errors,
    warnings: document!.warnings,
  };
  shiftEntry(parsed, start);
  return parsed;
}

/** Whether `offset` is inside a quoted scalar or a flow collection under `node`: what can run on over a line. */
function runsOnAt(node: unknown, offset: number): boolean {
  if (isPair(node)) return runsOnAt(node.key, offset) || runsOnAt(node.value, offset);
  if (!isNode(node) || !node.range || offset < node.range[0] || offset >= node.range[1]) return false;
  if (isScalar(node)) return node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  return isCollection(node) && (node.flow === true || node.items.some((item) => runsOnAt(item, offset)));
}

/** Moves an entry's nodes, ranges and error positions by `delta` characters. */
function shiftEntry(entry: ParsedEntry, delta: number): void {
  for (let i = 0; i < 3; i++) entry.range[i]! += delta;
  entry.documentEnd += delta;
  for (const item of entry.items) shiftNode(item, delta);
  for (const problem of [...entry.errors, ...entry.warnings]) {
    problem.pos[0] += delta;
    problem.pos[1] += delta;
  }
}

/** What shiftNode reads of yaml's nodes directly: a node's range, a collection's items. */
interface Shiftable {
  readonly range?: [number, number, number] | null;
  readonly items?: readonly unknown[];
}

/**
 * Moves a node and the nodes under it by `delta`: a walk of its own (yaml's `visit` allocates a
 * path per node) that reads the fields directly, as yaml's type tests cost a symbol lookup each
 * and this visits every node after an edit. A node has a range and a pair none.
 */
function shiftNode(node: unknown, delta: number): void {
  if (typeof node !== 'object' || node === null) return;
  const { range, items } = node as Shiftable;
  if (range) {
    range[0] += delta;
    range[1] += delta;
    range[2] += delta;
  } else if (isPair(node)) {
    shiftNode(node.key, delta);
    shiftNode(node.value, delta);
    return;
  }
  if (items) for (let i = 0; i < items.length; i++) shiftNode(items[i], delta);
}

/**
 * The content lines (not blank, not a comment) of the text topEntries last read: where each starts
 * and where its first non-space character is. childEntries reads them instead of the text again;
 * the buffers are reused, as this runs at every keystroke (each thread has its own).
 */
let contentStarts = new Int32Array(4096);
let contentFirsts = new Int32Array(4096);
let contentLines = 0;

function recordContentLine(line: number, first: number): void {
  if (contentLines === contentStarts.length) {
    const starts = new Int32Array(contentLines * 2);
    const firsts = new Int32Array(contentLines * 2);
    starts.set(contentStarts);
    firsts.set(contentFirsts);
    contentStarts = starts;
    contentFirsts = firsts;
  }
  contentStarts[contentLines] = line;
  contentFirsts[contentLines++] = first;
}

/**
 * The top-level entries of `source`, and its stray lines, or undefined when it is not a single
 * document whose root is a block map of plain keys. One pass over the lines.
 */
function topEntries(source: string): { tops: TopEntry[]; strays: Strays } | undefined {
  const lineStarts: number[] = [];
  contentLines = 0;
  for (let line = 0; line < source.length; ) {
    let next = source.indexOf('\n', line);
    next = next === -1 ? source.length : next + 1;
    let first = line;
    while (first < next && source.charCodeAt(first) === 32) first++;
    const code = source.charCodeAt(first);
    // Blank and comment lines belong to the entry they are in.
    if (first < next && code !== 10 && code !== 13 && code !== 35) {
      if (code === 9) return undefined;
      recordContentLine(line, first);
      if (first === line) {
        if (!startsPlainKey(code) || source.startsWith('---', line) || source.startsWith('...', line)) return undefined;
        // A line with no key on it goes on with the entry before it (see hasKey).
        if (hasKey(source, first, next)) lineStarts.push(line);
        else if (lineStarts.length === 0) return undefined;
      } else if (lineStarts.length === 0) {
        return undefined;
      }
    }
    line = next;
  }
  if (lineStarts.length === 0) return undefined;
  const starts: number[] = [];
  const strays: number[] = [];
  lineStarts.forEach((line, i) => (i > 0 && isStrayLine(source, line, lineStarts[i + 1] ?? source.length) ? strays : starts).push(line));
  const tops = starts.map((start, i) => {
    const end = starts[i + 1] ?? source.length;
    const children = end - start > SPLIT_MIN_LENGTH ? childEntries(source, start, end, strays) : undefined;
    return children ? { start, end, children } : { start, end };
  });
  return { tops, strays };
}

/**
 * A line at column 0 that does not start a top-level entry: its key has a plain value, and the
 * first more indented line after it does not parse with it, as it would if it did (a multi-line
 * plain scalar goes on there; no other value can). It is what a character typed at the start of a line inside a nested block gives. The
 * line is kept inside the entry before it, which is then parsed as broken (errors contained),
 * so the rest of that entry is not swept under the stray key, to be parsed again at every edit.
 */
function isStrayLine(source: string, line: number, end: number): boolean {
  const lineEnd = lineEndAt(source, line);
  const text = source.slice(line, lineEnd);
  // The first more indented line after it: where its value goes on.
  let next = lineEnd;
  while (next < end && !isContentLine(source, next)) next = lineEndAt(source, next);
  if (next >= end) return false;
  const keyEnd = text.indexOf(': ');
  if (keyEnd !== -1) {
    let value = keyEnd + 2;
    while (text.charCodeAt(value) === 32) value++;
    // Not a plain value (a block or flow collection, a quote, an alias, anchor or tag): not judged.
    if (value >= text.length || '\r\n#|>[{\'"&*!%@`'.includes(text[value]!)) return false;
    // A plain value can only go on as a multi-line plain scalar there.
    return !parsesTogether(source.slice(line, lineEndAt(source, next)));
  }
  // `key:` and a block collection on the lines after: a line less indented than the collection
  // (and not at column 0) is not part of this entry's value, which it is in a valid document.
  if (!/^[^#]*:[ \t]*\r?\n?$/.test(text)) return false;
  const indent = firstNonSpace(source, next) - next;
  const first = source.slice(next + indent, lineEndAt(source, next));
  if (!/^-(?:[ \t]|\r?\n?$)/.test(first) && !/: |:\r?\n?$/.test(first)) return false;
  for (let at = lineEndAt(source, next); at < end; at = lineEndAt(source, at)) {
    if (!isContentLine(source, at)) continue;
    const column = firstNonSpace(source, at) - at;
    if (column > 0 && column < indent) return true;
  }
  return false;
}

/**
 * Whether a key line and the line its value would go on to parse together without error.
 * Remembered by text: a document with stray lines asks the same at every keystroke, where a
 * lookup costs far less than a parse. Bounded in entries and in each entry's length.
 */
function parsesTogether(lines: string): boolean {
  let verdict = togetherVerdicts.get(lines);
  if (verdict === undefined) {
    const documents = parseAllDocuments(lines, YAML_PARSE_OPTIONS);
    verdict = Array.isArray(documents) && documents.every((document) => document.errors.length === 0);
    if (lines.length <= TOGETHER_KEY_LIMIT) {
      if (togetherVerdicts.size >= TOGETHER_VERDICTS) togetherVerdicts.clear();
      togetherVerdicts.set(detached(lines), verdict);
    }
  }
  return verdict;
}
/** A memo of a pure function of its key, so one map serves every document (and each worker thread has its own). */
const togetherVerdicts = new Map<string, boolean>();
const TOGETHER_VERDICTS = 1024;
/** Longer texts (comment lines between the two) are parsed each time, not kept. */
const TOGETHER_KEY_LIMIT = 1024;

/** A line with something other than spaces or a comment on it. */
function isContentLine(source: string, lineStart: number): boolean {
  const first = firstNonSpace(source, lineStart);
  const code = source.charCodeAt(first);
  return first < source.length && code !== 10 && code !== 13 && code !== 35;
}

/**
 * Where the child entries of a top-level entry start, when its key line has no value and its
 * value is a block map of plain keys at one indentation; otherwise undefined (parsed whole).
 */
function childEntries(source: string, start: number, end: number, strays: Strays): number[] | undefined {
  const keyLineEnd = source.indexOf('\n', start);
  if (keyLineEnd === -1 || keyLineEnd >= end) return undefined;
  if (!/^[^\s#'"][^#'"]*:[ \t]*(?:#.*)?\r?$/.test(source.slice(start, keyLineEnd))) return undefined;
  const children: number[] = [];
  let indent = -1;
  // The content lines topEntries recorded, from the first after the key line.
  for (let index = firstIndexFrom(contentStarts, contentLines, keyLineEnd + 1); index < contentLines; index++) {
    const line = contentStarts[index]!;
    if (line >= end) break;
    const first = contentFirsts[index]!;
    if (first === line && hasStray(strays, line, line + 1)) continue;
    const column = first - line;
    if (indent === -1) indent = column;
    // A line less indented than the children is inside the child before it (a broken line there).
    if (column === indent) {
      const code = source.charCodeAt(first);
      if (!startsPlainKey(code)) return undefined;
      if (hasKey(source, first, lineEndAt(source, line))) children.push(line);
    }
  }
  return children.length >= 2 ? children : undefined;
}

/**
 * Whether the line from `first` (its first character, which can start a plain key) to `end` has
 * a `:` followed by a space, a tab or the line's end: a plain implicit key must end on its own
 * line. A line at an entry's indentation without one does not start an entry. In a document that
 * parses it is a quoted scalar or a flow collection going on; in a broken one it is a half-typed
 * key (`job27:x`), which parsed alone as an entry could only fail, sending a whole entry or the
 * whole document back to the parser at every keystroke. Either way it stays with the entry
 * before it, which the parser then reads as the whole document's parser does.
 */
function hasKey(source: string, first: number, end: number): boolean {
  for (let at = first; at < end; at++) {
    if (source.charCodeAt(at) !== 58) continue;
    const after = at + 1 < end ? source.charCodeAt(at + 1) : 10;
    if (after === 32 || after === 9 || after === 10 || after === 13) return true;
  }
  return false;
}

/** A character that can start a plain implicit key: not an indicator, quote, anchor, tag or space. */
function startsPlainKey(code: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ ` space tab
  return !(
    code === 45 || code === 63 || code === 58 || code === 44 || code === 91 || code === 93 || code === 123 || code === 125 ||
    code === 35 || code === 38 || code === 42 || code === 33 || code === 124 || code === 62 || code === 39 || code === 34 ||
    code === 37 || code === 64 || code === 96 || code === 32 || code === 9 || code === 0xfeff
  );
}
