import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

/**
 * Slack tokens name the workspace, user or bot they belong to by number (`xoxb-695011802664-…`),
 * and app-level tokens by app id (`xapp-1-A04…`: capitals and digits). A match whose first part is neither
 * (`xoxb-your-bot-token`, `xoxb-12345-abcd`, `xoxo-indieweb-1` in a file name) is a placeholder or
 * a word, not a token.
 */
function namesSlackOwner(token: string): boolean {
  const [prefix, ...parts] = token.split('-');
  const owner = parts.length > 1 && /^\d$/.test(parts[0]!) ? parts[1]! : parts[0]!;
  return prefix === 'xapp' ? /^[A-Z][A-Z0-9]{6,}$/.test(owner) && /\d/.test(owner) : /^\d{6,}$/.test(owner);
}

export default secretlintRule({
  id: 'sec-slack',
  secretlintRuleId: '@secretlint/secretlint-rule-slack',
  message:
    'Hardcoded Slack token or incoming-webhook URL ({{secret}}): anyone who reads it can post to, and with a token read from, your workspace until it is revoked.',
  // The token prefixes the pattern lists, and the incoming-webhook URL path (matched case-insensitively).
  keywords: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-', 'hooks.slack.com/services/'],
  messageIds: { SLACK_TOKEN: { accept: namesSlackOwner } },
  docs,
});
