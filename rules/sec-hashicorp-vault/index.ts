import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-hashicorp-vault',
  secretlintRuleId: '@secretlint/secretlint-rule-hashicorp-vault',
  message:
    'Hardcoded Vault token ({{secret}}): it carries its policies until its TTL runs out or it is revoked, and a root or periodic token may never expire.',
  // Service, batch and recovery tokens start with `hvs.`, `hvb.` and `hvr.` (Vault 1.10 and later).
  keywords: ['hvs.', 'hvb.', 'hvr.'],
  docs,
});
