import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-npm',
  secretlintRuleId: '@secretlint/secretlint-rule-npm',
  message:
    'Hardcoded npm token or registry credential ({{secret}}): anyone who reads it can install or publish with your account until the token is revoked.',
  // One keyword per pattern: `npm_<36>` access tokens, `_authToken=` lines of `.npmrc`, and
  // `<token>:x-oauth-basic@github.com` URLs in package.json.
  keywords: ['npm_', '_authtoken', 'x-oauth-basic'],
  docs,
});
