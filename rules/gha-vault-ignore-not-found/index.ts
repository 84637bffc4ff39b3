import { actionInputTrueRule } from '../lib/action-input-rule';
import docs from './docs.md';

export default actionInputTrueRule({
  id: 'gha-vault-ignore-not-found',
  category: 'fallback',
  severity: 'warning',
  action: 'hashicorp/vault-action',
  input: 'ignoreNotFound',
  docs,
  consequence:
    'a secret that is not found at its path is simply not set and the step still succeeds; later steps then run with empty credentials or fall back to another path. Remove it so the job fails where the secret is missing.',
  restores: 'fail when a secret is missing',
});
