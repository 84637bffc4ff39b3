import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclAttributes, hclBlocks, hclHeaderSpan, type HclBlock } from '../lib/hcl';
import { attributeLine, insertAtBodyEnd, insertLinesAfter } from '../lib/hcl-edit';
import docs from './docs.md';

const TOKEN_RESOURCES = new Set(['databricks_token', 'databricks_obo_token']);
const DAY = 86400;

type Problem = 'no-lifetime' | 'lifetime';

/**
 * A constant number of seconds as written: a literal (`7776000`) or a product or sum of literals
 * (`60 * 60 * 24 * 90`, `(86400 * 30)`); undefined for anything that reads a variable.
 */
function constantSeconds(node: SyntaxNode | null, depth = 0): number | undefined {
  if (!node || depth > 16) return undefined;
  switch (node.type) {
    case 'expression':
    case 'operation':
      return node.namedChildCount === 1 ? constantSeconds(node.namedChild(0), depth + 1) : undefined;
    case 'literal_value': {
      const inner = node.namedChild(0);
      return inner?.type === 'numeric_lit' ? Number(inner.text) : undefined;
    }
    case 'binary_operation': {
      const left = constantSeconds(node.namedChild(0), depth + 1);
      const right = constantSeconds(node.namedChild(1), depth + 1);
      const operator = node.child(1)?.text;
      if (left === undefined || right === undefined) return undefined;
      if (operator === '*') return left * right;
      if (operator === '+') return left + right;
      return undefined;
    }
    default:
      return undefined;
  }
}

export default defineRule({
  id: 'tf-databricks-token-lifetime',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['databricks_token', 'databricks_obo_token'],
  pattern: /resource[ \t]+"?databricks_(?:obo_)?token\b/,
  syntax: 'code',
  options: {
    maxLifetimeDays: {
      type: 'number',
      default: 90,
      description: 'Longest acceptable personal access token lifetime in days (Databricks recommends lifetimes under 90 days); the quick fix sets lifetime_seconds to this value.',
    },
  },
  docs,
  check({ document, options, report }) {
    const maxDays = Number(options.maxLifetimeDays);
    for (const block of hclBlocks(document.tree('hcl'))) {
      if (block.type !== 'resource' || !TOKEN_RESOURCES.has(block.labels[0] ?? '')) continue;
      const name = `${block.labels[0]}.${block.labels[1] ?? ''}`;
      const who = block.labels[0] === 'databricks_obo_token' ? 'on behalf of the service principal' : 'for the identity Terraform runs as';
      const lifetime = hclAttribute(block.body, 'lifetime_seconds');
      if (!lifetime) {
        report({
          span: hclHeaderSpan(block),
          message: `${name} has no lifetime_seconds, so the personal access token it creates ${who} never expires (unless the workspace caps token lifetimes); set lifetime_seconds to at most ${maxDays} days, or use OAuth machine-to-machine tokens instead.`,
          construct: `${name}:no-lifetime`,
          data: { problem: 'no-lifetime' },
          fixable: fixFor(document.text, block, 'no-lifetime', maxDays) !== undefined,
        });
        continue;
      }
      const seconds = constantSeconds(lifetime.value);
      if (seconds !== undefined && seconds > maxDays * DAY) {
        report({
          span: [lifetime.node.startIndex, lifetime.node.endIndex],
          message: `${name} creates a personal access token that lives ${Math.round(seconds / DAY)} days (lifetime_seconds = ${seconds}), over the ${maxDays}-day limit; a leaked token stays usable that long.`,
          construct: `${name}:lifetime`,
          data: { problem: 'lifetime' },
          fixable: fixFor(document.text, block, 'lifetime', maxDays) !== undefined,
        });
      }
    }
  },
  fix({ document, finding, options }) {
    const block = hclBlocks(document.tree('hcl')).find(
      (candidate) =>
        candidate.type === 'resource' && TOKEN_RESOURCES.has(candidate.labels[0] ?? '') && candidate.node.startIndex <= finding.span[0] && finding.span[1] <= candidate.node.endIndex,
    );
    const fix = block ? fixFor(document.text, block, finding.data?.problem as Problem, Number(options.maxLifetimeDays)) : undefined;
    return fix ? [{ title: fix.title, edits: [fix.edit] }] : [];
  },
});

/** Sets the lifetime to the limit: rewrites an over-long value, or adds lifetime_seconds after `comment` (else the last attribute). */
function fixFor(text: string, block: HclBlock, problem: Problem, maxDays: number): { title: string; edit: TextEdit } | undefined {
  const seconds = String(maxDays * DAY);
  const title = `Set lifetime_seconds = ${seconds} (${maxDays} days)`;
  if (problem === 'lifetime') {
    const attribute = hclAttribute(block.body, 'lifetime_seconds');
    if (!attribute || constantSeconds(attribute.value) === undefined) return undefined;
    return { title, edit: { span: [attribute.value.startIndex, attribute.value.endIndex], newText: seconds } };
  }
  const anchor = hclAttribute(block.body, 'comment')?.node ?? hclAttributes(block.body).at(-1)?.node;
  const edit = anchor
    ? insertLinesAfter(text, anchor, [attributeLine(text, anchor, '', 'lifetime_seconds', seconds)])
    : insertAtBodyEnd(text, block.node, [`lifetime_seconds = ${seconds}`]);
  return edit ? { title, edit } : undefined;
}
