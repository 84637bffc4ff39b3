import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-github',
  secretlintRuleId: '@secretlint/secretlint-rule-github',
  message:
    'Hardcoded GitHub token ({{secret}}): it acts with the permissions of its user or app until it expires or is revoked; use GITHUB_TOKEN or a GitHub App installation token instead.',
  // The classic prefixes and the fine-grained `github_pat_` prefix.
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  docs,
});
