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
 * characters from space to backquote), in a run of them: its `PW:` or `KEY=` are bytes, not names.
 * A line of capitals that happens to be 61 characters long has no neighbour like it.
 */
export function isUuencodedLine(text: string, offset: number): boolean {
  // Such a line is 61 characters long, so its start is no further back (a long line costs nothing).
  let start = offset;
  while (start > 0 && offset - start <= 61 && text[start - 1] !== '\n') start--;
  if (start > 0 && text[start - 1] !== '\n') return false;
  const end = uuencodedLineEnd(text, start);
  if (end === -1) return false;
  const next = text.indexOf('\n', end);
  if (next !== -1 && uuencodedLineEnd(text, next + 1) !== -1) return true;
  if (start === 0) return false;
  let previous = start - 1;
  while (previous > 0 && start - previous <= 63 && text[previous - 1] !== '\n') previous--;
  return uuencodedLineEnd(text, previous) !== -1;
}

/** Where the uuencoded line starting at `start` ends, or -1: `M`, then 60 characters from space to backquote, one of them punctuation. */
function uuencodedLineEnd(text: string, start: number): number {
  if (text[start] !== 'M') return -1;
  let end = start + 1;
  let punctuation = false;
  while (end < text.length && end - start <= 62) {
    const code = text.charCodeAt(end);
    if (code === 10 || code === 13) break;
    if (code < 32 || code > 96) return -1;
    if (code < 48 || (code > 57 && code < 65) || code > 90) punctuation = true;
    end++;
  }
  const lineEnds = end === text.length || text[end] === '\n' || text[end] === '\r';
  return end - start === 61 && lineEnds && punctuation ? end : -1;
}

/** How far back from a name's `/` an account's label and value are read. */
const IDENTITY_REACH = 120;
/**
 * A word that labels an account, maybe after another word (`user id`, `Host name`): `ID`, `user`,
 * `Username`, `login`, `account`, `e-mail`, `mailto`, and the Korean 아이디 and 계정.
 */
const IDENTITY_WORD = String.raw`(?:[\p{L}\d]{1,12}[ _-])?(?:id|user|user[ _-]?id|(?:user|host|account|login)[ _-]?name|login|account|e-?mail|mailto|아이디|계정)`;
/** `ID:master` or `Username = ops` right before the slash: an account given first, then its password. */
const IDENTITY_THEN_SLASH = new RegExp(String.raw`(?:^|[\s(,;])${IDENTITY_WORD}[ \t]?[:=][ \t]?[^\s/:=]{1,100}$`, 'iu');
/** `ID/` right before the name: one label for both (`ID/PW: master/…`), whose value is the pair. */
const IDENTITY_SLASH = new RegExp(String.raw`(?:^|[\s(,;])${IDENTITY_WORD}$`, 'iu');

/**
 * A name after a slash is mostly part of a path or a URL (`/run/secrets/db`, `api/token=`), but in
 * notes and docs a slash also joins an account to its password: `ID:master/PW:…` gives each its
 * own label (`separate`), `ID/PW: master/…` one label for both, with the pair as the value
 * (`paired`: the password is after the value's first slash). Undefined for anything else.
 */
export function accountBeforeSlash(text: string, slashAt: number): 'separate' | 'paired' | undefined {
  const before = text.slice(Math.max(0, slashAt - IDENTITY_REACH), slashAt);
  if (IDENTITY_SLASH.test(before)) return 'paired';
  if (IDENTITY_THEN_SLASH.test(before)) return 'separate';
  return undefined;
}

/** The password in a value given for `ID/PW`: after the first slash (`master/s3cret`), or the whole value when it has none. */
export function passwordOfPair(value: string, valueStart: number): { value: string; start: number } {
  const slash = value.indexOf('/');
  return slash > 0 && slash < value.length - 1 ? { value: value.slice(slash + 1), start: valueStart + slash + 1 } : { value, start: valueStart };
}
