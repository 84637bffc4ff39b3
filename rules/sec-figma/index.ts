import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-figma',
  secretlintRuleId: '@secretlint/secretlint-rule-figma',
  message:
    'Hardcoded Figma personal access token ({{secret}}): it reads your Figma files with its scopes until it expires or is revoked.',
  // Every match starts with `figd_`.
  keywords: ['figd_'],
  docs,
});
