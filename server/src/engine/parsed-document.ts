import { changedRegion, type ChangedRegion, SourceDocument } from './document';
import { detectFileKinds } from './file-kind';
import { KeywordIndex, type KeywordScan } from './keywords';
import { blankRanges, chunkStarts, type ContainedLanguage, containUnits, isContained, topLevelStarts, UnitVerdicts, unitVerdict, Verdict } from './parse/containment';
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
  /** How each contained language's tree was parsed: whole, or with broken units blanked. */
  private readonly units = new Map<ContainedLanguage, ContainedUnits>();
  /** The languages whose whole-file parse this version left for `settleWholeParse`. */
  private readonly owed = new Set<ContainedLanguage>();
  /** Set when building a syntax tree was given up; syntax rules then skip this version. */
  private abandoned: ParseBudgetError | undefined;

  constructor(
    readonly source: SourceDocument,
    /** The previous version of the same document, whose syntax trees and keyword scan this one's reuse. */
    private previous?: ParsedDocument,
    /** The file's bytes, for a binary file (whose text is only its head: enough to see it is binary). */
    readonly bytes?: Uint8Array,
    /** Whether a whole-file parse that is all but sure to fail may wait for `settleWholeParse` (the editor). */
    private readonly wholeParseMayWait = false,
  ) {
    this.kinds = detectFileKinds(source.path, source.text);
  }

  static of(path: string, text: string, version = 0, previous?: ParsedDocument, options: { wholeParseMayWait?: boolean } = {}): ParsedDocument {
    return new ParsedDocument(new SourceDocument(path, text, version), previous, undefined, options.wholeParseMayWait);
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
    // One typed array sorted natively: a keyword as common as `key` has thousands of offsets in a
    // large file, and sorting them with a comparator cost more than the rule's work at each.
    let total = 0;
    for (const list of lists) total += list.length;
    const all = new Int32Array(total);
    let at = 0;
    for (const list of lists) {
      all.set(list, at);
      at += list.length;
    }
    all.sort();
    const merged: number[] = [];
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) merged.push(all[i]!);
    return merged;
  }

  /**
   * The matches of a sticky (`y`) `pattern` that start where one of `keywords` does. For a rule
   * whose constructs each begin with a keyword, this visits the occurrences the prefilter already
   * located instead of running the pattern over the whole text; a lookbehind at the pattern's
   * start still sees the text before.
   */
  *keywordMatches(keywords: readonly string[], pattern: RegExp): Generator<RegExpExecArray> {
    if (!pattern.sticky) throw new Error(`keywordMatches needs a sticky pattern, not ${pattern}`);
    const text = this.source.text;
    for (const start of this.keywordStarts(keywords)) {
      pattern.lastIndex = start;
      const match = pattern.exec(text);
      if (match) yield match;
    }
  }

  /**
   * Which of `keywords` this version contains, for a rule that picks among many entries by keyword
   * (a vendor's formats): with the prefilter's result at hand and holding all of them, the found
   * keywords, usually far fewer than the asked ones, are the ones to look up; otherwise each asked
   * keyword is tested.
   */
  keywordsAmong(keywords: ReadonlySet<string>): Iterable<string> {
    const found = this.indexed?.found;
    if (found && found.size < keywords.size && isSubset(keywords, this.indexed!.index.keywords)) return found;
    return [...keywords].filter((keyword) => this.containsKeyword(keyword));
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
   * The YAML document whose range holds `offset` (a binary search: a finding looks up its own
   * document, never walks a stream of thousands), or undefined between documents.
   */
  yamlAt(offset: number): YamlDocument | undefined {
    const documents = this.yaml();
    let low = 0;
    let high = documents.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [start, , end] = documents[middle]!.range;
      if (offset < start) high = middle - 1;
      else if (offset >= end) low = middle + 1;
      else return documents[middle];
    }
    return undefined;
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
   * previous version has a tree for it, the parse is incremental. A Terraform, JavaScript or
   * TypeScript file that does not parse cleanly has its broken units blanked first (parse/containment.ts).
   */
  tree(language: TreeSitterLanguage): Tree {
    let tree = this.trees.get(language);
    if (!tree) {
      if (this.abandoned) throw this.abandoned;
      try {
        tree = isContained(language) ? this.containedTree(language) : this.parseAfterPrevious(language, this.source.text);
      } catch (error) {
        if (error instanceof ParseBudgetError) this.abandoned = error;
        throw error;
      }
      this.trees.set(language, tree);
    }
    return tree;
  }

  /**
   * Parses `text` (this version's source, or it with units blanked) reusing the previous version's
   * tree for `language`, which was parsed from `previousParsed` (by default, its source).
   */
  private parseAfterPrevious(language: TreeSitterLanguage, text: string, previousParsed?: string): Tree {
    const previous = this.previous;
    const before = previous?.trees.get(language);
    let old: Tree | undefined;
    if (previous && before) {
      const sources = text === this.source.text && (previousParsed === undefined || previousParsed === previous.source.text);
      const region = sources ? this.changedFromPrevious() : changedRegion(previousParsed ?? previous.source.text, text);
      if (region) old = editedCopy(before, region, previous.source, this.source);
    }
    try {
      return parseWith(language, text, old);
    } finally {
      old?.delete();
    }
  }

  /**
   * This version's whole-file parse, reusing the latest whole-file tree at hand (kept beside a
   * blanked one): the previous version's, or the one it carried over from an earlier version.
   */
  private parseRawAfterPrevious(language: ContainedLanguage): Tree {
    const base = this.previous?.wholeTreeAtHand(language);
    try {
      return this.parseWholeFrom(language, base);
    } finally {
      base?.tree.delete();
    }
  }

  /** A copy of this version's latest whole-file tree for `language`, with the text it was parsed from. */
  private wholeTreeAtHand(language: ContainedLanguage): WholeTreeAtHand | undefined {
    const unit = this.units.get(language);
    if (unit?.raw) return { tree: unit.raw.copy(), source: this.source };
    return unit?.rawBase && { tree: unit.rawBase.tree.copy(), source: unit.rawBase.source };
  }

  /** This version's whole-file parse, from `base` when there is one. */
  private parseWholeFrom(language: ContainedLanguage, base: WholeTreeAtHand | undefined): Tree {
    const text = this.source.text;
    if (!base) return parseWith(language, text);
    const region = base.source === this.previous?.source ? this.changedFromPrevious()! : changedRegion(base.source.text, text);
    const old = editedCopy(base.tree, region, base.source, this.source);
    try {
      return parseWith(language, text, old);
    } finally {
      old.delete();
    }
  }

  /** Whether this version left a whole-file parse for `settleWholeParse`. */
  get owesWholeParse(): boolean {
    return this.owed.size > 0;
  }

  /**
   * Makes the whole-file parses this version left for later. Where one is clean it replaces the
   * contained tree, as in a parse of this text from scratch; the trees' dependants are then
   * dropped and true is returned: the version must be scanned again for its findings to be the
   * ones the CLI gives.
   */
  settleWholeParse(): boolean {
    let replaced = false;
    for (const language of this.owed) {
      const unit = this.units.get(language)!;
      let whole: Tree | undefined;
      try {
        whole = this.parseWholeFrom(language, unit.rawBase);
      } catch (error) {
        if (!(error instanceof ParseBudgetError)) throw error;
      } finally {
        unit.rawBase?.tree.delete();
      }
      if (whole && !whole.rootNode.hasError) {
        this.trees.get(language)?.delete();
        this.trees.set(language, whole);
        this.units.set(language, { parsed: this.source.text, contained: false });
        replaced = true;
      } else {
        this.units.set(language, { ...unit, rawBase: undefined, ...(whole ? { raw: whole } : {}) });
      }
    }
    this.owed.clear();
    if (replaced) this.derivedValues.clear();
    return replaced;
  }

  /**
   * The whole-file parse when it is clean, else the file with the units that do not parse alone
   * blanked: a function of the text alone, reached incrementally. A clean previous version tries
   * the whole file first; a contained one cuts into units first (reusing the verdicts of units the
   * edit did not touch), then parses the whole file, whose clean parse wins (parse/containment.ts).
   */
  private containedTree(language: ContainedLanguage): Tree {
    const source = this.source.text;
    const before = this.previous?.trees.has(language) ? this.previous.units.get(language) : undefined;
    let whole: Tree | undefined;
    if (!before?.contained) {
      whole = this.parseAfterPrevious(language, source, before?.parsed);
      if (!whole.rootNode.hasError) {
        this.units.set(language, { parsed: source, contained: false });
        return whole;
      }
    }
    // A unit wholly before or after the change has the text it had, and so its verdict.
    const verdicts = new UnitVerdicts();
    const region = before && this.changedFromPrevious();
    const shift = region ? region.oldEnd - region.newEnd : 0;
    const previousVerdict = before?.verdicts?.reader();
    // From a clean previous version (this file's first error): its runs of whole items are clean.
    const previousTree = this.previous?.trees.get(language);
    const previousItems = region && before && !before.contained && previousTree && !previousTree.rootNode.hasError ? topLevelStarts(previousTree) : undefined;
    const previousRun = (start: number, end: number) => (start === 0 || previousItems!.has(start)) && previousItems!.has(end);
    const judge = (start: number, end: number): Verdict => {
      let verdict: Verdict | undefined;
      if (region && previousVerdict) {
        if (end <= region.start) verdict = previousVerdict(start, end);
        else if (start >= region.newEnd) verdict = previousVerdict(start + shift, end + shift);
      } else if (region && previousItems) {
        if (end <= region.start ? previousRun(start, end) : start >= region.newEnd && previousRun(start + shift, end + shift)) verdict = Verdict.Clean;
      }
      // The whole file as one unit (nothing at column 0 cuts it): the whole-file parse is its verdict.
      if (verdict === undefined && whole && start === 0 && end === source.length) verdict = unitVerdict(whole.rootNode, source, language);
      if (verdict === undefined) {
        try {
          const unit = source.slice(start, end);
          const alone = parseWith(language, unit);
          try {
            verdict = unitVerdict(alone.rootNode, unit, language);
          } finally {
            alone.delete();
          }
        } catch (error) {
          if (!(error instanceof ParseBudgetError)) throw error;
          verdict = Verdict.Broken;
        }
      }
      verdicts.record(start, end, verdict);
      return verdict;
    };
    const starts = chunkStarts(source, language, before?.starts && region ? { starts: before.starts, region } : undefined);
    const { broken } = containUnits(source, starts, judge);
    if (!whole && broken.length > 0 && this.wholeParseMayWait) {
      // The previous version was contained and units are still broken: the whole-file parse, which
      // would win only if clean, all but surely is not. In the editor it waits for settleWholeParse,
      // after the diagnostics, and carries the latest whole-file tree forward to start from.
      const blanked = blankRanges(source, broken, language === 'hcl' ? '#' : undefined);
      const tree = this.parseAfterPrevious(language, blanked, before?.parsed);
      this.units.set(language, { parsed: blanked, contained: true, starts, verdicts, rawBase: this.previous?.wholeTreeAtHand(language) });
      this.owed.add(language);
      return tree;
    }
    // A unit broken alone can still be part of a file that parses whole (a string running on over
    // units in both): a fresh parse tries the whole file first, so an edit after a contained
    // version must too, or the editor and the CLI would disagree. It reuses the previous version's
    // whole-file tree, errors and all, edited by this change alone: reusing the blanked tree
    // instead would make every blanked unit part of the change.
    if (!whole) whole = this.parseRawAfterPrevious(language);
    if (broken.length === 0 || !whole.rootNode.hasError) {
      this.units.set(language, { parsed: source, contained: false });
      return whole;
    }
    const blanked = blankRanges(source, broken, language === 'hcl' ? '#' : undefined);
    // From the previous version's tree, which is clean: a tree with errors, edited across a long
    // broken stretch, can cost tree-sitter far more to reuse than to parse afresh (hostile input).
    const tree = this.parseAfterPrevious(language, blanked, before?.parsed);
    this.units.set(language, { parsed: blanked, contained: true, starts, verdicts, raw: whole });
    return tree;
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
    for (const unit of this.units.values()) {
      unit.raw?.delete();
      unit.rawBase?.tree.delete();
    }
    this.owed.clear();
    this.yamlDocs = undefined;
    this.yamlChunks = undefined;
    this.units.clear();
    this.derivedValues.clear();
  }
}

