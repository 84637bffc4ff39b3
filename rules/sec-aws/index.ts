import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-aws',
  secretlintRuleId: '@secretlint/secretlint-rule-aws',
  message:
    'Hardcoded AWS secret access key ({{secret}}): with its key ID it signs requests as the IAM user until someone deactivates the key; use role credentials instead.',
  // The preset scans access key IDs (AKIA…) and account IDs only when its `enableIDScanRule` option is on,
  // and the adapter passes no options, so the one active pattern is the `(aws_)secret_access_key = <40
  // chars>` assignment: every match contains `secret`.
  keywords: ['secret'],
  // An account ID is an identifier, not a credential.
  ignoreMessageIds: ['AWSAccountID'],
  docs,
});
