import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-aws',
  secretlintRuleId: '@secretlint/secretlint-rule-aws',
  message:
    'Hardcoded AWS secret access key ({{secret}}): with its key ID it signs requests as the IAM user until someone deactivates the key; use role credentials instead.',
  secretlintOptions: { enableIDScanRule: true },
  messageIds: {
    // A key ID alone cannot sign, but it names a long-lived IAM user key (AKIA) or a session key
    // (ASIA) whose secret is usually close by; other unique-id prefixes (roles, users) are not keys.
    AWSAccessKeyID: {
      message: 'Hardcoded AWS access key ID ({{secret}}): it names a long-lived IAM user key whose secret is usually stored nearby; use role credentials instead of access keys.',
      severity: 'warning',
      accept: (id) => id.startsWith('AKIA') || id.startsWith('ASIA'),
    },
  },
  // `secret_access_key` assignments contain `secret`; key IDs start with AKIA or ASIA.
  keywords: ['secret', 'akia', 'asia'],
  // secretlint reports the whole `aws_secret_access_key = ...` assignment; the secret is the 40-character value.
  secretPart: /(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/,
  // An account ID is an identifier, not a credential.
  ignoreMessageIds: ['AWSAccountID'],
  docs,
});
