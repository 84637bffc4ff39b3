/**
 * A small, linear reading of Bicep files: the `resource` declarations and the object literals of
 * their bodies (keys, nested objects, and where each value is). There is no Bicep grammar in the
 * engine, so this is one pass of a hand-written lexer (strings with `${...}` interpolation,
 * `'''` multi-line strings, `//` and `/* *\/` comments) and one pass over its tokens with a stack
 * of open brackets; no regular expressions, no backtracking. Anything it does not understand
 * (a value computed by an expression, a `for` body built from a variable) is left out rather than
 * guessed, so rules built on it report only what the text states.
 */

type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'newline';

interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** Identifier or punctuation text, a string's content (undefined when interpolated). */
  readonly value: string | undefined;
}

/** A `{ key: value ... }` object literal. */
export interface BicepObject {
  /** Offset of `{` and just past `}` (the text's end when unclosed). */
  readonly start: number;
  end: number;
  readonly entries: Map<string, BicepEntry>;
  /** True when the object spreads another (`...base`): keys it does not list may still be there. */
  spread: boolean;
}

export interface BicepEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  /** Just past the value's last token. */
  valueEnd: number;
  /** The value, when it is an object literal. */
  object?: BicepObject;
  /** The value, when it is a single number literal. */
  number?: number;
}

export interface BicepResource {
  readonly symbol: string;
  /** The resource type without API version, made absolute for nested child resources (`Microsoft.KeyVault/vaults/secrets`). */
  readonly type: string;
  /** From `resource` to the end of the type string. */
  readonly declStart: number;
  readonly declEnd: number;
  readonly existing: boolean;
  readonly body: BicepObject;
}

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

/**
 * The end of a single-quoted string starting at `start` (its opening quote), skipping escapes and
 * nested interpolations (which can hold strings of their own) with an explicit stack. A line break
 * ends an unterminated string, so a stray quote costs one line, not the rest of the file.
 */
function stringEnd(text: string, start: number): { end: number; interpolated: boolean } {
  const depths: number[] = [];
  let inString = true;
  let interpolated = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return { end: i, interpolated: true };
    if (inString) {
      if (c === 92) i++;
      else if (c === 39) {
        if (depths.length === 0) return { end: i + 1, interpolated };
        inString = false;
      } else if (c === 36 && text.charCodeAt(i + 1) === 123) {
        depths.push(0);
        inString = false;
        interpolated = true;
        i++;
      }
    } else if (c === 39) inString = true;
    else if (c === 123) depths[depths.length - 1]!++;
    else if (c === 125) {
      if (depths[depths.length - 1] === 0) {
        depths.pop();
        inString = true;
      } else depths[depths.length - 1]!--;
    }
  }
  return { end: text.length, interpolated: true };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
    } else if (c === 10) {
      tokens.push({ kind: 'newline', start: i, end: i + 1, value: undefined });
      i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? length : newline;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? length : close + 2;
    } else if (c === 39) {
      if (text.startsWith("'''", i)) {
        const close = text.indexOf("'''", i + 3);
        const end = close === -1 ? length : close + 3;
        tokens.push({ kind: 'string', start: i, end, value: text.slice(i + 3, Math.max(i + 3, end - 3)) });
        i = end;
      } else {
        const { end, interpolated } = stringEnd(text, i);
        tokens.push({ kind: 'string', start: i, end, value: interpolated ? undefined : text.slice(i + 1, end - 1) });
        i = end;
      }
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < length && isIdentPart(text.charCodeAt(end))) end++;
      tokens.push({ kind: 'ident', start: i, end, value: text.slice(i, end) });
      i = end;
    } else if (isDigit(c)) {
      let end = i + 1;
      while (end < length && isDigit(text.charCodeAt(end))) end++;
      tokens.push({ kind: 'number', start: i, end, value: text.slice(i, end) });
      i = end;
    } else {
      tokens.push({ kind: 'punct', start: i, end: i + 1, value: text[i] });
      i++;
    }
  }
  return tokens;
}

interface Frame {
  readonly open: '{' | '[' | '(';
  readonly object?: BicepObject;
  /** The entry whose value is being read (object frames). */
  entry?: BicepEntry;
  /** The entry of the enclosing object whose value this frame is. */
  readonly owner?: BicepEntry;
  /** The resource whose body this object is. */
  readonly resource?: BicepResource;
  /** True right after `{`, a line break or `,`: the next token may start an entry. */
  atEntryStart: boolean;
  /** Tokens in the current entry's value, to tell a lone number from an expression. */
  valueTokens: number;
}

interface PendingResource {
  readonly symbol: string;
  readonly typeText: string;
  readonly declStart: number;
  readonly declEnd: number;
  readonly existing: boolean;
  /** Tokens left to find the body's `{` in (a `for` or `if` header comes first). */
  budget: number;
}

const CLOSERS: Record<string, '{' | '[' | '('> = { '}': '{', ']': '[', ')': '(' };

