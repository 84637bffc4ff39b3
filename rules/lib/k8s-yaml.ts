import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { mapEntries, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { TextEdit } from '../../server/src/engine/types';

/**
 * Helpers for Kubernetes manifests read with the shared YAML parse (Helm actions blanked, offsets
 * unchanged), and small text edits on them that keep everything else byte for byte.
 */

/** One entry of a `Secret` manifest: its `data` (base64, `encoded`) or `stringData` (plain) key and value. */
export interface SecretEntry {
  /** The Secret's `metadata.name`, or `(unnamed)`. */
  readonly name: string;
  readonly key: string;
  /** The value's node, for its span, and its text as written (base64 when `encoded`). */
  readonly value: Scalar;
  readonly text: string;
  readonly encoded: boolean;
}

/** Every string entry of every `kind: Secret` document in a manifest, in document order. */
export function* secretEntries(document: ParsedDocument): Generator<SecretEntry> {
  for (const yaml of document.yaml()) {
    const root = yaml.contents;
    if (scalarString(valueOf(root, 'kind')) !== 'Secret') continue;
    const name = scalarString(valueOf(valueOf(root, 'metadata'), 'name')) ?? '(unnamed)';
    for (const [field, encoded] of [['data', true], ['stringData', false]] as const) {
      for (const { key, pair } of mapEntries(valueOf(root, field))) {
        if (isScalar(pair.value) && typeof pair.value.value === 'string') yield { name, key, value: pair.value, text: pair.value.value, encoded };
      }
    }
  }
}

/** What an entry holds: `stringData` as written, `data` base64-decoded (binary as latin1); undefined when `data` is not base64. */
export function secretEntryContent(entry: SecretEntry): string | undefined {
  if (!entry.encoded) return entry.text;
  const compact = entry.text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('latin1');
}

/** Every map in a YAML tree, depth first in document order, without recursion (deep files cannot overflow the stack). */
export function* allMaps(root: unknown): Generator<YAMLMap<unknown, unknown>> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      yield node as YAMLMap<unknown, unknown>;
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]!.value);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    } else if (isPair(node)) {
      stack.push(node.value);
    }
  }
}

/** The containers of every pod spec in a tree: `containers`, `initContainers`, `ephemeralContainers` items. */
export function* containerMaps(root: unknown): Generator<YAMLMap<unknown, unknown>> {
  for (const map of allMaps(root)) {
    for (const item of map.items) {
      if (!isScalar(item.key) || !CONTAINER_LISTS.has(String(item.key.value)) || !isSeq(item.value)) continue;
      for (const container of item.value.items) if (isMap(container)) yield container as YAMLMap<unknown, unknown>;
    }
  }
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** True when the original text of a node contains a Helm/Go template action (blanked in the parse). */
export function isTemplated(text: string, node: Node | null | undefined): boolean {
  const range = node?.range;
  return range != null && text.slice(range[0], range[1]).includes('{{');
}

/**
 * An edit replacing a scalar's value with `value`, keeping its quotes (the text between them is
 * replaced); undefined for block scalars or a scalar spanning lines.
 */
export function replaceScalar(text: string, scalar: Scalar, value: string): TextEdit | undefined {
  const range = scalar.range;
  if (!range) return undefined;
  const source = text.slice(range[0], range[1]);
  if (source.includes('\n') || source.startsWith('|') || source.startsWith('>')) return undefined;
  const quote = source[0] === '"' || source[0] === "'" ? 1 : 0;
  return { span: [range[0] + quote, range[1] - quote], newText: value };
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The column a block map's keys start at, or undefined for a flow map (`{ a: b }`). */
export function blockMapIndent(text: string, map: YAMLMap<unknown, unknown>): string | undefined {
  if (map.flow) return undefined;
  const first = map.items[0];
  const keyStart = isScalar(first?.key) ? first.key.range?.[0] : undefined;
  if (keyStart === undefined) return undefined;
  const lineStart = lineStartOf(text, keyStart);
  const before = text.slice(lineStart, keyStart);
  // `- key: value` starts a map inside a sequence item: its keys line up after the dash.
  return /^[ \t]*(?:-[ \t]+)*$/.test(before) ? ' '.repeat(keyStart - lineStart) : undefined;
}

/**
 * Inserts `lines` (written at the map's own indentation; relative indentation kept) after the map's
 * last entry. Undefined for flow maps or when the last entry shares its line with something else.
 */
export function appendToBlockMap(text: string, map: YAMLMap<unknown, unknown>, lines: readonly string[]): TextEdit | undefined {
  const indent = blockMapIndent(text, map);
  const last = map.items[map.items.length - 1] as Pair<Node, Node | null> | undefined;
  const end = last?.value?.range?.[1] ?? last?.key?.range?.[1];
  if (indent === undefined || end === undefined) return undefined;
  const newline = text.indexOf('\n', Math.max(0, end - 1));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const insertAt = newline === -1 ? text.length : newline + 1;
  const prefix = newline === -1 ? eol : '';
  return { span: [insertAt, insertAt], newText: prefix + lines.map((line) => indent + line + eol).join('') };
}
