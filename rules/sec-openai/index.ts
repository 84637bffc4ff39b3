import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-openai',
  secretlintRuleId: '@secretlint/secretlint-rule-openai',
  message:
    'Hardcoded OpenAI API key ({{secret}}): anyone who reads it can spend your quota and reach your project data until the key is deleted.',
  // Both OpenAI key shapes the pattern accepts contain the marker `T3BlbkFJ`.
  keywords: ['t3blbkfj'],
  docs,
});