/** Every `resource` declaration of a Bicep file, nested child resources included, in source order. */
export function bicepResources(text: string): BicepResource[] {
  const tokens = tokenize(text);
  const resources: BicepResource[] = [];
  const stack: Frame[] = [];
  let pending: PendingResource | undefined;
  let topAtLineStart = true;
  // Open frames per bracket, so a closer with nothing to match is dropped without a stack scan.
  const open: Record<'{' | '[' | '(', number> = { '{': 0, '[': 0, '(': 0 };

  const enclosingResource = (): BicepResource | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.resource) return stack[i]!.resource;
    return undefined;
  };
  const closeEntry = (frame: Frame, end: number) => {
    if (frame.entry && frame.entry.valueEnd < end) frame.entry.valueEnd = end;
  };

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const frame = stack[stack.length - 1];

    if (token.kind === 'newline') {
      if (frame) {
        if (frame.open === '{') frame.atEntryStart = true;
        if (frame.entry) frame.entry = undefined;
      } else topAtLineStart = true;
      continue;
    }

    // A `resource` declaration: at the top level or as an entry of a resource body (a nested child).
    const declarationPlace = frame ? frame.open === '{' && frame.atEntryStart && frame.resource !== undefined : topAtLineStart;
    if (declarationPlace && token.kind === 'ident' && token.value === 'resource') {
      const symbol = tokens[t + 1];
      const type = tokens[t + 2];
      if (symbol?.kind === 'ident' && type?.kind === 'string' && type.value !== undefined) {
        const existing = tokens[t + 3]?.kind === 'ident' && tokens[t + 3]!.value === 'existing';
        pending = { symbol: symbol.value!, typeText: type.value, declStart: token.start, declEnd: type.end, existing, budget: 64 };
        t += 2;
        if (frame) frame.atEntryStart = false;
        else topAtLineStart = false;
        continue;
      }
    }
    if (!frame) topAtLineStart = false;

    if (token.kind === 'punct' && (token.value === '{' || token.value === '[' || token.value === '(')) {
      const bracket = token.value;
      let owner: BicepEntry | undefined;
      if (frame?.entry && frame.valueTokens === 0 && bracket === '{') owner = frame.entry;
      if (frame) {
        frame.valueTokens++;
        frame.atEntryStart = false;
      }
      let object: BicepObject | undefined;
      let resource: BicepResource | undefined;
      if (bracket === '{') {
        object = { start: token.start, end: text.length, entries: new Map(), spread: false };
        if (owner) owner.object = object;
        if (pending) {
          const parent = enclosingResource();
          resource = { symbol: pending.symbol, type: absoluteType(pending.typeText, parent), declStart: pending.declStart, declEnd: pending.declEnd, existing: pending.existing, body: object };
          resources.push(resource);
          pending = undefined;
        }
      }
      open[bracket]++;
      stack.push({ open: bracket, ...(object ? { object } : {}), ...(owner ? { owner } : {}), ...(resource ? { resource } : {}), atEntryStart: bracket === '{', valueTokens: 0 });
      continue;
    }

    if (pending && --pending.budget <= 0) pending = undefined;

    if (token.kind === 'punct' && token.value! in CLOSERS) {
      // Close the innermost frame this bracket matches; unmatched closers are dropped.
      const want = CLOSERS[token.value!]!;
      if (open[want] === 0) continue;
      let index = stack.length - 1;
      while (index >= 0 && stack[index]!.open !== want) index--;
      if (index < 0) continue;
      while (stack.length > index) {
        const closed = stack.pop()!;
        open[closed.open]--;
        closeEntry(closed, token.start);
        if (closed.object) closed.object.end = token.end;
      }
      const outer = stack[stack.length - 1];
      if (outer) closeEntry(outer, token.end);
      continue;
    }

    if (!frame) continue;
    if (frame.open === '{' && frame.atEntryStart && token.kind === 'punct' && token.value === '.' && tokens[t + 1]?.value === '.' && tokens[t + 2]?.value === '.') {
      frame.object!.spread = true;
    }
    if (frame.open === '{' && frame.atEntryStart && (token.kind === 'ident' || (token.kind === 'string' && token.value !== undefined))) {
      const colon = tokens[t + 1];
      if (colon?.kind === 'punct' && colon.value === ':') {
        const next = tokens[t + 2];
        const entry: BicepEntry = { key: token.value!, keyStart: token.start, keyEnd: token.end, valueStart: next?.start ?? colon.end, valueEnd: colon.end };
        // The first key wins, as a duplicate is a compile error anyway.
        if (!frame.object!.entries.has(entry.key)) frame.object!.entries.set(entry.key, entry);
        frame.entry = entry;
        frame.valueTokens = 0;
        frame.atEntryStart = false;
        t++;
        continue;
      }
    }
    frame.atEntryStart = token.kind === 'punct' && token.value === ',' && frame.open === '{';
    if (frame.atEntryStart) {
      frame.entry = undefined;
      continue;
    }
    if (frame.entry) {
      frame.valueTokens++;
      if (frame.valueTokens === 1 && token.kind === 'number') frame.entry.number = Number(token.value);
      else frame.entry.number = undefined;
      closeEntry(frame, token.end);
    }
  }
  return resources;
}

/** `secrets@2023-07-01` inside a vault becomes `Microsoft.KeyVault/vaults/secrets`; absolute types lose their API version. */
function absoluteType(typeText: string, parent: BicepResource | undefined): string {
  const at = typeText.indexOf('@');
  const type = at === -1 ? typeText : typeText.slice(0, at);
  if (type.includes('/') || !parent) return type;
  return `${parent.type}/${type}`;
}
