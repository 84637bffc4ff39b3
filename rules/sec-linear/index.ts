import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-linear',
  secretlintRuleId: '@secretlint/secretlint-rule-linear',
  message:
    'Hardcoded Linear API key ({{secret}}): it acts as the user who created it in your Linear workspace until it is revoked.',
  // Every match starts with `lin_api_`.
  keywords: ['lin_api_'],
  docs,
});
