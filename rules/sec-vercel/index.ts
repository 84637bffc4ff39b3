import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-vercel',
  secretlintRuleId: '@secretlint/secretlint-rule-vercel',
  message:
    'Hardcoded Vercel token ({{secret}}): it deploys and reconfigures the projects in its scope until it expires or is deleted.',
  // Personal, integration, app access, app refresh and AI Gateway key prefixes.
  keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
  docs,
});
