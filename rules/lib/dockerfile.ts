/**
 * A line-based Dockerfile reader: instructions with their continuation lines joined (escape
 * character from the `# escape=` directive), comment lines inside a continuation dropped as
 * BuildKit does, and heredoc bodies (`RUN <<EOF … EOF`) kept inside their instruction so their
 * lines are not read as instructions. One pass over the lines; every logical offset maps back to
 * the file.
 */

export interface DockerInstruction {
  /** Upper-case keyword: `FROM`, `ARG`, `ENV`, `RUN`, ... */
  readonly keyword: string;
  /** Offset of the keyword in the file. */
  readonly start: number;
  /** Offset just past the instruction's last line (line break excluded). */
  readonly end: number;
  /** Offset of the first line break after the instruction (or the file's end). */
  readonly lineEnd: number;
  /** The instruction after its keyword, continuation lines joined, leading whitespace removed. */
  readonly args: string;
  /** Maps an index into `args` to an offset in the file. */
  offsetOf(argsIndex: number): number;
  /** Number of the stage (`FROM`) it belongs to; -1 before the first `FROM`. */
  readonly stage: number;
}

export interface DockerToken {
  /** The token as written, quotes included. */
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

const DIRECTIVE = /^#[ \t]*([a-z]+)[ \t]*=[ \t]*(\S+)[ \t]*$/i;
const HEREDOC = /<<(-?)["']?([A-Za-z_][\w]*)/g;

export function readDockerfile(text: string): DockerInstruction[] {
  const lines: Array<{ start: number; end: number }> = [];
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lines.push({ start, end: end > start && text[end - 1] === '\r' ? end - 1 : end });
    if (newline === -1) break;
    start = newline + 1;
  }

  let escape = '\\';
  let index = 0;
  // Parser directives come first, before any other line.
  for (; index < lines.length; index++) {
    const line = text.slice(lines[index]!.start, lines[index]!.end);
    const directive = DIRECTIVE.exec(line);
    if (!directive) break;
    if (directive[1]!.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2];
  }

  const instructions: DockerInstruction[] = [];
  let stage = -1;
  while (index < lines.length) {
    const first = lines[index]!;
    const line = text.slice(first.start, first.end);
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) {
      index++;
      continue;
    }
    // Logical text from segments of physical lines.
    const segments: Array<{ logical: number; physical: number }> = [];
    let logical = '';
    let last = first;
    const lead = line.length - trimmed.length;
    let segmentStart = first.start + lead;
    let segmentText = trimmed;
    for (;;) {
      const body = segmentText.trimEnd();
      const continues = body.endsWith(escape);
      segments.push({ logical: logical.length, physical: segmentStart });
      logical += continues ? body.slice(0, -1) : body;
      if (!continues) break;
      // Skip comment and empty lines inside the continuation.
      let next = index + 1;
      while (next < lines.length) {
        const candidate = text.slice(lines[next]!.start, lines[next]!.end).trim();
        if (candidate !== '' && !candidate.startsWith('#')) break;
        next++;
      }
      if (next >= lines.length) break;
      index = next;
      last = lines[index]!;
      segmentStart = last.start;
      segmentText = text.slice(last.start, last.end);
    }
    index++;

    // Heredocs: their bodies follow the instruction's last line.
    if (logical.includes('<<')) {
      for (const heredoc of logical.matchAll(HEREDOC)) {
        const stripTabs = heredoc[1] === '-';
        const word = heredoc[2]!;
        while (index < lines.length) {
          const bodyLine = text.slice(lines[index]!.start, lines[index]!.end);
          last = lines[index]!;
          index++;
          if ((stripTabs ? bodyLine.replace(/^\t+/, '') : bodyLine) === word) break;
        }
      }
    }

    const keywordMatch = /^[A-Za-z]+/.exec(logical);
    const keyword = keywordMatch ? keywordMatch[0].toUpperCase() : '';
    let argsStart = keyword.length;
    while (argsStart < logical.length && (logical[argsStart] === ' ' || logical[argsStart] === '\t')) argsStart++;
    if (keyword === 'FROM') stage++;
    const map = segments;
    const offsetOf = (argsIndex: number): number => {
      const at = argsIndex + argsStart;
      let segment = map[0]!;
      for (const candidate of map) {
        if (candidate.logical > at) break;
        segment = candidate;
      }
      return segment.physical + (at - segment.logical);
    };
    const newline = text.indexOf('\n', last.end);
    instructions.push({
      keyword,
      start: first.start + lead,
      end: last.end,
      lineEnd: newline === -1 ? text.length : newline,
      args: logical.slice(argsStart),
      offsetOf,
      stage,
    });
  }
  return instructions;
}

/** Whitespace-separated words of `args`, quotes grouping (`KEY="a b"` is one word). */
export function dockerTokens(args: string): Array<{ raw: string; start: number; end: number }> {
  const tokens: Array<{ raw: string; start: number; end: number }> = [];
  let i = 0;
  while (i < args.length) {
    while (i < args.length && (args[i] === ' ' || args[i] === '\t')) i++;
    if (i >= args.length) break;
    const start = i;
    let quote = '';
    while (i < args.length) {
      const ch = args[i]!;
      if (quote) {
        if (ch === '\\' && quote === '"') i++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else if (ch === '\\') {
        i++;
      } else if (ch === ' ' || ch === '\t') {
        break;
      }
      i++;
    }
    tokens.push({ raw: args.slice(start, Math.min(i, args.length)), start, end: Math.min(i, args.length) });
  }
  return tokens;
}

/** A value without its surrounding quotes. */
export function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) return value.slice(1, -1);
  return value;
}

/**
 * The `NAME[=value]` pairs an `ARG` or `ENV` declares, with offsets into `args`. `ENV NAME value`
 * (the legacy form, one pair, the rest of the line is the value) is read too.
 */
export function declaredVariables(instruction: DockerInstruction): Array<{ name: string; nameStart: number; value?: string; valueStart?: number; valueEnd?: number }> {
  const tokens = dockerTokens(instruction.args);
  const first = tokens[0];
  if (!first) return [];
  if (instruction.keyword === 'ENV' && !first.raw.includes('=') && tokens.length > 1) {
    const valueStart = tokens[1]!.start;
    const valueEnd = tokens[tokens.length - 1]!.end;
    return [{ name: first.raw, nameStart: first.start, value: unquote(instruction.args.slice(valueStart, valueEnd)), valueStart, valueEnd }];
  }
  return tokens.map((token) => {
    const equals = token.raw.indexOf('=');
    if (equals === -1) return { name: token.raw, nameStart: token.start };
    return {
      name: token.raw.slice(0, equals),
      nameStart: token.start,
      value: unquote(token.raw.slice(equals + 1)),
      valueStart: token.start + equals + 1,
      valueEnd: token.end,
    };
  });
}

/** Names a shell text expands: `$NAME`, `${NAME}`, `${NAME:-x}`. */
export function expandedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  return names;
}
