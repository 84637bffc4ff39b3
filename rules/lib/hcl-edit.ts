import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';

/**
 * Minimal text edits on HCL that keep the file's formatting: whole-line removals and insertions
 * that copy the indentation (and `=` alignment) of the attribute next to them. Each returns
 * undefined where the layout is unusual (several attributes on one line, a one-line block), so a
 * rule offers no fix rather than a messy one.
 */

export const lineEnding = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the line break ending the line that holds `offset` (or the text's end). */
function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** The whitespace a line starts with. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/**
 * The whole lines a node occupies when it is alone on them (a trailing `#` or `//` comment goes
 * with it); undefined when other code shares its first or last line.
 */
export function wholeLines(text: string, node: SyntaxNode): [number, number] | undefined {
  const start = lineStartOf(text, node.startIndex);
  if (text.slice(start, node.startIndex).trim() !== '') return undefined;
  const end = nextLineStart(text, Math.max(node.startIndex, node.endIndex - 1));
  const rest = text.slice(node.endIndex, end).trim();
  if (rest !== '' && !rest.startsWith('#') && !rest.startsWith('//')) return undefined;
  return [start, end];
}

/** Removes an attribute's lines. */
export function removeAttribute(text: string, attribute: SyntaxNode): TextEdit | undefined {
  const span = wholeLines(text, attribute);
  return span ? { span, newText: '' } : undefined;
}

/**
 * `key = value` written like `neighbor`'s line: same indentation, and `=` in the same column when
 * the key fits (as `terraform fmt` aligns a group of attributes).
 */
export function attributeLine(text: string, neighbor: SyntaxNode | undefined, fallbackIndent: string, key: string, value: string): string {
  if (!neighbor) return `${fallbackIndent}${key} = ${value}`;
  const indent = indentAt(text, neighbor.startIndex);
  const lineStart = lineStartOf(text, neighbor.startIndex);
  const equals = text.indexOf('=', neighbor.startIndex);
  const keyWidth = equals === -1 ? 0 : equals - lineStart - indent.length;
  const padded = key.length < keyWidth ? key + ' '.repeat(keyWidth - key.length) : `${key} `;
  return `${indent}${padded}= ${value}`;
}

/** Inserts `lines` (already indented, without line breaks at the end) after `node`'s last line. */
export function insertLinesAfter(text: string, node: SyntaxNode, lines: readonly string[]): TextEdit | undefined {
  const span = wholeLines(text, node);
  if (!span) return undefined;
  const eol = lineEnding(text);
  const atEnd = span[1] === text.length && !text.endsWith('\n');
  const newText = (atEnd ? eol : '') + lines.map((line) => line + eol).join('');
  return { span: [span[1], span[1]], newText: atEnd ? newText.slice(0, -eol.length) : newText };
}

/**
 * Inserts `lines` at the end of a multi-line block's body, before the line of its closing `}`.
 * Lines are given without indentation; they get the body's (its first attribute's, or the
 * block's plus two spaces).
 */
export function insertAtBodyEnd(text: string, block: SyntaxNode, lines: readonly string[]): TextEdit | undefined {
  const close = block.namedChildren.find((child) => child?.type === 'block_end');
  if (!close) return undefined;
  const closeLine = lineStartOf(text, close.startIndex);
  if (text.slice(closeLine, close.startIndex).trim() !== '' || closeLine <= block.startIndex) return undefined;
  const body = block.namedChildren.find((child) => child?.type === 'body');
  const first = body?.namedChildren.find((child) => child !== null);
  const indent = first ? indentAt(text, first.startIndex) : `${indentAt(text, block.startIndex)}  `;
  const eol = lineEnding(text);
  return { span: [closeLine, closeLine], newText: lines.map((line) => indent + line + eol).join('') };
}
