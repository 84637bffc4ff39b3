import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-private-key',
  secretlintRuleId: '@secretlint/secretlint-rule-privatekey',
  message:
    'Private key in plain text ({{secret}}): whoever copies it can impersonate its owner until every certificate, authorized_keys entry or trust that relies on it is replaced.',
  // Every match contains a `-----BEGIN … PRIVATE KEY` header.
  keywords: ['private key'],
  docs,
});
