/**
 * A small, linear scanner for `run:` scripts: it splits a script into pipelines and commands,
 * skipping comments, heredoc bodies and `$( … )` substitutions, and keeps each command's offset so
 * findings point at the command. It is not a shell parser; it only needs to find commands such as
 * `echo …`, `set -x` and `printenv` and where their output goes.
 */

export interface Command {
  /** Offset of the command's first character in the script. */
  readonly start: number;
  readonly text: string;
}

export type Pipeline = readonly Command[];

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r';

/** Pipelines of a script, in order. */
export function pipelines(script: string): Pipeline[] {
  const result: Pipeline[] = [];
  let commands: Command[] = [];
  let start = -1;
  let heredocs: string[] = [];
  const endCommand = (end: number) => {
    if (start !== -1) {
      const text = script.slice(start, end).trimEnd();
      if (text.length > 0) commands.push({ start, text });
    }
    start = -1;
  };
  const endPipeline = (end: number) => {
    endCommand(end);
    if (commands.length > 0) result.push(commands);
    commands = [];
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === '\n') {
      endPipeline(i);
      i++;
      // Heredoc bodies are data, not commands: skip to each delimiter line.
      for (const delimiter of heredocs) {
        while (i < script.length) {
          const eol = script.indexOf('\n', i);
          const line = script.slice(i, eol === -1 ? script.length : eol).trim();
          i = eol === -1 ? script.length : eol + 1;
          if (line === delimiter) break;
        }
      }
      heredocs = [];
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#' && start === -1) {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? script.length : eol;
      continue;
    }
    if (c === '#' && isSpace(script[i - 1] ?? ' ')) {
      endCommand(i);
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? script.length : eol;
      continue;
    }
    if (c === ';' || (c === '&' && script[i + 1] === '&') || (c === '|' && script[i + 1] === '|')) {
      endPipeline(i);
      i += c === ';' ? 1 : 2;
      continue;
    }
    if (c === '&' && script[i - 1] !== '>' && script[i + 1] !== '>') {
      endPipeline(i);
      i++;
      continue;
    }
    if (c === '|') {
      endCommand(i);
      i++;
      continue;
    }
    if (start === -1) start = i;
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      i = close === -1 ? script.length : close + 1;
    } else if (c === '"') {
      i = skipDouble(script, i + 1);
    } else if (c === '$' && script[i + 1] === '{' && script[i + 2] === '{') {
      const close = script.indexOf('}}', i + 3);
      i = close === -1 ? script.length : close + 2;
    } else if (c === '$' && script[i + 1] === '(') {
      i = skipParens(script, i + 2);
    } else if (c === '`') {
      const close = script.indexOf('`', i + 1);
      i = close === -1 ? script.length : close + 1;
    } else if (c === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      const { delimiter, end } = heredocDelimiter(script, i + 2);
      if (delimiter) heredocs.push(delimiter);
      i = end;
    } else {
      i++;
    }
  }
  endPipeline(script.length);
  return result;
}

function skipDouble(script: string, from: number): number {
  let i = from;
  while (i < script.length) {
    const c = script[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '$' && script[i + 1] === '{' && script[i + 2] === '{') {
      const close = script.indexOf('}}', i + 3);
      i = close === -1 ? script.length : close + 2;
    } else if (c === '$' && script[i + 1] === '(') i = skipParens(script, i + 2);
    else i++;
  }
  return i;
}

function skipParens(script: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < script.length && depth > 0) {
    const c = script[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === "'") {
      const close = script.indexOf("'", i + 1);
      i = close === -1 ? script.length - 1 : close;
    }
    i++;
  }
  return i;
}

function heredocDelimiter(script: string, from: number): { delimiter: string; end: number } {
  let i = from;
  if (script[i] === '-') i++;
  while (isSpace(script[i] ?? '')) i++;
  let delimiter = '';
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'" || c === '"' || c === '\\') {
      i++;
      continue;
    }
    if (!/[A-Za-z0-9_.-]/.test(c)) break;
    delimiter += c;
    i++;
  }
  return { delimiter, end: i };
}

/** Whitespace-separated words of a command, quotes left in place (enough to name the command and its flags). */
export function words(command: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote = '';
  for (const c of command) {
    if (quote) {
      current += c;
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** The command's name, after `VAR=value` prefixes and `sudo`. */
export function commandName(command: string): { name: string; args: string[] } {
  const all = words(command);
  let at = 0;
  while (at < all.length && (/^[A-Za-z_][A-Za-z0-9_]{0,128}=/.test(all[at]!) || all[at] === 'sudo')) at++;
  return { name: unquote(all[at] ?? ''), args: all.slice(at + 1) };
}

/** A word without the quotes around it. */
export function unquote(word: string): string {
  const first = word[0];
  return (first === '"' || first === "'") && word.length > 1 && word.endsWith(first) ? word.slice(1, -1) : word;
}

/** Targets of `>` / `>>` redirections outside quotes (`>&2` gives `&2`). */
export function redirectTargets(command: string): string[] {
  const targets: string[] = [];
  let quote = '';
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c !== '>') continue;
    let j = i + 1;
    if (command[j] === '>') j++;
    while (command[j] === ' ' || command[j] === '\t') j++;
    let end = j;
    while (end < command.length && command[end] !== ' ' && command[end] !== '\t' && command[end] !== '>') end++;
    targets.push(command.slice(j, end));
    i = end - 1;
  }
  return targets;
}

/** `$NAME` and `${NAME}` references outside single quotes. */
export function shellVariables(command: string): string[] {
  const names: string[] = [];
  let single = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") single = !single;
    if (single || c !== '$') continue;
    let j = i + 1;
    if (command[j] === '{') j++;
    let end = j;
    while (end < command.length && /[A-Za-z0-9_]/.test(command[end]!)) end++;
    if (end > j && /[A-Za-z_]/.test(command[j]!)) names.push(command.slice(j, end));
  }
  return names;
}
