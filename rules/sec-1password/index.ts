import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-1password',
  secretlintRuleId: '@secretlint/secretlint-rule-1password',
  message:
    'Hardcoded 1Password service-account token ({{secret}}): it opens every vault the service account can read until the token is revoked.',
  // Every match starts with `ops_ey` (`ops_` plus the base64 of a JSON object).
  keywords: ['ops_ey'],
  docs,
});
