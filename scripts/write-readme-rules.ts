/**
 * `npm run readme:rules`: rewrites the rules table in README.md from the registry (id, category,
 * default severity, quick fix, the summary sentence of its docs page), between the two markers.
 * A test keeps the README in step with the registry.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../rules';
import type { Rule } from '../server/src/engine/types';

export const BEGIN = '<!-- rules-table:begin (npm run readme:rules) -->';
export const END = '<!-- rules-table:end -->';
export const README = join(__dirname, '..', 'README.md');

/** The first sentence of a summary, with pipes escaped for a Markdown table. */
function firstSentence(summary: string): string {
  const end = summary.search(/\.(\s|$)/);
  return (end === -1 ? summary : summary.slice(0, end + 1)).replace(/\|/g, '\\|');
}

export function rulesTable(rules: readonly Rule[]): string {
  const rows = [...rules]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((rule) => `| [\`${rule.id}\`](rules/${rule.id}/docs.md) | ${rule.category} | ${rule.defaultSeverity} | ${rule.fix ? 'yes' : ''} | ${firstSentence(rule.docs.summary)} |`);
  return [BEGIN, '', `${rules.length} rules.`, '', '| rule | category | default | quick fix | finds |', '|---|---|---|---|---|', ...rows, '', END].join('\n');
}

export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md has no ${BEGIN} ... ${END} markers`);
  return readme.slice(0, start) + rulesTable(rules) + readme.slice(end + END.length);
}

if (require.main === module) writeFileSync(README, withRulesTable(readFileSync(README, 'utf8'), allRules));
