import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-databricks',
  secretlintRuleId: '@secretlint/secretlint-rule-databricks',
  message:
    'Hardcoded Databricks personal access token ({{secret}}): it acts as its user in the workspace until it expires or is revoked.',
  // Every match starts with `dapi`, a common run of letters (`readApi`); the pattern holds what
  // every match holds, so secretlint runs only where a token can be.
  keywords: ['dapi'],
  pattern: /dapi[A-Fa-f0-9]{32}/,
  docs,
});
