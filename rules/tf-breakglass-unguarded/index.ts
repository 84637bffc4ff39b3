import { defineRule } from '../../server/src/engine/define-rule';
import { hclAttribute, hclBlocks, hclHeaderSpan, hclLiteral, hclReferrers, type HclBlock } from '../lib/hcl';
import docs from './docs.md';

const BREAK_GLASS = /break.?glass|emergency|bypass/i;
const PRINCIPALS = new Set(['aws_iam_user', 'aws_iam_role']);
/** Standing ways in: long-term keys, a console password, or an attached admin policy. */
const CREDENTIALS = new Set(['aws_iam_access_key', 'aws_iam_user_login_profile']);
const ATTACHMENTS = new Set(['aws_iam_user_policy_attachment', 'aws_iam_role_policy_attachment', 'aws_iam_policy_attachment']);
/** Resources that can raise an alarm when the principal is used. */
const ALERTS = new Set(['aws_cloudwatch_event_rule', 'aws_cloudwatch_metric_alarm', 'aws_cloudwatch_log_metric_filter', 'aws_cloudtrail']);
const ADMIN_POLICY = 'AdministratorAccess';

const isResource = (block: HclBlock, kinds: ReadonlySet<string>) => block.type === 'resource' && kinds.has(block.labels[0] ?? '');

export default defineRule({
  id: 'tf-breakglass-unguarded',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['glass', 'emergency', 'bypass'],
  syntax: 'code',
  docs,
  check({ document, report }) {
    const blocks = hclBlocks(document.tree('hcl'));
    const principals = blocks.filter((block) => {
      if (!isResource(block, PRINCIPALS)) return false;
      const name = hclAttribute(block.body, 'name');
      const literal = name ? hclLiteral(name.value) : undefined;
      return BREAK_GLASS.test(block.labels[1] ?? '') || (typeof literal === 'string' && BREAK_GLASS.test(literal));
    });
    if (principals.length === 0) return;

    // One pass each: what grants access to which principal, and which alerting resources mention which.
    const grants = (block: HclBlock) =>
      isResource(block, CREDENTIALS) || (isResource(block, ATTACHMENTS) && block.node.text.includes(ADMIN_POLICY));
    const grantsByAddress = new Map<string, HclBlock[]>([
      ...hclReferrers(blocks, 'aws_iam_user', grants),
      ...hclReferrers(blocks, 'aws_iam_role', grants),
    ]);
    const grantedNames = new Set<string>();
    for (const block of blocks) {
      if (!grants(block)) continue;
      for (const key of ['user', 'users', 'role', 'roles']) {
        const attribute = hclAttribute(block.body, key);
        const literal = attribute ? hclLiteral(attribute.value) : undefined;
        if (typeof literal === 'string') grantedNames.add(literal);
      }
    }
    const isAlert = (block: HclBlock) => isResource(block, ALERTS);
    const alertedAddresses = new Set([...hclReferrers(blocks, 'aws_iam_user', isAlert).keys(), ...hclReferrers(blocks, 'aws_iam_role', isAlert).keys()]);
    const alertText = blocks
      .filter(isAlert)
      .map((block) => block.node.text)
      .join('\n');

    for (const principal of principals) {
      const kind = principal.labels[0] ?? '';
      const address = `${kind}.${principal.labels[1] ?? ''}`;
      const name = hclAttribute(principal.body, 'name');
      const literal = name ? hclLiteral(name.value) : undefined;
      const principalName = typeof literal === 'string' && literal !== '' ? literal : undefined;
      const managed = hclAttribute(principal.body, 'managed_policy_arns');
      const admin = managed?.value.text.includes(ADMIN_POLICY) ?? false;
      const standing = admin || (grantsByAddress.get(address)?.length ?? 0) > 0 || (principalName !== undefined && grantedNames.has(principalName));
      if (!standing) continue;
      const alerted = alertedAddresses.has(address) || (principalName !== undefined && alertText.includes(principalName));
      if (alerted) continue;
      report({
        span: hclHeaderSpan(principal),
        message: `${address} looks like a break-glass principal with standing access (keys, a console password or an admin policy), and no EventBridge rule, CloudWatch alarm or metric filter in this file mentions it, so its use would go unnoticed. Alert on every use of it (e.g. an EventBridge rule on its ConsoleLogin/AssumeRole events sent to SNS).`,
        construct: address,
      });
    }
  },
});
