import { defineRule } from '../../server/src/engine/define-rule';
import { nodeSpan } from '../../server/src/engine/parse/yaml';
import { isPlaceholderSecret } from '../../server/src/engine/secret-values';
import { namesCredential, nameWords } from '../lib/credential-names';
import { secretEntries, secretEntryContent, type SecretEntry } from '../lib/k8s-yaml';
import docs from './docs.md';

/**
 * Last words of a Secret key that name where or as whom to connect, not the secret itself
 * (`username`, `db-host`, `bucket-name`): configuration kept beside the credential.
 */
const DESCRIBING_WORDS = new Set([
  'user', 'username', 'usr', 'login', 'email', 'mail', 'host', 'hostname', 'port', 'url', 'uri', 'endpoint', 'address', 'addr', 'server',
  'database', 'db', 'dbname', 'schema', 'name', 'namespace', 'region', 'zone', 'location', 'type', 'kind', 'id', 'bucket', 'domain', 'path',
  'dir', 'version', 'mode', 'env', 'environment', 'project', 'tenant', 'account', 'audience', 'issuer', 'scope', 'scopes', 'protocol',
]);
/** Keys that by name hold a certificate or a public key, which are public by design. */
const PUBLIC_MATERIAL_KEY = /(?:^|[._-])(?:crt|cert|certificate|ca|pub|public)$/i;
/** Shorter values (`bar`, `admin`, `true`) are labels and flags, not credentials. */
const MIN_SECRET_LENGTH = 8;

/**
 * Values committed in a Kubernetes Secret manifest's `data` (base64) or `stringData` (plain) whose
 * key has no credential word: `sec-password-assignment` reads `password:`, `api-key:`, `token:`
 * entries itself, so one secret gives one finding. Certificates, connection settings, templated
 * values (Helm, Kustomize) and placeholders are left alone.
 */
export default defineRule({
  id: 'k8s-secret-manifest-data',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: ['secret'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const entry of secretEntries(document)) {
      const { name, key, value, text, encoded } = entry;
      if (!holdsSecret(entry)) continue;
      const span = nodeSpan(value);
      if (!span) continue;
      report({
        span,
        secret: text.trim(),
        message:
          `Secret '${name}' commits the value of '${key}' ({{secret}}) in its manifest: ${encoded ? 'base64 is an encoding, not encryption, and ' : ''}` +
          'everyone who can read the repository can use it until it is rotated; keep it in a secret store and sync it into the cluster (External Secrets Operator, Sealed Secrets, SOPS).',
        construct: `${name}:${key}`,
      });
    }
  },
});

function holdsSecret(entry: SecretEntry): boolean {
  const { key, text } = entry;
  if (namesCredential(key) || PUBLIC_MATERIAL_KEY.test(key)) return false;
  const words = nameWords(key);
  if (words.length > 0 && DESCRIBING_WORDS.has(words[words.length - 1]!)) return false;
  if (isPlaceholderSecret(text.trim())) return false;
  const content = secretEntryContent(entry)?.trim();
  if (content === undefined || content.length < MIN_SECRET_LENGTH || isPlaceholderSecret(content)) return false;
  // A certificate or public key under a neutral key name (`bundle`, `extra`) is public too.
  return !(/-----BEGIN (?:CERTIFICATE|PUBLIC KEY)/.test(content) && !content.includes('PRIVATE KEY'));
}
