import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-gitlab',
  secretlintRuleId: '@secretlint/secretlint-rule-gitlab',
  message:
    'Hardcoded GitLab personal access token ({{secret}}): it acts as its user on every project that user can reach until it expires or is revoked.',
  // Every match starts with `glpat-`.
  keywords: ['glpat-'],
  docs,
});
