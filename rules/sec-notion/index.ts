import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-notion',
  secretlintRuleId: '@secretlint/secretlint-rule-notion',
  message:
    'Hardcoded Notion integration token ({{secret}}): it reads and edits every page shared with the integration until the token is refreshed.',
  // Every match starts with `ntn_` (the preset deliberately ignores the legacy `secret_` prefix).
  keywords: ['ntn_'],
  docs,
});
