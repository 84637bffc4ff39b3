/**
 * The keyword prefilter: finds which of a fixed set of lower-case keywords occur in a text, in one
 * case-insensitive pass, without a lower-cased copy of the text.
 *
 * It is an Aho-Corasick automaton compiled to a dense transition table over ASCII: one table
 * lookup per character whatever the number of keywords. A regex alternation of the registry's
 * ~200 keywords tries the alternatives at every position and spent a quarter of a headless scan
 * here; frequent short keywords (`key`, `token`) made it worse, since each hit restarted the search.
 */
const ALPHABET = 128;

export class KeywordIndex {
  readonly keywords: ReadonlySet<string>;
  /** `transitions[state * ALPHABET + code]`: the next state, failure links already folded in. */
  private readonly transitions: Int32Array;
  /** For each state, the ids of the keywords that end there (its own and its suffixes'). */
  private readonly outputs: ReadonlyArray<readonly number[] | undefined>;
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
    this.transitions = transitions;
    this.outputs = outputs;
  }

  /** The keywords present in `text`, overlapping occurrences included. */
  find(text: string): Set<string> {
    const found = new Set<string>();
    const { transitions, outputs, byId } = this;
    const total = byId.length;
    const seen = new Uint8Array(total);
    let remaining = total;
    let state = 0;
    for (let i = 0; i < text.length && remaining > 0; i++) {
      const code = text.charCodeAt(i);
      // Any other character ends every partial match, as no keyword here contains one.
      state = code < ALPHABET ? transitions[state * ALPHABET + code]! : 0;
      const ids = outputs[state];
      if (ids === undefined) continue;
      for (const id of ids) {
        if (seen[id] === 1) continue;
        seen[id] = 1;
        remaining--;
        found.add(byId[id]!);
      }
    }
    if (this.nonAscii.length > 0) {
      const lower = text.toLowerCase();
      for (const keyword of this.nonAscii) if (lower.includes(keyword)) found.add(keyword);
    }
    return found;
  }
}
