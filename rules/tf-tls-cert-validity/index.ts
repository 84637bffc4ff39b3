import { defineRule } from '../../server/src/engine/define-rule';
import { hclAttribute, hclBlocksWithAttribute, hclLiteral, hclLiteralNode } from '../lib/hcl';
import docs from './docs.md';

const CERT_RESOURCES = new Set(['tls_self_signed_cert', 'tls_locally_signed_cert']);

export default defineRule({
  id: 'tf-tls-cert-validity',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['validity_period_hours'],
  syntax: 'code',
  options: {
    warnHours: { type: 'number', default: 2160, description: 'Leaf lifetime above which to warn (90 days, the cert-manager default).' },
    errorHours: { type: 'number', default: 9552, description: 'Leaf lifetime above which it is an error (398 days, the CA/B Forum maximum for public TLS until 2026-03-15).' },
    caMaxHours: { type: 'number', default: 87600, description: 'Lifetime above which a CA certificate (is_ca_certificate = true) is flagged (10 years).' },
  },
  docs,
  check({ document, options, report }) {
    for (const block of hclBlocksWithAttribute(document.tree('hcl'), document.text, 'validity_period_hours')) {
      if (block.type !== 'resource' || !CERT_RESOURCES.has(block.labels[0] ?? '')) continue;
      const validity = hclAttribute(block.body, 'validity_period_hours');
      const hours = validity ? hclLiteral(validity.value) : undefined;
      if (!validity || typeof hours !== 'number') continue;
      const caFlag = hclAttribute(block.body, 'is_ca_certificate');
      const isCa = caFlag !== undefined && hclLiteral(caFlag.value) === true;
      const name = `${block.labels[0]}.${block.labels[1] ?? ''}`;
      const limit = isCa ? Number(options.caMaxHours) : Number(options.warnHours);
      if (hours <= limit) continue;
      const days = Math.round(hours / 24);
      report({
        span: [validity.node.startIndex, validity.node.endIndex],
        severity: !isCa && hours > Number(options.errorHours) ? 'error' : 'warning',
        message: `${name} is valid for ${hours} hours (${days} days), over the ${limit}-hour limit for ${isCa ? 'CA' : 'leaf'} certificates; a leaked key stays usable that long and renewal is rarely practised.`,
        construct: name,
        data: { valueStart: hclLiteralNode(validity.value).startIndex, limit },
        fixable: !isCa,
      });
    }
  },
  fix({ document, finding }) {
    const start = finding.data!.valueStart as number;
    const limit = finding.data!.limit as number;
    const end = start + (/^\d+/.exec(document.text.slice(start))?.[0].length ?? 0);
    if (end === start) return [];
    return [{ title: `Set validity_period_hours = ${limit}`, edits: [{ span: [start, end], newText: String(limit) }], isPreferred: true }];
  },
});
