import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-docker',
  secretlintRuleId: '@secretlint/secretlint-rule-docker',
  message:
    'Hardcoded Docker personal access token ({{secret}}): it pushes and pulls images as its user until it expires or is deleted.',
  // Every match starts with `dckr_pat_`.
  keywords: ['dckr_pat_'],
  docs,
});
