/**
 * The keyword prefilter: finds which of a fixed set of lower-case keywords occur in a text, in one
 * case-insensitive pass of a single compiled alternation, instead of one `includes` per keyword
 * (measured ~3x faster for the registry's ~60 keywords, and no lower-cased copy of the text).
 */
export class KeywordIndex {
  private readonly pattern: RegExp | undefined;
  /** For each keyword, the keywords that are prefixes of it: found at the same position, hidden by the longer match. */
  private readonly prefixes: ReadonlyMap<string, readonly string[]>;
  readonly keywords: ReadonlySet<string>;

  constructor(keywords: Iterable<string>) {
    this.keywords = new Set([...keywords].map((keyword) => keyword.toLowerCase()).filter(Boolean));
    const sorted = [...this.keywords].sort((a, b) => b.length - a.length);
    this.pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'gi') : undefined;
    this.prefixes = new Map(sorted.map((keyword) => [keyword, sorted.filter((other) => other !== keyword && keyword.startsWith(other))]));
  }

  /** The keywords present in `text`. Overlapping occurrences count (matching resumes one character on). */
  find(text: string): Set<string> {
    const found = new Set<string>();
    const pattern = this.pattern;
    if (!pattern) return found;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const keyword = match[0].toLowerCase();
      found.add(keyword);
      for (const prefix of this.prefixes.get(keyword) ?? []) found.add(prefix);
      if (found.size === this.keywords.size) break;
      pattern.lastIndex = match.index + 1;
    }
    return found;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
