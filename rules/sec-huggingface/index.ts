import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-huggingface',
  secretlintRuleId: '@secretlint/secretlint-rule-huggingface',
  message:
    'Hardcoded Hugging Face access token ({{secret}}): it reads, and with write scope changes, your models and datasets until it is invalidated.',
  // Every match starts with `hf_`.
  keywords: ['hf_'],
  docs,
});
