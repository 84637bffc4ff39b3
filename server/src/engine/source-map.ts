/**
 * The original sources a source map carries in `sourcesContent`. Read as the one long line of
 * JSON a map is, code looks like configuration (`const accessToken = await getToken()` would be
 * `accessToken` set to `await`); read as the files they were, each is scanned like that file.
 * Findings still point into the map, where each source is a JSON string.
 */
export interface EmbeddedSource {
  /** The source's name from `sources` (`webpack://app/./src/auth.ts`), which gives its file kind. */
  readonly path: string;
  /** The source's text, decoded from its JSON string. */
  readonly text: string;
  /** The offset in the map's text of an offset in `text`. */
  outerOffset(offset: number): number;
}

/**
 * The sources embedded in a source map, or undefined when `path` and `text` are not a map with
 * `sourcesContent` (a map that only names its sources holds no code). Linear in the text: strings
 * are skipped with `indexOf`, and decoded by `JSON.parse`.
 */
export function embeddedSources(path: string, text: string): EmbeddedSource[] | undefined {
  if (!path.toLowerCase().endsWith('.map') || !text.includes('"sourcesContent"')) return undefined;
  try {
    const fields = topLevelFields(text);
    const contents = fields.get('sourcesContent');
    if (!contents || text[contents[0]] !== '[' || !fields.has('mappings')) return undefined;
    const sourcesField = fields.get('sources');
    const names: unknown = sourcesField ? JSON.parse(text.slice(sourcesField[0], sourcesField[1])) : [];
    const sources: EmbeddedSource[] = [];
    let index = 0;
    for (const [start, end] of arrayElements(text, contents[0])) {
      const name = Array.isArray(names) && typeof names[index] === 'string' ? withoutQuery(names[index] as string) : `${path}#${index}`;
      index++;
      if (text[start] !== '"') continue; // `null`: a source the map does not carry
      sources.push({ path: name, text: JSON.parse(text.slice(start, end)) as string, outerOffset: (offset) => rawOffset(text, start, end, offset) });
    }
    return sources;
  } catch {
    // Not JSON after all, or not a map: scanned as the text it is.
    return undefined;
  }
}

/** `src/app.ts?v=3#x` → `src/app.ts`: the file kind is in the name, not the query. */
function withoutQuery(name: string): string {
  const query = name.search(/[?#]/);
  return query === -1 ? name : name.slice(0, query);
}

/** Each top-level field of a JSON object: its name and the `[start, end)` of its value. */
function topLevelFields(text: string): Map<string, [number, number]> {
  const fields = new Map<string, [number, number]>();
  let at = skipSpace(text, 0);
  expect(text, at, '{');
  at = skipSpace(text, at + 1);
  while (text[at] !== '}') {
    expect(text, at, '"');
    const nameEnd = stringEnd(text, at);
    const name = JSON.parse(text.slice(at, nameEnd)) as string;
    at = skipSpace(text, nameEnd);
    expect(text, at, ':');
    const valueStart = skipSpace(text, at + 1);
    const valueEnd = valueEndAt(text, valueStart);
    fields.set(name, [valueStart, valueEnd]);
    at = skipSpace(text, valueEnd);
    if (text[at] === ',') at = skipSpace(text, at + 1);
    else expect(text, at, '}');
  }
  return fields;
}

/** The `[start, end)` of each element of the JSON array opening at `open`. */
function* arrayElements(text: string, open: number): Generator<[number, number]> {
  let at = skipSpace(text, open + 1);
  while (text[at] !== ']') {
    const end = valueEndAt(text, at);
    yield [at, end];
    at = skipSpace(text, end);
    if (text[at] === ',') at = skipSpace(text, at + 1);
    else expect(text, at, ']');
  }
}

/** Where the JSON value starting at `start` ends. */
function valueEndAt(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first !== '[' && first !== '{') {
    let at = start;
    while (at < text.length && !',}] \t\r\n'.includes(text[at]!)) at++;
    if (at === start) throw new SyntaxError(`no JSON value at ${start}`);
    return at;
  }
  let depth = 0;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (char === '"') at = stringEnd(text, at) - 1;
    else if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && --depth === 0) return at + 1;
  }
  throw new SyntaxError('unterminated JSON value');
}

/**
 * The end (after the closing quote) of the JSON string opening at `open`. A quote closes the
 * string when an even number of backslashes precedes it; each backslash run is counted once.
 */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) throw new SyntaxError('unterminated JSON string');
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92 && quote - 1 - backslashes > open) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * The map's offset of `offset` in the string literal `[start, end)` once decoded: text between
 * escapes is the same length in both, and each escape (`\n`, `\"`, `\u00e9`) decodes to one unit.
 */
function rawOffset(text: string, start: number, end: number, offset: number): number {
  let raw = start + 1;
  let decoded = 0;
  for (;;) {
    const escape = text.indexOf('\\', raw);
    const plainEnd = escape === -1 || escape >= end - 1 ? end - 1 : escape;
    if (decoded + (plainEnd - raw) >= offset || plainEnd === end - 1) return Math.min(raw + (offset - decoded), end - 1);
    decoded += plainEnd - raw + 1;
    raw = plainEnd + (text[plainEnd + 1] === 'u' ? 6 : 2);
  }
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  return at;
}

function expect(text: string, at: number, char: string): void {
  if (text[at] !== char) throw new SyntaxError(`expected ${char} at ${at}`);
}
