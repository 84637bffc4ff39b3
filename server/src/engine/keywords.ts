/**
 * The keyword prefilter: finds which of a fixed set of lower-case keywords occur in a text, in one
 * case-insensitive pass, without a lower-cased copy of the text.
 *
 * It is an Aho-Corasick automaton compiled to a dense transition table over ASCII: one table
 * lookup per character whatever the number of keywords. A regex alternation of the registry's
 * ~200 keywords tries the alternatives at every position and spent a quarter of a headless scan
 * here; frequent short keywords (`key`, `token`) made it worse, since each hit restarted the search.
 */
const ROW_SHIFT = 7;
const ALPHABET = 1 << ROW_SHIFT;

export class KeywordIndex {
  readonly keywords: ReadonlySet<string>;
  /**
   * `transitions[row + code]`: the next state's row (state * ALPHABET), failure links already
   * folded in. Rows rather than state numbers save a multiplication per character.
   */
  private readonly transitions: Int32Array;
  /** For each state, the ids of the keywords that end there (its own and its suffixes'). */
  private readonly outputs: ReadonlyArray<readonly number[] | undefined>;
  /** 1 where a state has outputs: the per-`find` copy is cleared as its keywords are found. */
  private readonly accepting: Uint8Array;
  private readonly byId: readonly string[];
  /** Keywords with characters outside ASCII: rare, looked up with `includes` on a lower-cased copy. */
  private readonly nonAscii: readonly string[];

  constructor(keywords: Iterable<string>) {
    this.keywords = new Set([...keywords].map((keyword) => keyword.toLowerCase()).filter(Boolean));
    const ascii = [...this.keywords].filter((keyword) => /^[\x00-\x7f]*$/.test(keyword));
    this.nonAscii = [...this.keywords].filter((keyword) => !ascii.includes(keyword));
    this.byId = ascii;

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
    this.accepting = Uint8Array.from(outputs, (ids) => (ids ? 1 : 0));
  }

  /** The keywords present in `text`, overlapping occurrences included. */
  find(text: string): Set<string> {
    const found = new Set<string>();
    const { transitions, outputs, byId } = this;
    // A state stops accepting once all its keywords are found, so a frequent keyword (`key`,
    // `token`) costs one byte test per later occurrence, not a walk over its ids.
    const accepting = this.accepting.slice();
    const seen = new Uint8Array(byId.length);
    let remaining = byId.length;
    let row = 0;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      // Any other character ends every partial match, as no keyword here contains one.
      row = code < ALPHABET ? transitions[row + code]! : 0;
      const state = row >>> ROW_SHIFT;
      if (accepting[state] === 0) continue;
      accepting[state] = 0;
      for (const id of outputs[state]!) {
        if (seen[id] === 1) continue;
        seen[id] = 1;
        found.add(byId[id]!);
        remaining--;
      }
      if (remaining === 0) break;
    }
    if (this.nonAscii.length > 0) {
      const lower = text.toLowerCase();
      for (const keyword of this.nonAscii) if (lower.includes(keyword)) found.add(keyword);
    }
    return found;
  }
}
