import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-databricks',
  secretlintRuleId: '@secretlint/secretlint-rule-databricks',
  message:
    'Hardcoded Databricks personal access token ({{secret}}): it acts as its user in the workspace until it expires or is revoked.',
  // Every match starts with `dapi`.
  keywords: ['dapi'],
  docs,
});
