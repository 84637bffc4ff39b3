import type { ChangedRegion } from './document';

/**
 * The keyword prefilter: finds which of a fixed set of lower-case keywords occur in a text, in one
 * case-insensitive pass, without a lower-cased copy of the text; for the keywords asked to be
 * located, the same pass records where each occurrence starts.
 *
 * It is an Aho-Corasick automaton compiled to a dense transition table over ASCII: one table
 * lookup per character whatever the number of keywords. A regex alternation of the registry's
 * ~370 keywords tries the alternatives at every position and spent a quarter of a headless scan
 * here; frequent short keywords (`key`, `token`) made it worse, since each hit restarted the search.
 */
/** Characters the table reads; any other ends every partial match. */
const ASCII = 128;

/** Flags of a state: keywords end there (to report, once per block), located ones too (to record). */
const REPORT = 1;
const RECORD = 2;

/** About 4 KiB: a keystroke rescans one block; a 10,000-line file holds about a hundred. */
const BLOCK_SIZE = 4096;
const NONE: readonly string[] = [];

export class KeywordIndex {
  readonly keywords: ReadonlySet<string>;
  /** Keywords whose occurrences `find` records when asked (ASCII ones only). */
  readonly located: ReadonlySet<string>;
  /**
   * The characters keywords use, in classes: `classOf[code]` is the column a character reads (0
   * for the characters no keyword holds; an upper-case letter shares its lower-case form's). A few
   * dozen columns instead of 128 make the table a quarter of the size (under a megabyte for the
   * registry) and the scan about 5% faster; the walk itself, one load per character, is the rest.
   */
  private readonly classOf: Uint8Array;
  /**
   * `transitions[row + classOf[code]]`: the next state's row (state << rowShift), failure links
   * already folded in. Rows rather than state numbers save a shift per character.
   */
  private readonly transitions: Int32Array;
  private readonly rowShift: number;
  /** For each state, the ids of the keywords that end there (its own and its suffixes'). */
  private readonly outputs: ReadonlyArray<readonly number[] | undefined>;
  /** For each state, the ids of the located keywords that end there. */
  private readonly recordedAt: ReadonlyArray<readonly number[] | undefined>;
  /** Per state: REPORT where keywords end, plus RECORD where a located one does. */
  private readonly accepting: Uint8Array;
  private readonly byId: readonly string[];
  /** `accepting`, copied afresh for each block and cleared where a state has reported. */
  private readonly working: Uint8Array;
  /** Per keyword id: the stamp of the last block (or union) that counted it. */
  private readonly idSeenIn: Uint32Array;
  private stamp = 0;
  /**
   * Characters per block, rounded up to the next line end; blocks are what a new version rescans.
   * Unbounded (one block, no reuse) if a keyword spans lines, as a block must hold its matches.
   */
  private readonly blockSize: number;
  /** Keywords with characters outside ASCII: rare, looked up with `includes` on a lower-cased copy. */
  private readonly nonAscii: readonly string[];

