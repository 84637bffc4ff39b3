import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-basic-auth',
  secretlintRuleId: '@secretlint/secretlint-rule-basicauth',
  message:
    'Password embedded in a URL ({{secret}}): it travels with every request, ends up in logs and shell history, and stays valid until the password is changed.',
  // The pattern only matches `http`, `https`, `ftp` and `ftps` URLs (case-sensitive scheme).
  keywords: ['http://', 'https://', 'ftp://', 'ftps://'],
  // Nearly every file has a URL; few have `://user:password@`, which every match of the rule has.
  pattern: /:\/\/[-\w]{1,256}:[-\w]{1,256}@/,
  // The secret is the password, not the URL: the host (`api.example.com`) says nothing about
  // whether the password is a placeholder, and the fingerprint should follow the password.
  secretPart: /^[a-z]+:\/\/[^\s:/@]{1,256}:([^\s@/]{1,256})@/i,
  docs,
});
