import { actionInputTrueRule } from '../lib/action-input-rule';
import docs from './docs.md';

export default actionInputTrueRule({
  id: 'gha-vault-tls-skip',
  category: 'fallback',
  severity: 'warning',
  action: 'hashicorp/vault-action',
  input: 'tlsSkipVerify',
  docs,
  consequence:
    'it sends its login credential to, and takes secrets from, whatever answers at the Vault URL without checking its certificate. Remove it and pass the Vault CA in caCertificate if the server uses a private CA.',
  restores: "verify Vault's certificate",
});
