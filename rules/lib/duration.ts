import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { jsStringValue } from './syntax';

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001, s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600, d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800, y: 31557600, yr: 31557600, year: 31557600, years: 31557600,
};

/**
 * Seconds in a duration written as the `ms` package reads it (`'15m'`, `'30 days'`, `'1.5h'`),
 * a Go/Terraform-style string (`'768h'`), or a plain number (seconds).
 */
export function parseDuration(value: string): number | undefined {
  const trimmed = value.trim();
  // Durations are short; a long string is not one (and must not cost a regex scan).
  if (trimmed.length > 64) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(trimmed);
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase();
  const factor = unit === '' ? 1 : UNIT_SECONDS[unit];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

/**
 * Seconds in a JS duration expression: a string for `ms`, a number literal, or a product of
 * number literals (`60 * 60 * 24 * 365`). Anything computed elsewhere is unknown.
 */
export function durationSeconds(node: SyntaxNode | null | undefined): number | undefined {
  if (!node) return undefined;
  const text = jsStringValue(node);
  if (text !== undefined) {
    // The `ms` package treats a bare numeric string as milliseconds.
    return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) / 1000 : parseDuration(text);
  }
  if (node.type === 'number') return Number(node.text.replace(/_/g, ''));
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '*') {
    const left = durationSeconds(node.childForFieldName('left'));
    const right = durationSeconds(node.childForFieldName('right'));
    return left !== undefined && right !== undefined ? left * right : undefined;
  }
  if (node.type === 'parenthesized_expression') return durationSeconds(node.namedChild(0));
  return undefined;
}