  /**
   * @param located keywords (also among `keywords`) whose every occurrence `find` can record:
   * rules that start their work where a keyword occurs read them instead of searching the text.
   */
  constructor(keywords: Iterable<string>, located: Iterable<string> = []) {
    this.keywords = new Set([...keywords].map((keyword) => keyword.toLowerCase()).filter(Boolean));
    const ascii = [...this.keywords].filter((keyword) => /^[\x00-\x7f]*$/.test(keyword));
    this.nonAscii = [...this.keywords].filter((keyword) => !/^[\x00-\x7f]*$/.test(keyword));
    this.byId = ascii;
    const wanted = new Set([...located].map((keyword) => keyword.toLowerCase()));
    this.located = new Set(ascii.filter((keyword) => wanted.has(keyword)));

    // The trie, built in the table itself (0 is "no edge": the root is nobody's child), with each
    // state's own edges also kept as a list, since the breadth-first pass below overwrites rows.
    // Typed arrays sized by the total keyword length, not a Map per state: this runs at every
    // process start, before the code is optimised.
    const classOf = new Uint8Array(ASCII);
    let classes = 1;
    for (const keyword of ascii) {
      for (let i = 0; i < keyword.length; i++) {
        const code = keyword.charCodeAt(i);
        if (classOf[code] === 0) classOf[code] = classes++;
      }
    }
    for (let upper = 65; upper <= 90; upper++) classOf[upper] = classOf[upper + 32]!;
    const rowShift = Math.max(1, Math.ceil(Math.log2(classes)));
    let capacity = 1;
    for (const keyword of ascii) capacity += keyword.length;
    let transitions = new Int32Array(capacity << rowShift);
    const firstChild = new Int32Array(capacity);
    const nextSibling = new Int32Array(capacity);
    const edgeClass = new Int32Array(capacity);
    /** Per state: 1 + the id of the keyword ending there (keywords are unique), or 0. */
    const endsHere = new Int32Array(capacity);
    let states = 1;
    ascii.forEach((keyword, id) => {
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const column = classOf[keyword.charCodeAt(i)]!;
        let next = transitions[(state << rowShift) + column]!;
        if (next === 0) {
          next = states++;
          transitions[(state << rowShift) + column] = next;
          edgeClass[next] = column;
          nextSibling[next] = firstChild[state]!;
          firstChild[state] = next;
        }
        state = next;
      }
      endsHere[state] = id + 1;
    });
    transitions = transitions.slice(0, states << rowShift);

