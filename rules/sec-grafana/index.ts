import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-grafana',
  secretlintRuleId: '@secretlint/secretlint-rule-grafana',
  message:
    'Hardcoded Grafana token ({{secret}}): it reads or writes your Grafana stack within its scopes until it expires or is deleted.',
  // Cloud access-policy tokens start with `glc_`, service-account tokens with `glsa_`.
  keywords: ['glc_', 'glsa_'],
  docs,
});
