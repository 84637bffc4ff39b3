import { changedRegion, type ChangedRegion, SourceDocument } from './document';
import { detectFileKinds } from './file-kind';
import { KeywordIndex, type KeywordScan } from './keywords';
import { ParseBudgetError, parseWith, type TreeSitterLanguage, type Tree } from './parse/tree-sitter';
import { parseYamlVersion, type YamlDocument } from './parse/yaml';
import type { YamlChunkState } from './parse/yaml-chunks';
import type { FileKind } from './types';

const BINARY_HEAD_BYTES = 8192;

/** Automata for `keywordStarts` outside a scan (a rule run alone, a test), by keyword set. */
const locators = new Map<string, KeywordIndex>();
function locatorFor(keywords: readonly string[]): KeywordIndex {
  const key = [...keywords].sort().join('\n');
  let locator = locators.get(key);
  if (!locator) locators.set(key, (locator = new KeywordIndex(keywords, keywords)));
  return locator;
}

/**
 * One document version plus everything derived from it: file kinds, and each syntax tree parsed
 * at most once, lazily, the first time a rule asks. Rules of the same version share it.
 */
export class ParsedDocument {
  readonly kinds: ReadonlySet<FileKind>;
  private yamlDocs: YamlDocument[] | undefined;
  /** What the next version needs to parse its YAML incrementally (large single documents). */
  private yamlChunks: YamlChunkState | undefined;
  private readonly trees = new Map<TreeSitterLanguage, Tree>();
  private readonly keywordHits = new Map<string, boolean>();
  private readonly derivedValues = new Map<(document: ParsedDocument) => unknown, unknown>();
  private indexed: KeywordScan | undefined;
  /** Where this version differs from the previous one, computed once for all incremental work. */
  private changed: ChangedRegion | undefined;
  /** Set when building a syntax tree was given up; syntax rules then skip this version. */
  private abandoned: ParseBudgetError | undefined;

  constructor(
    readonly source: SourceDocument,
    /** The previous version of the same document, whose syntax trees and keyword scan this one's reuse. */
    private previous?: ParsedDocument,
    /** The file's bytes, for a binary file (whose text is only its head: enough to see it is binary). */
    readonly bytes?: Uint8Array,
  ) {
    this.kinds = detectFileKinds(source.path, source.text);
  }

  static of(path: string, text: string, version = 0, previous?: ParsedDocument): ParsedDocument {
    return new ParsedDocument(new SourceDocument(path, text, version), previous);
  }