    // Breadth-first: each state's failure link is final before its children are built, so every
    // missing edge can point where its failure state's edge points (a complete DFA). The table
    // holds each target's row offset (state << rowShift), what the scan adds the next column to.
    const failure = new Int32Array(states);
    const outputs: Array<number[] | undefined> = new Array(states);
    const queue = new Int32Array(states);
    for (let head = 0, tail = 1; head < tail; head++) {
      const state = queue[head]!;
      const fail = failure[state]!;
      const own = endsHere[state]! - 1;
      const inherited = state === 0 ? undefined : outputs[fail];
      outputs[state] = own >= 0 ? [own, ...(inherited ?? [])] : inherited;
      // Missing edges go where the failure state's go (the root's back to the root, the zeros the
      // table starts with): one row copy, then the state's own edges. Column 0, the characters no
      // keyword holds, is never an edge: it leads back to the root from everywhere.
      const row = state << rowShift;
      if (state !== 0) transitions.copyWithin(row, fail << rowShift, (fail + 1) << rowShift);
      for (let child = firstChild[state]!; child !== 0; child = nextSibling[child]!) {
        const column = edgeClass[child]!;
        failure[child] = state === 0 ? 0 : transitions[(fail << rowShift) + column]! >> rowShift;
        transitions[row + column] = child << rowShift;
        queue[tail++] = child;
      }
    }
    this.classOf = classOf;
    this.rowShift = rowShift;
    this.transitions = transitions;
    this.outputs = outputs;
    this.recordedAt = outputs.map((ids) => {
      const recorded = ids?.filter((id) => this.located.has(ascii[id]!));
      return recorded?.length ? recorded : undefined;
    });
    this.accepting = Uint8Array.from(outputs, (ids, state) => (ids ? REPORT : 0) | (this.recordedAt[state] ? RECORD : 0));
    this.working = new Uint8Array(this.accepting.length);
    this.idSeenIn = new Uint32Array(ascii.length);
    this.blockSize = ascii.some((keyword) => keyword.includes('\n')) ? Infinity : BLOCK_SIZE;
  }

  /**
   * The keywords present in `text`, overlapping occurrences included. With `starts`, the offsets
   * where each located keyword occurs are set in it, in increasing order, by keyword.
   */
  find(text: string, starts?: Map<string, number[]>): Set<string> {
    const scan = this.scan(text);
    if (starts) for (const [keyword, offsets] of scan.starts()) starts.set(keyword, offsets);
    return scan.found;
  }

  /**
   * One pass over `text`, kept as blocks of whole lines. Given the scan of the previous version
   * and the region where the two differ, only the blocks that region touches are scanned again:
   * the others are the previous version's, moved, so a keystroke in a 10,000-line file costs a
   * block, not the file.
   */
  scan(text: string, previous?: { readonly scan: KeywordScan; readonly region: ChangedRegion }): KeywordScan {
    const blocks: KeywordBlock[] = [];
    let from = 0;
    let to = text.length;
    let moved: KeywordBlock[] = [];
    if (previous && previous.scan.index === this && this.blockSize !== Infinity) {
      const { scan, region } = previous;
      const delta = region.newEnd - region.oldEnd;
      let first = 0;
      // Blocks that end before the region: their text, and the line break that ends them, are unchanged.
      while (first < scan.blocks.length && scan.blocks[first]!.end <= region.start) blocks.push(scan.blocks[first++]!);
      // Blocks that start after the region: the line break before them is unchanged too.
      let last = scan.blocks.length;
      while (last > first && scan.blocks[last - 1]!.start > region.oldEnd) last--;
      from = first > 0 ? scan.blocks[first - 1]!.end : 0;
      to = last < scan.blocks.length ? scan.blocks[last]!.start + delta : text.length;
      moved = scan.blocks.slice(last).map((block) => (delta === 0 ? block : { ...block, start: block.start + delta, end: block.end + delta }));
    }
    this.scanBlocks(text, from, to, blocks);
    for (const block of moved) blocks.push(block);
    return new KeywordScan(this, blocks);
  }

  /** Scans `[from, to)` (both at line starts, or the text's ends) into blocks of whole lines. */
  private scanBlocks(text: string, from: number, to: number, blocks: KeywordBlock[]): void {
    for (let start = from; start < to; ) {
      let end = to;
      // Up to half a block over the size stays one block: an edit that grows a block a little
      // rescans it as one, instead of cutting a line or two off into a block of their own.
      if (this.blockSize !== Infinity && to - start > this.blockSize * 1.5) {
        const lineEnd = text.indexOf('\n', start + this.blockSize - 1);
        if (lineEnd !== -1 && lineEnd + 1 < to) end = lineEnd + 1;
      }
      const stamp = this.nextStamp();
      // A fresh copy of the flags per block: a state stops reporting once it has (below).
      this.working.set(this.accepting);
      const ids: number[] = [];
      const located: number[] = [];
      this.scanBlock(text, start, end, stamp, ids, located);
      let nonAscii: readonly string[] = NONE;
      if (this.nonAscii.length > 0) {
        const lower = text.slice(start, end).toLowerCase();
        nonAscii = this.nonAscii.filter((keyword) => lower.includes(keyword));
      }
      blocks.push({ start, end, ids, located, nonAscii });
      start = end;
    }
  }

  /** One block: the automaton restarts at its start (no keyword holds a line break, so after one it is at its root anyway). */
  private scanBlock(text: string, start: number, end: number, stamp: number, ids: number[], located: number[]): void {
    const { transitions, classOf, rowShift, outputs, recordedAt, working: accepting, idSeenIn, byId } = this;
    let row = 0;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      // Any other character ends every partial match, as no keyword here contains one.
      row = code < ASCII ? transitions[row + classOf[code]!]! : 0;
      const state = row >>> rowShift;
      const flags = accepting[state]!;
      if (flags === 0) continue;
      if (flags & RECORD) {
        const recorded = recordedAt[state]!;
        for (let k = 0; k < recorded.length; k++) {
          const id = recorded[k]!;
          located.push(id, i + 1 - byId[id]!.length - start);
        }
      }
      // A state reports once per block, so a frequent keyword (`key`, `token`) costs one byte
      // test per later occurrence, not a walk over its ids; unless it is located.
      if (flags & REPORT) {
        accepting[state] = flags & RECORD;
        for (const id of outputs[state]!) {
          if (idSeenIn[id] === stamp) continue;
          idSeenIn[id] = stamp;
          ids.push(id);
        }
      }
    }
  }

  /** A fresh mark for the "already counted" table, which is never cleared otherwise. */
  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.idSeenIn.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** The keyword with this id (ids index the automaton's ASCII keywords). */
  keywordOf(id: number): string {
    return this.byId[id]!;
  }

  /** Adds to `found` the keywords of every block, each once. */
  addKeywordsOf(blocks: readonly KeywordBlock[], found: Set<string>): void {
    const stamp = this.nextStamp();
    const seen = this.idSeenIn;
    for (const block of blocks) {
      for (const id of block.ids) {
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        found.add(this.byId[id]!);
      }
      for (const keyword of block.nonAscii) found.add(keyword);
    }
  }
}

