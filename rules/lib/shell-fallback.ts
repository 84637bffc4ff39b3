/**
 * The `||` branch of a shell command list, shared by the rules that read what a script does when
 * a command fails (a sign-in, a download): the fallback's commands, and what the quick fix removes.
 */
import { parseYaml } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix } from '../../server/src/engine/types';
import type { Command } from './shell-script';

/** The commands of the group or command starting at `i` (`{ …; }`, `( … )`, or one command), and where it ends. */
export function fallbackAt(list: readonly Command[], i: number): { commands: Command[]; group: boolean } {
  const first = list[i]!;
  if (first.words[0]?.value === '{') {
    let depth = 0;
    for (let j = i; j < list.length && j < i + 64; j++) {
      const head = list[j]!.words[0]?.value;
      if (head === '{') depth++;
      if (head === '}' && --depth === 0) return { commands: list.slice(i, j + 1), group: true };
    }
    return { commands: list.slice(i, i + 1), group: true };
  }
  if (first.before === '||(') {
    let j = i;
    while (j + 1 < list.length && j < i + 64 && list[j + 1]!.before !== ')') j++;
    return { commands: list.slice(i, j + 1), group: true };
  }
  // `|| echo "sign-in failed" && exit 1` fails closed too.
  const chain = [first];
  for (let j = i + 1; j < list.length && list[j]!.before === '&&'; j++) chain.push(list[j]!);
  return { commands: chain, group: false };
}

/**
 * The span to delete for the fix: from the end of the sign-in command to the end of a one-command
 * fallback on the same line, when nothing but the end of the command follows.
 */
export function removable(text: string, previous: Command, last: Command, group: boolean): [number, number] | undefined {
  if (group) return undefined;
  const removed = text.slice(previous.end, last.end);
  if (removed.includes('\n') || removed.includes('\\')) return undefined;
  if (previous.piece.quoted && (removed.includes('"') || removed.includes("'"))) return undefined;
  let i = last.end;
  while (i < last.piece.end && (text[i] === ' ' || text[i] === '\t')) i++;
  const next = i >= last.piece.end ? '' : text[i];
  if (next !== '' && next !== '\n' && next !== '\r' && next !== ';' && next !== '#') return undefined;
  return [previous.end, last.end];
}

export function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** The quick fix deleting a `removable` span (`title: remove \`|| …\``), when the script, and in CI YAML the file, stays whole. */
export function removalFix(document: ParsedDocument, remove: [number, number] | undefined, title: string): Fix[] {
  if (!remove) return [];
  const text = document.text;
  const removed = text.slice(remove[0], remove[1]);
  if (!removed.trimStart().startsWith('||')) return [];
  const after = text.slice(0, remove[0]) + text.slice(remove[1]);
  // Inside CI YAML, the edited script must still be the same YAML.
  if (document.hasKind('yaml') && parseYaml(after).some((yaml) => yaml.errors.length > 0)) return [];
  return [{ title: `${title}: remove \`${shorten(removed.trim())}\``, edits: [{ span: remove, newText: '' }], isPreferred: true }];
}