  /**
   * A file read from disk or git: UTF-8 text, or for a binary file (a NUL in its first 8 KiB, as
   * git decides) the bytes, with only the head decoded, so a large binary is never turned into a string.
   */
  static fromBytes(path: string, bytes: Uint8Array): ParsedDocument {
    const head = bytes.subarray(0, BINARY_HEAD_BYTES);
    if (!head.includes(0)) return ParsedDocument.of(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    return new ParsedDocument(new SourceDocument(path, Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1')), undefined, bytes);
  }

  get path(): string {
    return this.source.path;
  }

  get text(): string {
    return this.source.text;
  }

  hasKind(kind: FileKind): boolean {
    return this.kinds.has(kind);
  }

  /**
   * The keywords of `index` this version contains: the one-pass prefilter, run on first use (the
   * scanner runs it with every rule's keywords); later `containsKeyword` calls for those keywords
   * are set lookups.
   */
  foundKeywords(index: KeywordIndex): ReadonlySet<string> {
    if (this.indexed?.index !== index) {
      // The previous version's scan by the same automaton is reused outside the changed region.
      const before = this.previous?.indexed;
      const region = before?.index === index ? this.changedFromPrevious() : undefined;
      this.indexed = index.scan(this.source.text, before && region ? { scan: before, region } : undefined);
    }
    return this.indexed.found;
  }

  /** Where this version's text differs from the previous version's, if there is one. */
  private changedFromPrevious(): ChangedRegion | undefined {
    if (!this.changed && this.previous) this.changed = changedRegion(this.previous.source.text, this.source.text);
    return this.changed;
  }

  /**
   * Where any of these keywords occurs (case-insensitively), as increasing start offsets: from the
   * prefilter's pass for the keywords it locates (rules with `locatesKeywords`), else from a pass
   * of its own with the same automaton.
   */
  keywordStarts(keywords: readonly string[]): number[] {
    const indexed = this.indexed;
    let starts: ReadonlyMap<string, number[]>;
    if (indexed && keywords.every((keyword) => indexed.index.located.has(keyword))) {
      starts = indexed.starts();
    } else {
      const own = new Map<string, number[]>();
      locatorFor(keywords).find(this.source.text, own);
      starts = own;
    }
    const lists = keywords.map((keyword) => starts.get(keyword)).filter((list) => list !== undefined);
    if (lists.length === 1) return lists[0]!.slice();
    const merged = lists.flat().sort((a, b) => a - b);
    return merged.filter((offset, i) => i === 0 || merged[i - 1] !== offset);
  }

  /** Case-insensitive containment (keywords are lower case): from the prefilter, else memoised. */
  containsKeyword(keyword: string): boolean {
    if (this.indexed?.index.keywords.has(keyword)) return this.indexed.found.has(keyword);
    let hit = this.keywordHits.get(keyword);
    if (hit === undefined) {
      hit = this.source.lowerText.includes(keyword);
      this.keywordHits.set(keyword, hit);
    }
    return hit;
  }

  /**
   * Every YAML document in the file; parse errors are kept on each document, never thrown. A parse
   * given up for input that would not parse in linear time throws `ParseBudgetError`, once per version.
   */
  yaml(): readonly YamlDocument[] {
    if (this.abandoned) throw this.abandoned;
    if (this.yamlDocs) return this.yamlDocs;
    try {
      // The previous version's entries are taken over (their ranges move), so it parses afresh if asked again.
      const previous = this.previous?.yamlChunks;
      if (this.previous) {
        this.previous.yamlChunks = undefined;
        if (previous) {
          this.previous.yamlDocs = undefined;
          this.previous.derivedValues.clear();
        }
      }
      const parsed = parseYamlVersion(this.source.text, previous);
      this.yamlChunks = parsed.chunks;
      return (this.yamlDocs = parsed.documents);
    } catch (error) {
      if (error instanceof ParseBudgetError) this.abandoned = error;
      throw error;
    }
  }

  /**
   * A value derived from this version (a workflow's steps, one secretlint pass), computed on the
   * first call and shared by every rule that asks, in the spirit of parsing once per version.
   * `derive` is the key: pass the same module-level function each time.
   */
  derived<T>(derive: (document: ParsedDocument) => T): T {
    if (this.derivedValues.has(derive)) return this.derivedValues.get(derive) as T;
    const value = derive(this);
    this.derivedValues.set(derive, value);
    return value;
  }

  /**
   * The syntax tree for `language`; the grammar must be loaded (the runner does that). When the
   * previous version has a tree for it, the parse is incremental.
   */
  tree(language: TreeSitterLanguage): Tree {
    let tree = this.trees.get(language);
    if (!tree) {
      if (this.abandoned) throw this.abandoned;
      const region = this.changedFromPrevious();
      const old = region && this.previous?.editedTreeFor(language, this.source, region);
      try {
        tree = parseWith(language, this.source.text, old);
      } catch (error) {
        if (error instanceof ParseBudgetError) this.abandoned = error;
        throw error;
      } finally {
        old?.delete();
      }
      this.trees.set(language, tree);
    }
    return tree;
  }

  /** A copy of this version's tree, edited to line up with `next` (one changed region), or undefined. */
  private editedTreeFor(language: TreeSitterLanguage, next: SourceDocument, { start, oldEnd, newEnd }: ChangedRegion): Tree | undefined {
    const tree = this.trees.get(language);
    if (!tree) return undefined;
    const point = (document: SourceDocument, offset: number) => {
      const position = document.positionAt(offset);
      return { row: position.line, column: position.character };
    };
    const copy = tree.copy();
    copy.edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: point(this.source, start),
      oldEndPosition: point(this.source, oldEnd),
      newEndPosition: point(next, newEnd),
    });
    return copy;
  }

  /** The tree-sitter grammar for this document's source language, if it has one. */
  get codeLanguage(): TreeSitterLanguage | undefined {
    return codeLanguageOf(this.path, this.kinds);
  }

  /** Frees the wasm memory of the syntax trees; call when the version is superseded. */
  dispose(): void {
    this.previous = undefined;
    for (const tree of this.trees.values()) tree.delete();
    this.trees.clear();
    this.yamlDocs = undefined;
    this.yamlChunks = undefined;
    this.derivedValues.clear();
  }
}

/** The tree-sitter grammar for a file of these kinds, if its source language has one. */
export function codeLanguageOf(path: string, kinds: ReadonlySet<FileKind>): TreeSitterLanguage | undefined {
  if (kinds.has('typescript')) return path.toLowerCase().endsWith('x') ? 'tsx' : 'typescript';
  if (kinds.has('javascript')) return 'javascript';
  if (kinds.has('python')) return 'python';
  if (kinds.has('go')) return 'go';
  if (kinds.has('java')) return 'java';
  if (kinds.has('terraform') && !path.toLowerCase().endsWith('.json')) return 'hcl';
  if (kinds.has('shell')) return 'bash';
  return undefined;
}