/** What one pass found in a run of whole lines. Shared, unchanged, by later versions' scans. */
interface KeywordBlock {
  readonly start: number;
  readonly end: number;
  /** Ids of the ASCII keywords that occur in the block. */
  readonly ids: readonly number[];
  /** Located occurrences, as pairs: keyword id, then offset from the block's start. */
  readonly located: readonly number[];
  /** Non-ASCII keywords that occur in the block (found on a lower-cased copy; rare). */
  readonly nonAscii: readonly string[];
}

/** The prefilter's result for one version of a text: the keywords it holds, and where located ones start. */
export class KeywordScan {
  readonly found: Set<string>;
  private located: Map<string, number[]> | undefined;

  constructor(
    readonly index: KeywordIndex,
    readonly blocks: readonly KeywordBlock[],
  ) {
    this.found = new Set();
    index.addKeywordsOf(blocks, this.found);
  }

  /** The offsets where each located keyword occurs, in increasing order; built on first use. */
  starts(): ReadonlyMap<string, number[]> {
    if (this.located) return this.located;
    const located = new Map<string, number[]>();
    for (const block of this.blocks) {
      const pairs = block.located;
      for (let i = 0; i < pairs.length; i += 2) {
        const keyword = this.index.keywordOf(pairs[i]!);
        let offsets = located.get(keyword);
        if (!offsets) located.set(keyword, (offsets = []));
        offsets.push(block.start + pairs[i + 1]!);
      }
    }
    return (this.located = located);
  }
}

/**
 * Entries chosen by keyword, for a rule with many (a vendor's token formats): those with a keyword
 * the document contains, in their order. One lookup per keyword found in the document, instead of
 * a containment test per entry and keyword.
 */
export class KeywordSelector<T> {
  /** Every entry's keywords, lower case: what the rule lists as its own `keywords`. */
  readonly keywords: readonly string[];
  private readonly asked: ReadonlySet<string>;
  private readonly positionsByKeyword: ReadonlyMap<string, readonly number[]>;

  constructor(
    private readonly entries: readonly T[],
    keywordsOf: (entry: T) => readonly string[],
  ) {
    const byKeyword = new Map<string, number[]>();
    entries.forEach((entry, position) => {
      for (const keyword of keywordsOf(entry)) {
        const lower = keyword.toLowerCase();
        let positions = byKeyword.get(lower);
        if (!positions) byKeyword.set(lower, (positions = []));
        if (positions[positions.length - 1] !== position) positions.push(position);
      }
    });
    this.positionsByKeyword = byKeyword;
    this.asked = new Set(byKeyword.keys());
    this.keywords = [...byKeyword.keys()];
  }

  select(document: { keywordsAmong(keywords: ReadonlySet<string>): Iterable<string> }): T[] {
    const chosen = new Uint8Array(this.entries.length);
    let any = false;
    for (const keyword of document.keywordsAmong(this.asked)) {
      const positions = this.positionsByKeyword.get(keyword);
      if (!positions) continue;
      for (const position of positions) chosen[position] = 1;
      any = true;
    }
    if (!any) return [];
    const selected: T[] = [];
    for (let position = 0; position < chosen.length; position++) if (chosen[position] === 1) selected.push(this.entries[position]!);
    return selected;
  }
}
