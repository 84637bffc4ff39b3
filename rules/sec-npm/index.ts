import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-npm',
  secretlintRuleId: '@secretlint/secretlint-rule-npm',
  message:
    'Hardcoded npm token or registry credential ({{secret}}): anyone who reads it can install, or publish, packages as its owner until the token is revoked.',
  messageIds: {
    PackageJSON_xOauthToken: {
      message:
        'GitHub token in a package.json URL ({{secret}}): anyone who reads the manifest can clone, and possibly push to, the repositories of its owner until the token is revoked.',
    },
  },
  // One keyword per pattern: `npm_<36>` access tokens, `_authToken=` lines of `.npmrc`, and
  // `<token>:x-oauth-basic@github.com` URLs in package.json.
  keywords: ['npm_', '_authtoken', 'x-oauth-basic'],
  // secretlint's ranges for the `.npmrc` and package.json patterns start at `_authToken=` and at the
  // URL scheme but are as long as the token: the token is the value after `_authToken=` (without
  // quotes), or the user-info before `:x-oauth-basic@github.com/`.
  secretPart: /^(?:_authToken=["']?([^\s"']+)|https?:\/\/([^\s/:@"']+):x-oauth-basic@github\.com\/)/,
  docs,
});
