import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-basic-auth',
  secretlintRuleId: '@secretlint/secretlint-rule-basicauth',
  message:
    'Password embedded in a URL ({{secret}}): it travels with every request, ends up in logs and shell history, and stays valid until the password is changed.',
  // The pattern only matches `http`, `https`, `ftp` and `ftps` URLs (case-sensitive scheme).
  keywords: ['http://', 'https://', 'ftp://', 'ftps://'],
  docs,
});
