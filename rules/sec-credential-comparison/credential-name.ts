/**
 * Shared judgement of names and literal values for the keyword-driven `sec-*` rules written in this
 * folder family (`sec-credential-comparison`, `sec-keyed-random-value`): does an identifier name a
 * credential, and does a literal have the texture of a secret rather than of a word, a setting or
 * an identifier. Pure functions, no regular expression with unbounded overlapping repetition.
 */
import { shannonEntropy } from '../../server/src/engine/secret-values';

/** Whole segments that name a credential (`db_pass`, `clientSecret`, `API_TOKEN`). */
const CREDENTIAL_SEGMENTS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'passphrase', 'passcode', 'secret', 'token', 'apikey', 'credential', 'credentials', 'creds',
]);
/** A run-together segment ending in one of these names a credential (`pgpassword`, `authtoken`). */
const CREDENTIAL_ENDINGS = ['password', 'passwd', 'secret', 'token', 'apikey', 'passphrase'];
/** `<qualifier>_key` is a credential; `public_key`, `primary_key`, `sort_key` are not. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'auth', 'client', 'master', 'encryption', 'app', 'consumer', 'hmac']);
/** A last segment that says the value is about a credential, not the credential itself. */
const ABOUT_A_CREDENTIAL = new Set([
  'url', 'uri', 'file', 'path', 'dir', 'name', 'id', 'ids', 'type', 'kind', 'length', 'len', 'size', 'min', 'max', 'count', 'policy',
  'expiry', 'expires', 'expiration', 'ttl', 'timeout', 'lifetime', 'duration', 'age', 'header', 'field', 'param', 'prefix', 'suffix',
  'regex', 'pattern', 'format', 'mode', 'endpoint', 'host', 'port', 'enabled', 'required', 'hash', 'hashed', 'digest', 'salt', 'arn',
  'ref', 'version', 'store', 'provider', 'label', 'description', 'hint', 'placeholder', 'status', 'state', 'source', 'location', 'scope',
  'scopes', 'audience', 'issuer', 'algorithm', 'alg', 'bits', 'usage', 'index', 'position', 'pos', 'start', 'end', 'class', 'error',
]);

/** Identifier segments, lower case: `clientSecret` → client, secret; `DB_PASS` → db, pass. */
export function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The key part of an access path: `this.config.apiKey` → `apiKey`, `env["DB_PASSWORD"]` → `DB_PASSWORD`. */
export function lastKey(expression: string): string {
  const parts = expression.split(/[.\[\]"'`$>-]+/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/** True when an identifier (its last key) names a credential value. */
export function namesCredential(expression: string): boolean {
  const segments = nameSegments(lastKey(expression));
  const last = segments[segments.length - 1];
  if (!last || segments.length > 6 || ABOUT_A_CREDENTIAL.has(last) || /^\d+$/.test(last)) return false;
  return segments.some(
    (segment, index) =>
      CREDENTIAL_SEGMENTS.has(segment) ||
      CREDENTIAL_ENDINGS.some((ending) => segment.length > ending.length && segment.endsWith(ending) && !segment.startsWith('by')) ||
      (segment === 'key' && index > 0 && KEY_QUALIFIERS.has(segments[index - 1]!)),
  );
}

/** Words a credential is compared with or set to that are states and settings, not secrets. */
const SETTING_WORDS = new Set([
  'true', 'false', 'null', 'nil', 'none', 'undefined', 'yes', 'no', 'on', 'off', 'string', 'number', 'object', 'function', 'boolean',
  'bearer', 'basic', 'digest', 'token', 'secret', 'password', 'required', 'optional', 'empty', 'default', 'invalid', 'expired',
  'unknown', 'anonymous', 'guest', 'admin', 'root', 'user', 'test', 'debug',
]);

/**
 * Whether a literal has the texture of a secret: no spaces, not a lone word or identifier, not a
 * path, URL, number or version, and either mixed letters with digits or symbols, or long and varied.
 */
export function looksLikeSecretLiteral(value: string): boolean {
  const v = value.trim();
  if (v.length < 6 || v.length > 400 || v !== value || /\s/.test(v)) return false;
  if (SETTING_WORDS.has(v.toLowerCase())) return false;
  // Identifiers and constant names: `refresh_token`, `AUTH_HEADER`, `basicAuth`, `client-credentials`.
  if (/^[A-Za-z]+(?:[_.-][A-Za-z]+){0,8}$/.test(v) && !/[a-z][A-Z]|[A-Z]{2}[a-z]/.test(v.slice(1))) return false;
  if (/^[a-z]+(?:[A-Z][a-z]+){1,8}$/.test(v)) return false;
  if (/^(?:https?|ftp|file|s3|gs):\/\//i.test(v) || v.startsWith('/') || v.startsWith('./') || v.startsWith('~/')) return false;
  if (/^[\d.:_-]+$/.test(v) || /^v?\d{1,4}(?:\.\d{1,4}){1,3}(?:[-+][\w.]{1,30})?$/.test(v)) return false;
  // Letters with digits (`Opsr00m!2023`, `hunter22`); without digits only a long, varied value
  // (`#bygroup`, `p@ssword!` are syntax and words).
  if (/[A-Za-z]/.test(v) && /\d/.test(v)) return !isCamelCaseIdentifier(v);
  return v.length >= 12 && shannonEntropy(v) >= 3.5 && !isCamelCaseIdentifier(v);
}

/**
 * Whether a value reads as a CamelCase identifier (`Ipv6CidrAssociations`, `S3AccessPointAttachments`):
 * letters and digits only, at least two capitalised words, every lower-case run a word of three or
 * more letters, and few, long tokens. Random keys have short runs and few capitalised words.
 */
export function isCamelCaseIdentifier(value: string): boolean {
  if (!/^[A-Za-z0-9]+$/.test(value)) return false;
  const tokens: string[] = [];
  let i = 0;
  while (i < value.length) {
    const start = i;
    const ch = value[i]!;
    if (ch >= '0' && ch <= '9') {
      while (i < value.length && value[i]! >= '0' && value[i]! <= '9') i++;
    } else if (ch >= 'a' && ch <= 'z') {
      while (i < value.length && value[i]! >= 'a' && value[i]! <= 'z') i++;
    } else {
      let upper = i;
      while (upper < value.length && value[upper]! >= 'A' && value[upper]! <= 'Z') upper++;
      const lowerFollows = upper < value.length && value[upper]! >= 'a' && value[upper]! <= 'z';
      // `HTTPServer`: `HTTP` then `Server`.
      i = lowerFollows && upper - i > 1 ? upper - 1 : upper;
      if (i === start || (lowerFollows && upper - start === 1)) {
        i = upper;
        while (i < value.length && value[i]! >= 'a' && value[i]! <= 'z') i++;
      }
    }
    tokens.push(value.slice(start, i));
  }
  const words = tokens.filter((token) => /[a-z]/.test(token));
  const capitalised = words.filter((token) => token[0]! >= 'A' && token[0]! <= 'Z').length;
  return capitalised >= 2 && words.every((token) => token.length >= 3) && value.length / tokens.length >= 3.5;
}
