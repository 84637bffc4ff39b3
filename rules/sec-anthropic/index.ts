import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-anthropic',
  secretlintRuleId: '@secretlint/secretlint-rule-anthropic',
  message:
    'Hardcoded Anthropic API key ({{secret}}): anyone who reads it can use and bill your Claude API account until the key is disabled.',
  // Every match starts with `sk-ant-api0` followed by the version digit.
  keywords: ['sk-ant-api0'],
  docs,
});
