import { defineRule } from '../../server/src/engine/define-rule';
import { hclAttribute, hclBlocks, hclLiteral } from '../lib/hcl';
import { removeAttribute } from '../lib/hcl-edit';
import docs from './docs.md';

export default defineRule({
  id: 'tf-aws-role-max-session',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['max_session_duration'],
  syntax: 'code',
  options: {
    maxSeconds: {
      type: 'number',
      default: 3600,
      description: 'Longest acceptable role session in seconds (3600, the IAM default; the API allows up to 43200).',
    },
  },
  docs,
  check({ document, options, report }) {
    const limit = Number(options.maxSeconds);
    for (const block of hclBlocks(document.tree('hcl'))) {
      if (block.type !== 'resource' || block.labels[0] !== 'aws_iam_role') continue;
      const attribute = hclAttribute(block.body, 'max_session_duration');
      const seconds = attribute ? hclLiteral(attribute.value) : undefined;
      if (!attribute || typeof seconds !== 'number' || seconds <= limit) continue;
      const name = `aws_iam_role.${block.labels[1] ?? ''}`;
      report({
        span: [attribute.node.startIndex, attribute.node.endIndex],
        message: `${name} lets sessions last ${seconds / 3600} hours (max_session_duration = ${seconds}), over the ${limit}-second limit; stolen temporary credentials stay valid that long. Remove it to get the 1-hour default unless people or long batch jobs need more.`,
        construct: name,
        fixable: removeAttribute(document.text, attribute.node) !== undefined && limit >= 3600,
      });
    }
  },
  fix({ document, finding }) {
    const block = hclBlocks(document.tree('hcl')).find(
      (candidate) => candidate.type === 'resource' && candidate.labels[0] === 'aws_iam_role' && candidate.node.startIndex <= finding.span[0] && finding.span[1] <= candidate.node.endIndex,
    );
    const attribute = block ? hclAttribute(block.body, 'max_session_duration') : undefined;
    const edit = attribute ? removeAttribute(document.text, attribute.node) : undefined;
    return edit ? [{ title: 'Remove max_session_duration (1-hour default)', edits: [edit] }] : [];
  },
});
