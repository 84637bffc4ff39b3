import { defineRule } from '../../server/src/engine/define-rule';
import { hclAttribute, hclBlockHolding, hclBlocks, hclHeaderSpan, hclLiteral, hclReferrers } from '../lib/hcl';
import { awsGithubRole, terraformName } from '../lib/trust-templates';
import docs from './docs.md';

/** Attributes of `aws_iam_access_key` that hold the secret half of the key. */
const SECRET_ATTRIBUTES = ['secret', 'ses_smtp_password_v4', 'encrypted_secret', 'encrypted_ses_smtp_password_v4'];

export default defineRule({
  id: 'tf-aws-iam-access-key',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ['aws_iam_access_key'],
  pattern: /resource[ \t]+"?aws_iam_access_key\b/,
  syntax: 'code',
  docs,
  check({ document, report }) {
    const blocks = hclBlocks(document.tree('hcl'));
    const outputs = hclReferrers(blocks, 'aws_iam_access_key', (other) => other.type === 'output' && SECRET_ATTRIBUTES.some((attribute) => other.node.text.includes(`.${attribute}`)));
    for (const block of blocks) {
      if (block.type !== 'resource' || block.labels[0] !== 'aws_iam_access_key') continue;
      const name = `aws_iam_access_key.${block.labels[1] ?? ''}`;
      const user = hclAttribute(block.body, 'user');
      const userLiteral = user ? hclLiteral(user.value) : undefined;
      const userName = typeof userLiteral === 'string' ? `'${userLiteral}'` : /^aws_iam_user\.[\w-]+(?=\.name$)/.exec(user?.value.text ?? '')?.[0];
      const status = hclAttribute(block.body, 'status');
      const inactive = status !== undefined && hclLiteral(status.value) === 'Inactive';
      const exposed = (outputs.get(name) ?? []).map((other) => other.labels[0] ?? '');
      const encrypted = hclAttribute(block.body, 'pgp_key') !== undefined;
      const where = exposed.length > 0
        ? ` and output${exposed.length > 1 ? 's' : ''} ${exposed.map((output) => `'${output}'`).join(', ')} hand${exposed.length > 1 ? '' : 's'} it on`
        : '';
      report({
        span: hclHeaderSpan(block),
        // An inactive key cannot sign requests, but one API call turns it back on.
        ...(inactive ? { severity: 'warning' as const } : {}),
        message:
          `${name} creates a long-term access key${userName ? ` for IAM user ${userName}` : ''}${inactive ? ' (inactive, but it can be reactivated)' : ''}: it never expires, ` +
          `its secret is stored in Terraform state${encrypted ? ' (PGP-encrypted)' : ' in plain text'}${where}; ` +
          'give the workload an IAM role it assumes with temporary credentials (OIDC web identity, EKS Pod Identity, an instance profile) instead.',
        construct: name,
      });
    }
  },
  // Deleting the key is the user's call (something may still use it); what a fix can do is
  // create the role that replaces it.
  fix({ document, finding }) {
    const block = hclBlockHolding(document.tree('hcl'), finding.span, RESOURCE);
    if (!block) return [];
    const user = hclAttribute(block.body, 'user');
    const userName = user ? hclLiteral(user.value) : undefined;
    const name = terraformName(block.labels[1], 'access_key');
    return [awsGithubRole(name, typeof userName === 'string' && userName !== '' ? `${userName}-github-actions` : `${name.replace(/_/g, '-')}-github-actions`)];
  },
});

const RESOURCE = new Set(['resource']);
