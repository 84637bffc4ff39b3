/**
 * Keyword-anchored rules find a credential word (`pass`, `key`) and widen the hit to the name it
 * is part of (`DB_PASSWORD`, `cloudant_key`). Character codes, not a regex per character: this
 * runs on every hit of the most frequent words.
 */

/** `[A-Za-z0-9_]`, Latin letters with accents (`contraseña`), plus the given extra punctuation, by character code. */
export function nameCharacters(extra: string): (code: number) => boolean {
  const table = new Uint8Array(128);
  for (let code = 48; code <= 57; code++) table[code] = 1;
  for (let code = 65; code <= 90; code++) table[code] = table[code + 32] = 1;
  table[95] = 1;
  for (const ch of extra) table[ch.charCodeAt(0)] = 1;
  return (code) => (code < 128 ? table[code] === 1 : code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7);
}

/** The span of the name around the hit `[from, to)`, reaching at most `limit` characters beyond it each way. */
export function nameAround(text: string, from: number, to: number, isNameChar: (code: number) => boolean, limit = 80): { start: number; end: number } {
  let start = from;
  while (start > 0 && from - start < limit && isNameChar(text.charCodeAt(start - 1))) start--;
  let end = to;
  while (end < text.length && end - from < limit && isNameChar(text.charCodeAt(end))) end++;
  return { start, end };
}

/**
 * Whether the line around `offset` is a full line of uuencoded data (`M` for 45 bytes, then 60
 * characters from space to backquote): its `PW:` or `KEY=` are bytes, not names.
 */
export function isUuencodedLine(text: string, offset: number): boolean {
  // Such a line is 61 characters long, so its start is no further back (a long line costs nothing).
  let start = offset;
  while (start > 0 && offset - start <= 61 && text[start - 1] !== '\n') start--;
  if (text[start] !== 'M' || (start > 0 && text[start - 1] !== '\n')) return false;
  let end = start + 1;
  while (end < text.length && end - start <= 62) {
    const code = text.charCodeAt(end);
    if (code === 10 || code === 13) break;
    if (code < 32 || code > 96) return false;
    end++;
  }
  return end - start === 61 && (end === text.length || text[end] === '\n' || text[end] === '\r');
}
