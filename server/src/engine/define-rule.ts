import type { Rule, RuleDocs } from './types';

/** A rule as written in `rules/<id>/index.ts`: docs come as the markdown of its `docs.md`. */
export type RuleDefinition = Omit<Rule, 'docs'> & { readonly docs: string };

/** Identity-with-parsing helper, so each rule module stays a plain object literal. */
export function defineRule(definition: RuleDefinition): Rule {
  return { ...definition, docs: parseRuleDocs(definition.id, definition.docs) };
}

/**
 * Splits a rule page into the parts hover and SARIF need. The page layout is fixed (a test checks
 * every page): a title, a one-paragraph summary, then `## Why it matters`, `## How to fix`,
 * `## References`.
 */
export function parseRuleDocs(id: string, markdown: string): RuleDocs {
  const sections = new Map<string, string>();
  let current = '';
  const lines: string[] = [];
  const flush = () => {
    sections.set(current, lines.join('\n').trim());
    lines.length = 0;
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^##\s/.test(line)) {
      flush();
      current = line.slice(3).trim().toLowerCase();
    } else if (!line.startsWith('# ')) {
      lines.push(line);
    }
  }
  flush();
  const summary = (sections.get('') ?? '').split(/\n\s*\n/)[0]!.split('\n').map((line) => line.trim()).join(' ').trim();
  const references = (sections.get('references') ?? '')
    .split('\n')
    .map((line) => line.replace(/^[-*]\s+/, '').trim())
    .filter(Boolean);
  if (!summary) throw new Error(`rules/${id}/docs.md has no summary paragraph`);
  return {
    summary,
    why: sections.get('why it matters') ?? '',
    howToFix: sections.get('how to fix') ?? '',
    references,
    markdown,
  };
}
