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
      message:
        'Hardcoded AWS access key ID ({{secret}}): it names an IAM user key (AKIA) or a session key (ASIA) whose secret is usually stored nearby; use role credentials instead of access keys.',
      severity: 'warning',
      accept: (id) => id.startsWith('AKIA') || id.startsWith('ASIA'),
    },
  },
  // The secret pattern needs `secret` + optional `_` + `access` in the key name; reported key IDs
  // start with AKIA or ASIA (account IDs are dropped below).
  keywords: ['secret_access', 'secretaccess', 'akia', 'asia'],
  // `asia` is in every time-zone table: the pattern holds what each reported match holds, a key ID
  // or the secret's key name, so secretlint runs only where one is.
  pattern: /(?:AKIA|ASIA)[A-Z0-9]{16}|(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)/,
  // secretlint's range for a secret access key starts at the key name and is as long as the value;
  // the secret is the 40-character value of the assignment (secretlint's own assignment shape).
  secretPart:
    /^["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/,
  // An account ID is an identifier, not a credential.
  ignoreMessageIds: ['AWSAccountID'],
  docs,
});
