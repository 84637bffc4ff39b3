import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { changedRegion, type ChangedRegion } from '../document';
import { ParseBudgetError } from './tree-sitter';
import { CHUNKED_MIN_LENGTH, parseYamlChunked, YAML_PARSE_OPTIONS, type YamlChunkState } from './yaml-chunks';

export type YamlDocument = Document.Parsed;

/**
 * All documents of a YAML stream (Kubernetes files often hold several), with source ranges.
 * Go template actions (Helm charts) are blanked first, offsets unchanged, so templated manifests
 * parse as the YAML they render to.
 */
export function parseYaml(text: string): YamlDocument[] {
  return parseYamlVersion(text).documents;
}

/** A version's documents, and what the next version of the same file needs to parse incrementally. */
export interface YamlParse {
  readonly documents: YamlDocument[];
  readonly chunks?: YamlChunkState;
}

/**
 * `parseYaml` for a version of an edited document: a large single document is parsed by entries
 * (parse/yaml-chunks.ts), reusing the unchanged entries of the previous version's parse, which
 * this takes over (the previous version must not read its nodes afterwards: their ranges move).
 */
export function parseYamlVersion(text: string, previous?: YamlChunkState): YamlParse {
  const source = text.includes('{{') ? blankTemplateActions(text) : text;
  const changed = previous ? changedRegion(previous.source, source) : undefined;
  // The yaml parser cannot be interrupted, and deeply nested flow collections make it superlinear;
  // real manifests nest a handful of levels. The text the parser gets is the one checked. A
  // previous version passed (it was parsed), so an edit that cannot change the nesting needs no
  // new pass over the whole text.
  if (!(previous && changed && keepsFlowNesting(previous.source, source, changed)) && flowNestingExceeds(source, MAX_FLOW_NESTING)) {
    throw new ParseBudgetError('yaml', text.length);
  }
  const chunked = source.length >= CHUNKED_MIN_LENGTH ? withoutStackTraces(() => parseYamlChunked(source, previous, changed)) : undefined;
  const documents = chunked?.document ? [chunked.document] : withoutStackTraces(() => parseAllDocuments(source, YAML_PARSE_OPTIONS) as YamlDocument[]);
  return { documents, chunks: chunked?.state };
}

/**
 * Runs `parse` with stack capture off. The parser reports each problem as an Error object, and
 * capturing a stack through its nested generators made a half-typed line cost milliseconds per
 * keystroke; nothing reads those stacks (the messages and positions are what matter).
 */
function withoutStackTraces<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const MAX_FLOW_NESTING = 64;

/**
 * Whether an edited text parses at least as well as the original: fixes check this before they
 * offer an edit, and only when asked for one (it re-parses the whole text), never while scanning.
 */
export function yamlEditKeepsParsing(before: string, after: string): boolean {
  const errors = (text: string) => parseYaml(text).reduce((sum, yaml) => sum + yaml.errors.length, 0);
  return errors(after) <= errors(before);
}

/** Whether a text, as written (no template blanking), parses as YAML with no error at all. */
export function yamlParsesCleanly(text: string): boolean {
  return !withoutStackTraces(() => parseAllDocuments(text)).some((doc) => doc.errors.length > 0);
}

/** Brackets, found by the regex engine's scan rather than a character loop: a keystroke checks the whole text. */
const FLOW_BRACKET = /[[\]{}]/g;
/** A line break not followed by indentation: the next line starts at column 0 (or is blank). */
const COLUMN_ZERO_BREAK = /\n(?![ \t])/g;

/**
 * Whether `before` and `after`, which differ only in `changed`, nest flow brackets alike
 * (flowNestingExceeds): the edit adds or removes no bracket or line break, and is not at a line's
 * start, where it could move that line to or from column 0.
 */
function keepsFlowNesting(before: string, after: string, changed: ChangedRegion): boolean {
  if (changed.start === 0 || after.charCodeAt(changed.start - 1) === 10) return false;
  return !FLOW_NESTING_CHANGE.test(before.slice(changed.start, changed.oldEnd)) && !FLOW_NESTING_CHANGE.test(after.slice(changed.start, changed.newEnd));
}
const FLOW_NESTING_CHANGE = /[[\]{}\n]/;

