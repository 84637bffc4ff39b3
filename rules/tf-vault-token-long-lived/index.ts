import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclAttributes, hclBlocks, hclHeaderSpan, hclLiteral, hclStringSpan, type HclBlock } from '../lib/hcl';
import { attributeLine, insertAtBodyEnd, insertLinesAfter } from '../lib/hcl-edit';
import { parseGoDuration } from '../lib/go-duration';
import { terraformName, vaultGithubJwtRole } from '../lib/trust-templates';
import docs from './docs.md';

type Problem = 'periodic' | 'no-ttl' | 'renewable' | 'ttl' | 'explicit_max_ttl';

/** A literal duration (`"768h"`, `3600`) in seconds, and where its text is. */
function durationOf(value: SyntaxNode): { seconds: number; start: number; end: number; quoted: boolean } | undefined {
  const quoted = hclStringSpan(value);
  if (quoted) {
    const seconds = parseGoDuration(quoted.value);
    return seconds === undefined ? undefined : { seconds, start: quoted.start, end: quoted.end, quoted: true };
  }
  const literal = hclLiteral(value);
  if (typeof literal !== 'number') return undefined;
  const inner = value.type === 'expression' ? value.namedChild(0)! : value;
  return { seconds: literal, start: inner.startIndex, end: inner.endIndex, quoted: false };
}

export default defineRule({
  id: 'tf-vault-token-long-lived',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['vault_token'],
  pattern: /resource[ \t]+"?vault_token\b/,
  syntax: 'code',
  options: {
    maxTtlHours: {
      type: 'number',
      default: 24,
      description: 'Longest acceptable token lifetime (ttl or explicit_max_ttl) in hours; the quick fix caps tokens at this value.',
    },
  },
  docs,
  check({ document, options, report }) {
    const limit = Number(options.maxTtlHours) * 3600;
    for (const block of hclBlocks(document.tree('hcl'))) {
      if (block.type !== 'resource' || block.labels[0] !== 'vault_token') continue;
      const name = `vault_token.${block.labels[1] ?? ''}`;
      const ttl = hclAttribute(block.body, 'ttl');
      const explicitMax = hclAttribute(block.body, 'explicit_max_ttl');
      const period = hclAttribute(block.body, 'period');
      const renewable = hclAttribute(block.body, 'renewable');
      const noParent = hclAttribute(block.body, 'no_parent');
      const orphan = noParent !== undefined && hclLiteral(noParent.value) === true;
      const orphanNote = orphan ? ' It is an orphan (no_parent = true), so revoking its creator does not revoke it.' : '';
      const cap = `explicit_max_ttl (at most ${Number(options.maxTtlHours)}h)`;
      const say = (node: SyntaxNode | [number, number], problem: Problem, message: string, severity?: 'error') =>
        report({
          span: Array.isArray(node) ? node : [node.startIndex, node.endIndex],
          message: message + orphanNote,
          construct: `${name}:${problem}`,
          data: { problem },
          ...(severity ? { severity } : {}),
        });

      if (explicitMax) {
        const max = durationOf(explicitMax.value);
        if (max && max.seconds > limit) {
          say(explicitMax.node, 'explicit_max_ttl', `${name} may be renewed for up to ${Math.round(max.seconds / 3600)} hours (explicit_max_ttl), over the ${Number(options.maxTtlHours)}-hour limit; a leaked token stays usable that long.`);
        }
        continue;
      }
      if (period) {
        say(period.node, 'periodic', `${name} is a periodic token without explicit_max_ttl: every renewal resets its TTL, so it can live forever; set ${cap}, or let the workload log in through an auth method for short tokens.`, 'error');
        continue;
      }
      if (!ttl) {
        say(hclHeaderSpan(block), 'no-ttl', `${name} sets neither ttl nor explicit_max_ttl, so it gets the mount's default TTL (768 hours, 32 days, unless tuned) and can be renewed up to the system maximum; set ${cap}.`);
        continue;
      }
      const lifetime = durationOf(ttl.value);
      if (lifetime && lifetime.seconds > limit) {
        say(ttl.node, 'ttl', `${name} lives ${Math.round(lifetime.seconds / 3600)} hours (ttl), over the ${Number(options.maxTtlHours)}-hour limit; a leaked token stays usable that long.`);
      }
      if (renewable && hclLiteral(renewable.value) === true) {
        say(renewable.node, 'renewable', `${name} is renewable without explicit_max_ttl: whoever holds it can keep renewing it up to the system maximum (32 days by default); set ${cap}.`);
      }
    }
  },
  fix({ document, finding, options }) {
    const block = hclBlocks(document.tree('hcl')).find(
      (candidate) => candidate.type === 'resource' && candidate.labels[0] === 'vault_token' && candidate.node.startIndex <= finding.span[0] && finding.span[1] <= candidate.node.endIndex,
    );
    if (!block) return [];
    const fix = fixFor(document.text, block, finding.data?.problem as Problem, Number(options.maxTtlHours));
    // A CI job need not hold a Vault token at all: a JWT role gives it one that ends with the job.
    const policies = hclAttribute(block.body, 'policies')?.value.text;
    const companion = vaultGithubJwtRole(terraformName(block.labels[1], 'token'), policies);
    return fix ? [{ title: fix.title, edits: [fix.edit] }, companion] : [companion];
  },
});

/** Caps the token: rewrites an over-long duration, or adds explicit_max_ttl after the attribute that left it unbounded. */
function fixFor(text: string, block: HclBlock, problem: Problem, maxHours: number): { title: string; edit: TextEdit } | undefined {
  const hours = `"${maxHours}h"`;
  if (problem === 'ttl' || problem === 'explicit_max_ttl') {
    const attribute = hclAttribute(block.body, problem);
    const value = attribute ? durationOf(attribute.value) : undefined;
    return value ? { title: `Set ${problem} = ${hours}`, edit: { span: [value.start, value.end], newText: value.quoted ? `${maxHours}h` : hours } } : undefined;
  }
  const anchor =
    problem === 'periodic' ? hclAttribute(block.body, 'period')?.node : problem === 'renewable' ? hclAttribute(block.body, 'renewable')?.node : hclAttributes(block.body).at(-1)?.node;
  const edit = anchor
    ? insertLinesAfter(text, anchor, [attributeLine(text, anchor, '', 'explicit_max_ttl', hours)])
    : insertAtBodyEnd(text, block.node, [`explicit_max_ttl = ${hours}`]);
  return edit ? { title: `Add explicit_max_ttl = ${hours}`, edit } : undefined;
}
