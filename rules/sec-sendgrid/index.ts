import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-sendgrid',
  secretlintRuleId: '@secretlint/secretlint-rule-sendgrid',
  message:
    'Hardcoded SendGrid API key ({{secret}}): anyone who reads it can send mail as your domain until the key is deleted.',
  // Every match starts with `SG.`.
  keywords: ['sg.'],
  docs,
});