/** Whether `[`/`{` nest deeper than `limit` anywhere (quotes are not tracked: a cheap upper bound). */
function flowNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  // The first column-0 break at or after `searchedFrom`; both only move forward, so the text is searched once.
  let searchedFrom = 0;
  let nextBreak = -1;
  FLOW_BRACKET.lastIndex = 0;
  for (let match = FLOW_BRACKET.exec(text); match; match = FLOW_BRACKET.exec(text)) {
    const at = match.index;
    if (depth > 0) {
      if (nextBreak < searchedFrom) {
        COLUMN_ZERO_BREAK.lastIndex = searchedFrom;
        nextBreak = COLUMN_ZERO_BREAK.exec(text)?.index ?? text.length;
      }
      // A line starting at column 0 ends any flow collection left open by a stray bracket in a plain scalar.
      if (nextBreak < at) depth = 0;
    }
    searchedFrom = at + 1;
    const code = text.charCodeAt(at);
    if (code === 91 || code === 123) {
      if (++depth > limit) return true;
    } else if (depth > 0) depth--;
  }
  return false;
}

/**
 * Replaces each `{{ ... }}` Go template action (not a `${{ ... }}` CI expression): with spaces when it is alone on its line (`{{- if ... }}`,
 * `{{- include ... | nindent 4 }}`), otherwise with `_` so `name: {{ .Release.Name }}-token`
 * stays a plain scalar. One pass, same length, line breaks kept.
 */
export function blankTemplateActions(text: string): string {
  let out = '';
  let copied = 0;
  let open = text.indexOf('{{');
  while (open !== -1) {
    const close = text.indexOf('}}', open + 2);
    if (close === -1) break;
    // `${{ … }}` is a CI expression (GitHub Actions, Gitea, Forgejo): valid YAML that rules read as
    // written (`${{ secrets.X }}` is a reference, not a literal), so it is left alone.
    if (text[open - 1] === '$') {
      open = text.indexOf('{{', close + 2);
      continue;
    }
    const lineBreak = text.indexOf('\n', open);
    if (lineBreak !== -1 && lineBreak < close) {
      open = text.indexOf('{{', lineBreak);
      continue;
    }
    const end = close + 2;
    const lineStart = text.lastIndexOf('\n', open) + 1;
    let lineEnd = text.indexOf('\n', end);
    if (lineEnd === -1) lineEnd = text.length;
    const alone = text.slice(lineStart, open).trim() === '' && text.slice(end, lineEnd).trim() === '';
    out += text.slice(copied, open) + (alone ? ' ' : '_').repeat(end - open);
    copied = end;
    open = text.indexOf('{{', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The pair for `key` in a map, or undefined. Keys compare as scalar strings. */
export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of (map as YAMLMap<unknown, unknown>).items) {
    if (isScalar(item.key) && String(item.key.value) === key) return item as Pair<Node, Node | null>;
  }
  return undefined;
}

/** The value node at `key` in a map. */
export function valueOf(map: unknown, key: string): Node | null | undefined {
  return pairOf(map, key)?.value;
}

/** A scalar's value as a string, or undefined for anything else. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  return value === null || value === undefined ? undefined : String(value);
}

export function mapEntries(map: unknown): Array<{ key: string; pair: Pair<Node, Node | null> }> {
  if (!isMap(map)) return [];
  const entries: Array<{ key: string; pair: Pair<Node, Node | null> }> = [];
  for (const item of (map as YAMLMap<unknown, unknown>).items) {
    if (isScalar(item.key)) entries.push({ key: String(item.key.value), pair: item as Pair<Node, Node | null> });
  }
  return entries;
}

export function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** Source span `[start, end)` of a node's value (without trailing comment). */
export function nodeSpan(node: Node | null | undefined): readonly [number, number] | undefined {
  const range = node?.range;
  return range ? [range[0], range[1]] : undefined;
}

/** Span of a pair's key alone (`secretKeyRef:`), where a finding about what the pair holds points. */
export function keySpan(pair: Pair<Node, Node | null>): readonly [number, number] | undefined {
  const range = pair.key?.range;
  return range ? [range[0], range[1]] : undefined;
}

/** Span of a whole `key: value` pair, from the key's start to the value's end. */
export function pairSpan(pair: Pair<Node, Node | null>): readonly [number, number] | undefined {
  const start = pair.key?.range?.[0];
  const end = pair.value?.range?.[1] ?? pair.key?.range?.[1];
  return start === undefined || end === undefined ? undefined : [start, end];
}

export { isMap, isPair, isScalar, isSeq };