/** A whole-file tree and the version text it was parsed from. */
interface WholeTreeAtHand {
  readonly tree: Tree;
  readonly source: SourceDocument;
}

/** How a version parsed a contained language. */
interface ContainedUnits {
  /** The text the tree was parsed from: the source, or it with broken units blanked. */
  readonly parsed: string;
  readonly contained: boolean;
  /** When blanked: its chunks and the verdicts on its units. */
  readonly starts?: readonly number[];
  readonly verdicts?: UnitVerdicts;
  /** When blanked: the whole-file parse, errors and all, which the next version's starts from. */
  readonly raw?: Tree;
  /** When the whole-file parse is owed: the latest whole-file tree of an earlier version, to start from. */
  readonly rawBase?: WholeTreeAtHand;
}

/**
 * A copy of `tree`, edited for one changed region: `[start, oldEnd)` of a text laid out like
 * `before` became `[start, newEnd)` of one laid out like `after` (blanking keeps the lines).
 */
function editedCopy(tree: Tree, { start, oldEnd, newEnd }: ChangedRegion, before: SourceDocument, after: SourceDocument): Tree {
  const point = (document: SourceDocument, offset: number) => {
    const position = document.positionAt(offset);
    return { row: position.line, column: position.character };
  };
  const copy = tree.copy();
  copy.edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: point(before, start),
    oldEndPosition: point(before, oldEnd),
    newEndPosition: point(after, newEnd),
  });
  return copy;
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

/** Memoised per pair: a selector asks with the same set on every document, against the one index. */
const subsets = new WeakMap<ReadonlySet<string>, WeakMap<ReadonlySet<string>, boolean>>();
function isSubset(part: ReadonlySet<string>, whole: ReadonlySet<string>): boolean {
  let known = subsets.get(part);
  if (!known) subsets.set(part, (known = new WeakMap()));
  let answer = known.get(whole);
  if (answer === undefined) {
    answer = [...part].every((keyword) => whole.has(keyword));
    known.set(whole, answer);
  }
  return answer;
}
