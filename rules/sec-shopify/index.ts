import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-shopify',
  secretlintRuleId: '@secretlint/secretlint-rule-shopify',
  message:
    'Hardcoded Shopify access token or app secret ({{secret}}): it reaches the Admin API of the store with every scope the app was granted until it is rotated or the app is uninstalled.',
  // The four prefixes the pattern accepts.
  keywords: ['shppa_', 'shpca_', 'shpat_', 'shpss_'],
  docs,
});
