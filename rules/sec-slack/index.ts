import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-slack',
  secretlintRuleId: '@secretlint/secretlint-rule-slack',
  message:
    'Hardcoded Slack token or incoming-webhook URL ({{secret}}): anyone who reads it can post to, and with a token read from, your workspace until it is revoked.',
  // The token prefixes the pattern lists, and the incoming-webhook URL path (matched case-insensitively).
  keywords: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-', 'hooks.slack.com/services/'],
  docs,
});
