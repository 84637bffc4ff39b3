import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { mapEntries, nodeSpan, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
import { workflowSteps } from './github-actions';

/**
 * Shell scripts as the rules of this group see them: the text of a shell file, or the script
 * bodies of CI YAML (GitHub Actions `run:`, GitLab `script:`, CircleCI `run:`), each with the
 * offset it starts at in the file, so findings point at the exact characters.
 */
export interface ScriptPiece {
  readonly start: number;
  readonly end: number;
  /** A YAML quoted scalar: edits inside it must not touch quotes or escapes. */
  readonly quoted: boolean;
}

/** Pieces run by one shell, in order (a GitLab job's `before_script` and `script` lines). */
export type ScriptSession = readonly ScriptPiece[];

export type ScriptKind = 'shell' | 'github-actions' | 'gitlab-ci' | 'circleci' | 'dockerfile';

export function scriptSessions(document: ParsedDocument, kinds: readonly ScriptKind[]): ScriptSession[] {
  const text = document.text;
  if ((kinds.includes('shell') && document.hasKind('shell')) || (kinds.includes('dockerfile') && document.hasKind('dockerfile'))) {
    return [[{ start: 0, end: text.length, quoted: false }]];
  }
  const sessions: ScriptSession[] = [];
  const piece = (node: unknown): ScriptPiece | undefined => scalarPiece(text, node);
  if (kinds.includes('github-actions') && document.hasKind('github-actions')) {
    for (const step of workflowSteps(document)) {
      const run = piece(valueOf(step.step, 'run'));
      if (run) sessions.push([run]);
    }
    // Composite actions (`action.yml`): `runs.steps[].run`.
    for (const yaml of document.yaml()) {
      for (const step of seqItems(valueOf(valueOf(yaml.contents, 'runs'), 'steps'))) {
        const run = piece(valueOf(step, 'run'));
        if (run) sessions.push([run]);
      }
    }
  }
  if (kinds.includes('gitlab-ci') && document.hasKind('gitlab-ci')) {
    for (const yaml of document.yaml()) {
      const top = yaml.contents;
      for (const key of ['before_script', 'after_script']) {
        const pieces = scriptLines(text, valueOf(top, key));
        if (pieces.length > 0) sessions.push(pieces);
      }
      for (const { key, pair } of mapEntries(top)) {
        if (!isMap(pair.value)) continue;
        const job = pair.value;
        // Jobs, hidden `.template` jobs and `default:`; not the pipeline's other settings.
        if (key === 'variables' || key === 'workflow' || key === 'include') continue;
        const main = [...scriptLines(text, valueOf(job, 'before_script')), ...scriptLines(text, valueOf(job, 'script'))];
        if (main.length > 0) sessions.push(main);
        const after = scriptLines(text, valueOf(job, 'after_script'));
        if (after.length > 0) sessions.push(after);
      }
    }
  }
  if (kinds.includes('circleci') && document.hasKind('circleci')) {
    for (const yaml of document.yaml()) collectCircleRuns(text, yaml.contents, sessions, 0);
  }
  return sessions;
}

/** GitLab `script:` is a string or a list of strings (nested lists from `!reference` are flattened). */
function scriptLines(text: string, node: unknown, depth = 0): ScriptPiece[] {
  if (isScalar(node)) {
    const one = scalarPiece(text, node);
    return one ? [one] : [];
  }
  if (!isSeq(node) || depth > 4) return [];
  return node.items.flatMap((item) => scriptLines(text, item, depth + 1));
}

/** CircleCI `run: <command>` and `run: { command: ... }` anywhere in jobs and reusable commands. */
function collectCircleRuns(text: string, node: unknown, sessions: ScriptSession[], depth: number): void {
  if (depth > 12) return;
  if (isSeq(node)) {
    for (const item of node.items) collectCircleRuns(text, item, sessions, depth + 1);
    return;
  }
  if (!isMap(node)) return;
  for (const { key, pair } of mapEntries(node)) {
    if (key === 'run') {
      const run = pair.value;
      const one = isMap(run) ? scalarPiece(text, valueOf(run, 'command')) : scalarPiece(text, run);
      if (one) sessions.push([one]);
      continue;
    }
    collectCircleRuns(text, pair.value, sessions, depth + 1);
  }
}

/** The script text of a scalar node: a block scalar without its `|` header line, a quoted one without its quotes. */
function scalarPiece(text: string, node: unknown): ScriptPiece | undefined {
  if (!isScalar(node)) return undefined;
  const span = nodeSpan(node);
  if (!span) return undefined;
  let [start, end] = span;
  const type = node.type;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const newline = text.indexOf('\n', start);
    if (newline === -1 || newline >= end) return undefined;
    start = newline + 1;
  } else if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') {
    start += 1;
    end -= 1;
  }
  return end > start ? { start, end, quoted: type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' } : undefined;
}

