import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-groq',
  secretlintRuleId: '@secretlint/secretlint-rule-groq',
  message:
    'Hardcoded Groq API key ({{secret}}): anyone who reads it can run inference on your account until the key is deleted.',
  // Every match starts with `gsk_`.
  keywords: ['gsk_'],
  docs,
});
