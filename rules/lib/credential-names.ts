/**
 * Whether a variable name (`DB_PASSWORD`, `npmToken`, `AWS_SECRET_ACCESS_KEY`) names a credential
 * value, judged on its words rather than by a regular expression over the raw name, so that
 * `PASSWORD_FILE`, `TOKEN_URL`, `PUBLIC_KEY` and `KEYCLOAK_REALM` stay quiet.
 */

/** Words that on their own name a secret. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'secret', 'secrets', 'token', 'apikey', 'credential', 'credentials',
  'privatekey', 'accesskey', 'secretkey', 'authtoken', 'accesstoken', 'apitoken', 'clientsecret',
]);
/** Short words that name a secret only at the end (`DB_PASS`, `GH_PAT`), not in `PASS_THROUGH` or `PATH_PREFIX`. */
const SECRET_LAST_WORDS = new Set(['pass', 'pwd', 'pat']);
/** `<qualifier> key` names a credential; `primary key`, `public key`, `cache key` do not. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'auth', 'client', 'master', 'encryption', 'app', 'license', 'consumer', 'service', 'account']);
/** Run-together words ending in a secret word (`PGPASSWORD`, `NPMTOKEN`), but not `bypass` or `tokenizer`. */
const SECRET_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'passphrase'];
/** A last word that describes a credential rather than holding it. */
const DESCRIBES = new Set([
  'file', 'files', 'path', 'dir', 'url', 'uri', 'endpoint', 'host', 'port', 'name', 'id', 'ids', 'arn', 'ref', 'type', 'kind', 'length',
  'len', 'min', 'max', 'ttl', 'expire', 'expiry', 'expires', 'expiration', 'lifetime', 'duration', 'timeout', 'policy', 'header', 'field', 'env',
  'var', 'enabled', 'disabled', 'required', 'mode', 'version', 'format', 'location', 'source', 'prefix', 'suffix', 'hash', 'salt',
  'rotation', 'provider', 'store', 'manager', 'count', 'user', 'username', 'usr', 'login', 'email', 'audience', 'issuer', 'scope',
  'scopes', 'region', 'algorithm', 'alg', 'bits', 'size', 'label', 'description', 'public', 'pub',
]);

/** The words of an identifier: split at `_`, `-`, `.`, and lower-to-upper case changes. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function namesCredential(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || words.length > 12) return false;
  const last = words[words.length - 1]!;
  // The access key id is only half a key pair, but it never travels without its secret.
  if (words.join(' ').endsWith('access key id')) return true;
  if (DESCRIBES.has(last) || words.includes('public')) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return true;
    if (word === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) return true;
    if (word.length > 6 && SECRET_SUFFIXES.some((suffix) => word.endsWith(suffix))) return true;
  }
  return false;
}

/** Values that are settings or references, never a credential: booleans, small numbers, durations, paths. */
export function isSettingValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 4) return true;
  if (/^(?:true|false|null|none|yes|no|on|off|enabled|disabled|required|optional)$/i.test(trimmed)) return true;
  if (/^\d{1,9}$/.test(trimmed) || /^\d+(?:\.\d+)?[smhd]$/.test(trimmed)) return true;
  // A file or a directory the secret lives in, or a URL without a password in it.
  if (/^(?:\/|\.\.?\/|~\/)/.test(trimmed)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(trimmed)) return true;
  return false;
}