/** One word of a command: its source span and its text with quotes removed. */
export interface Word {
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/** A simple command and the operator that joins it to the previous one (`\n`, `;`, `&&`, `||`, `|`, `&`, `(`, `)`). */
export interface Command {
  readonly words: Word[];
  readonly start: number;
  readonly end: number;
  readonly before: string;
  readonly piece: ScriptPiece;
}

const MAX_WORDS = 200;

/**
 * Splits a piece of shell into simple commands, linearly: quotes, `$( )`, `${ }` and backticks
 * stay inside their word, `\` + newline continues a line, `#` comments are skipped.
 */
export function commands(text: string, piece: ScriptPiece, depth = 0): Command[] {
  const out: Command[] = [];
  /** `$( … )` bodies, read as scripts of their own after this one. */
  const nested: Array<[number, number]> = [];
  let words: Word[] = [];
  let before = '\n';
  const flush = (operator: string) => {
    if (words.length > 0) {
      out.push({ words, start: words[0]!.start, end: words[words.length - 1]!.end, before, piece });
      words = [];
      before = operator;
      return;
    }
    // A blank line, or a line break after `||`, keeps the pending operator.
    if (operator === '\n') return;
    before = operator === '(' && before === '||' ? '||(' : operator;
  };
  let i = piece.start;
  const end = piece.end;
  while (i < end) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      flush('\n');
      i++;
      continue;
    }
    if (c === '#') {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' || c === '(' || c === ')') {
      flush(c);
      i++;
      continue;
    }
    if (c === '&' || c === '|') {
      if (text[i + 1] === c) {
        flush(c + c);
        i += 2;
      } else if (c === '|' || text[i + 1] !== '>') {
        flush(c);
        i++;
      } else {
        // `&>` redirection: part of the command.
        i += 2;
      }
      continue;
    }
    // A word. Plain characters are taken as slices of the text (`run` marks where the current one
    // began), not appended one by one: a character at a time allocates a string per character.
    const start = i;
    let value = '';
    let run = i;
    while (i < end) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '|' || ch === '(' || ch === ')') break;
      if (ch === '&' && text[i + 1] !== '>' && text[i - 1] !== '>' && text[i - 1] !== '<') break;
      if (ch === '\\') {
        if (text[i + 1] === '\n') break;
        value += text.slice(run, i) + (text[i + 1] ?? '');
        i += 2;
        run = Math.min(i, end);
        continue;
      }
      if (ch === "'" || ch === '"') {
        const close = text.indexOf(ch, i + 1);
        const stop = close === -1 || close >= end ? end : close;
        value += text.slice(run, i) + text.slice(i + 1, stop);
        i = stop + 1;
        run = Math.min(i, end);
        continue;
      }
      if (ch === '`' || (ch === '$' && (text[i + 1] === '(' || text[i + 1] === '{'))) {
        const stop = closing(text, ch === '`' ? i : i + 1, end);
        if (ch === '$' && text[i + 1] === '(' && text[i + 2] !== '(' && depth < 3) nested.push([i + 2, stop - 1]);
        i = stop;
        continue;
      }
      i++;
    }
    value += text.slice(run, Math.min(i, end));
    if (words.length < MAX_WORDS) words.push({ start, end: Math.min(i, end), value });
  }
  flush('\n');
  for (const [start, stop] of nested) {
    if (stop > start) out.push(...commands(text, { start, end: stop, quoted: piece.quoted }, depth + 1));
  }
  return out;
}

/** The offset just past the bracket or backtick that closes the one at `open`. */
function closing(text: string, open: number, end: number): number {
  const opener = text[open]!;
  if (opener === '`') {
    const close = text.indexOf('`', open + 1);
    return close === -1 || close >= end ? end : close + 1;
  }
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < end; i++) {
    const ch = text[i];
    if (ch === opener) depth++;
    else if (ch === closer && --depth === 0) return i + 1;
    else if (ch === '\n' && opener === '{') return i;
  }
  return end;
}

/** Prefixes that do not change which program runs. */
const PREFIXES = new Set(['!', 'sudo', 'command', 'exec', 'time', 'env', 'nohup', 'then', 'else', 'do', 'if', 'elif', 'while', 'until', '{']);

/** The words from the program name on: without `if`, `!`, `sudo`, `VAR=value` prefixes; the program without its directory. */
export function programWords(command: Command): string[] {
  const words = command.words;
  let i = 0;
  // A Dockerfile `RUN` instruction and its flags (`RUN --mount=type=cache,target=/root/.cache`).
  if (words[0]?.value === 'RUN') {
    i = 1;
    while (i < words.length && words[i]!.value.startsWith('--')) i++;
  }
  while (i < words.length && (PREFIXES.has(words[i]!.value) || isAssignment(words[i]!.value))) i++;
  const rest = words.slice(i).map((word) => word.value);
  // Makefile recipe prefixes (`@openssl …`, `-docker login …`), then the program without its directory.
  if (rest.length > 0) {
    const program = stripRecipePrefix(rest[0]!);
    rest[0] = program.slice(program.lastIndexOf('/') + 1);
  }
  return rest;
}

function stripRecipePrefix(word: string): string {
  let i = 0;
  while (i < word.length && i < 3 && (word[i] === '@' || word[i] === '-' || word[i] === '+')) i++;
  return word.slice(i);
}

export function isAssignment(word: string): boolean {
  const eq = word.indexOf('=');
  if (eq <= 0) return false;
  for (let i = 0; i < eq; i++) {
    const code = word.charCodeAt(i);
    const ok = code === 95 || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (i > 0 && code >= 48 && code <= 57);
    if (!ok) return false;
  }
  return true;
}

/** The word after `option` (`-days 3650`) or glued to it with `=` (`--duration=48h`), with its span. */
export function optionValue(command: Command, option: string): { value: string; start: number; end: number } | undefined {
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.value === option && i + 1 < words.length) return words[i + 1]!;
    if (word.value.startsWith(`${option}=`)) {
      const raw = word.end - word.start === word.value.length;
      const start = raw ? word.start + option.length + 1 : word.start;
      return { value: word.value.slice(option.length + 1), start, end: word.end };
    }
  }
  return undefined;
}

export function hasWord(command: Command, ...values: string[]): boolean {
  return command.words.some((word) => values.includes(word.value) || values.some((value) => word.value.startsWith(`${value}=`)));
}
