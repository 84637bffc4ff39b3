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
const ROW_SHIFT = 7;
const ALPHABET = 1 << ROW_SHIFT;

/** Flags of a state in `find`'s working copy: keywords to report (once per text), offsets to record. */
const REPORT = 1;
const RECORD = 2;

export class KeywordIndex {
  readonly keywords: ReadonlySet<string>;
  /** Keywords whose occurrences `find` records when asked (ASCII ones only). */
  readonly located: ReadonlySet<string>;
  /**
   * `transitions[row + code]`: the next state's row (state * ALPHABET), failure links already
   * folded in. Rows rather than state numbers save a multiplication per character.
   */
  private readonly transitions: Int32Array;
  /** For each state, the ids of the keywords that end there (its own and its suffixes'). */
  private readonly outputs: ReadonlyArray<readonly number[] | undefined>;
  /** For each state, the ids of the located keywords that end there. */
  private readonly recordedAt: ReadonlyArray<readonly number[] | undefined>;
  /** Per state: REPORT where keywords end, plus RECORD where a located one does; `find` works on a copy. */
  private readonly accepting: Uint8Array;
  /** The same without RECORD, for a `find` that records nothing. */
  private readonly reportingOnly: Uint8Array;
  private readonly byId: readonly string[];
  /** Keywords with characters outside ASCII: rare, looked up with `includes` on a lower-cased copy. */
  private readonly nonAscii: readonly string[];

  /**
   * @param located keywords (also among `keywords`) whose every occurrence `find` can record:
   * rules that start their work where a keyword occurs read them instead of searching the text.
   */
  constructor(keywords: Iterable<string>, located: Iterable<string> = []) {
    this.keywords = new Set([...keywords].map((keyword) => keyword.toLowerCase()).filter(Boolean));
    const ascii = [...this.keywords].filter((keyword) => /^[\x00-\x7f]*$/.test(keyword));
    this.nonAscii = [...this.keywords].filter((keyword) => !ascii.includes(keyword));
    this.byId = ascii;
    const wanted = new Set([...located].map((keyword) => keyword.toLowerCase()));
    this.located = new Set(ascii.filter((keyword) => wanted.has(keyword)));

    // The trie, with goto edges only.
    const edges: Array<Map<number, number>> = [new Map()];
    const ends: number[][] = [[]];
    ascii.forEach((keyword, id) => {
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const code = keyword.charCodeAt(i);
        let next = edges[state]!.get(code);
        if (next === undefined) {
          next = edges.length;
          edges.push(new Map());
          ends.push([]);
          edges[state]!.set(code, next);
        }
        state = next;
      }
      ends[state]!.push(id);
    });

    // Breadth-first: each state's failure link is final before its children are built, so every
    // missing edge can point where its failure state's edge points (a complete DFA).
    const transitions = new Int32Array(edges.length * ALPHABET);
    const failure = new Int32Array(edges.length);
    const outputs: Array<number[] | undefined> = new Array(edges.length);
    const queue: number[] = [0];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const fail = failure[state]!;
      const own = ends[state]!;
      const inherited = state === 0 ? undefined : outputs[fail];
      outputs[state] = own.length || inherited ? [...own, ...(inherited ?? [])] : undefined;
      // Missing edges go where the failure state's go (the root's back to the root, the zeros the
      // table starts with): one row copy, then the state's own edges; built once per process start.
      if (state !== 0) transitions.copyWithin(state * ALPHABET, fail * ALPHABET, (fail + 1) * ALPHABET);
      for (const [code, child] of edges[state]!) {
        failure[child] = state === 0 ? 0 : transitions[fail * ALPHABET + code]!;
        transitions[state * ALPHABET + code] = child;
        queue.push(child);
      }
    }
    // Upper-case letters move like their lower-case forms.
    for (let state = 0; state < edges.length; state++) {
      for (let code = 65; code <= 90; code++) transitions[state * ALPHABET + code] = transitions[state * ALPHABET + code + 32]!;
    }
    for (let i = 0; i < transitions.length; i++) transitions[i] = transitions[i]! << ROW_SHIFT;
    this.transitions = transitions;
    this.outputs = outputs;
    this.recordedAt = outputs.map((ids) => {
      const recorded = ids?.filter((id) => this.located.has(ascii[id]!));
      return recorded?.length ? recorded : undefined;
    });
    this.accepting = Uint8Array.from(outputs, (ids, state) => (ids ? REPORT : 0) | (this.recordedAt[state] ? RECORD : 0));
    this.reportingOnly = this.accepting.map((flags) => flags & REPORT);
  }

  /**
   * The keywords present in `text`, overlapping occurrences included. With `starts`, the offsets
   * where each located keyword occurs are set in it, in increasing order, by keyword.
   */
  find(text: string, starts?: Map<string, number[]>): Set<string> {
    const found = new Set<string>();
    const { transitions, outputs, recordedAt, byId } = this;
    const recording = starts !== undefined && this.located.size > 0;
    // A state stops reporting once all its keywords are found, so a frequent keyword (`key`,
    // `token`) costs one byte test per later occurrence, not a walk over its ids; unless one of
    // them is located, when each occurrence is recorded.
    const accepting = recording ? this.accepting.slice() : this.reportingOnly.slice();
    const offsets: Array<number[] | undefined> = recording ? new Array(byId.length) : [];
    const seen = new Uint8Array(byId.length);
    let remaining = recording ? Infinity : byId.length;
    let row = 0;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      // Any other character ends every partial match, as no keyword here contains one.
      row = code < ALPHABET ? transitions[row + code]! : 0;
      const state = row >>> ROW_SHIFT;
      const flags = accepting[state]!;
      if (flags === 0) continue;
      if (flags & RECORD) {
        for (const id of recordedAt[state]!) (offsets[id] ??= []).push(i + 1 - byId[id]!.length);
      }
      if (flags & REPORT) {
        accepting[state] = flags & RECORD;
        for (const id of outputs[state]!) {
          if (seen[id] === 1) continue;
          seen[id] = 1;
          found.add(byId[id]!);
          remaining--;
        }
        if (remaining === 0) break;
      }
    }
    if (recording) offsets.forEach((list, id) => list && starts.set(byId[id]!, list));
    if (this.nonAscii.length > 0) {
      const lower = text.toLowerCase();
      for (const keyword of this.nonAscii) if (lower.includes(keyword)) found.add(keyword);
    }
    return found;
  }
}
