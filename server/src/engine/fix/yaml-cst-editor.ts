import { CST, Parser } from 'yaml';

type BlockMap = CST.BlockMap;

/**
 * The last text parsed, kept pristine: the CLI asks every fixable finding of a file for its fix
 * title, and each fix builds an editor over the same text. A copy of the tokens costs a tenth of
 * a parse, and an editor may change its copy freely.
 */
let lastParsed: { text: string; tokens: CST.Token[] } | undefined;

function parsedCst(text: string): readonly CST.Token[] {
  if (lastParsed?.text !== text) lastParsed = { text, tokens: [...new Parser().parse(text)] };
  return lastParsed.tokens;
}

/** A deep copy of a CST token, which is plain objects, arrays and primitives. */
function copyCst<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyCst) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = copyCst((value as Record<string, unknown>)[key]);
  return copy as T;
}
type BlockMapItem = BlockMap['items'][number];

/**
 * The outermost block map at `offset` inside `node`, with the item holding it: a descent along
 * the one child at each level that starts at or before the offset last (siblings start in
 * document order), so a fix in a large file visits a path, not every node.
 */
function blockMapWithin(node: CST.Token | undefined, offset: number): { map: BlockMap; parent: CST.CollectionItem } | undefined {
  while (node && (node.type === 'block-map' || node.type === 'block-seq' || node.type === 'flow-collection')) {
    let next: { child: CST.Token; item: CST.CollectionItem } | undefined;
    items: for (const item of node.items) {
      for (const child of [item.key, item.value]) {
        if (!child) continue;
        if (child.offset > offset) break items;
        next = { child, item };
      }
    }
    if (!next) return undefined;
    if (next.child.type === 'block-map' && next.child.offset === offset) return { map: next.child, parent: next.item };
    node = next.child;
  }
  return undefined;
}

/**
 * Edits YAML through its concrete syntax tree, so comments, quoting, indentation and key order of
 * everything not edited survive byte for byte. Maps are addressed by their source offset, which
 * is the `range[0]` of the matching `yaml` AST node.
 */
export class YamlCstEditor {
  private readonly tokens: CST.Token[];
  /** Inserted entries are written with `\n`; a CRLF file gets them back as CRLF. */
  private readonly crlf: boolean;

  constructor(text: string) {
    this.tokens = parsedCst(text).map(copyCst);
    this.crlf = text.includes('\r\n');
  }

  toString(): string {
    const text = this.tokens.map((token) => CST.stringify(token)).join('');
    return this.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
  }

  /** The block map starting at `offset`, or undefined (e.g. a flow map `{ a: b }`). */
  blockMapAt(offset: number): BlockMap | undefined {
    for (const token of this.tokens) {
      if (token.type !== 'document') continue;
      if (token.value?.type === 'block-map' && token.value.offset === offset) return this.adopt(token.value, undefined);
      const found = blockMapWithin(token.value, offset);
      if (found) return this.adopt(found.map, found.parent);
    }
    return undefined;
  }

  /**
   * In the CST, what precedes a map's first key (its comment lines and indentation) belongs to the
   * parent's separator. Moves it into the first item, so every item owns its own lines and items
   * can be removed or inserted anywhere with their comments. Remembers whether the first key
   * shares its line with the parent (`- uses: x`), where it must not be indented.
   */
  private adopt(map: BlockMap, parent: CST.CollectionItem | undefined): BlockMap {
    if (this.inlineFirst.has(map)) return map;
    const sep = parent?.sep ?? [];
    const newline = sep.findIndex((t) => t.type === 'newline');
    if (parent && newline !== -1 && map.items[0]) {
      map.items[0].start.unshift(...sep.splice(newline + 1));
      this.inlineFirst.set(map, false);
    } else {
      this.inlineFirst.set(map, parent !== undefined);
    }
    return map;
  }

  private readonly inlineFirst = new WeakMap<BlockMap, boolean>();

  /**
   * Removes the `key: value` items named in `keys` (comments on their own lines go with them) and
   * returns the index the first one had, so replacements can take its place. A map is never
   * emptied: that would change its type.
   */
  removeKeys(map: BlockMap, keys: readonly string[]): number {
    const drop = new Set(keys);
    const first = map.items.findIndex((item) => drop.has(keyOf(item) ?? ''));
    const kept = map.items.filter((item) => !drop.has(keyOf(item) ?? ''));
    if (first === -1 || kept.length === 0) return -1;
    map.items.splice(0, map.items.length, ...kept);
    this.normaliseIndentation(map);
    return first;
  }

  /** Sets a scalar value in place, keeping the scalar's quoting style where it can. */
  setScalar(map: BlockMap, key: string, value: string): boolean {
    const item = map.items.find((candidate) => keyOf(candidate) === key);
    if (!item?.value || !CST.isScalar(item.value)) return false;
    CST.setScalarValue(item.value, value);
    return true;
  }

  /**
   * Inserts `yamlText` (one or more `key: value` entries written at indent 0) into `map` at item
   * index `position` (default: the end), re-indented to the map's own indentation.
   */
  insertEntries(map: BlockMap, yamlText: string, position = map.items.length): void {
    const indent = ' '.repeat(map.indent);
    const indented = yamlText
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => (line ? indent + line : line))
      .join('\n');
    const parsed = [...new Parser().parse(indented + '\n')].find((token) => token.type === 'document');
    const snippet = parsed?.type === 'document' && parsed.value?.type === 'block-map' ? parsed.value : undefined;
    if (!snippet) throw new Error('insertEntries expects block-map YAML');
    const at = Math.max(0, Math.min(position, map.items.length));
    ensureEndsWithNewline(map.items[at - 1]);
    map.items.splice(at, 0, ...snippet.items);
    this.normaliseIndentation(map);
  }

  /** Every item starts with its own indentation, except a first key sharing its parent's line. */
  private normaliseIndentation(map: BlockMap): void {
    const indent = ' '.repeat(map.indent);
    const inline = this.inlineFirst.get(map) ?? false;
    map.items.forEach((item, index) => {
      const leading = item.start[0]?.type === 'space';
      if (index === 0 && inline) {
        if (leading) item.start.shift();
      } else if (!leading && map.indent > 0) {
        item.start.unshift({ type: 'space', offset: 0, indent: 0, source: indent });
      }
    });
  }

  /** The index of `key` in `map`, or -1. */
  indexOf(map: BlockMap, key: string): number {
    return map.items.findIndex((item) => keyOf(item) === key);
  }
}

export function keyOf(item: BlockMapItem): string | undefined {
  return item.key && CST.isScalar(item.key) ? (item.key.source ?? undefined) : undefined;
}

/** Items before an insertion must end their line, or the new entry would join it. */
function ensureEndsWithNewline(item: BlockMapItem | undefined): void {
  const value = item?.value;
  if (!value || !CST.isScalar(value)) return;
  const scalar = value as CST.FlowScalar;
  const end = (scalar.end ??= []);
  if (!end.some((token) => token.type === 'newline')) end.push({ type: 'newline', offset: 0, indent: 0, source: '\n' });
}
