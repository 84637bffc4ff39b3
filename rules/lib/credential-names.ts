/**
 * The one judgement of credential names and literal values, shared by every keyword-driven rule:
 * does an identifier (`DB_PASSWORD`, `npmToken`, `this.config.apiKey`) name a credential value,
 * judged on its words rather than by a regular expression over the raw name, so that
 * `PASSWORD_FILE`, `TOKEN_URL`, `PUBLIC_KEY` and `KEYCLOAK_REALM` stay quiet; and does a literal
 * have the texture of a secret rather than of a word, a setting or an identifier.
 */
import { detached } from '../../server/src/engine/document';
import { shannonEntropy } from '../../server/src/engine/secret-values';

/** Words that on their own name a secret. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'passcode', 'secret', 'token', 'apikey', 'credential', 'credentials', 'creds',
  'privatekey', 'accesskey', 'secretkey', 'authkey', 'signingkey', 'authtoken', 'accesstoken', 'apitoken', 'clientsecret',
]);
/**
 * "Password" in other languages, without diacritics (`contraseña` → `contrasena`): configuration
 * written by non-English teams names its secrets this way.
 */
const FOREIGN_PASSWORD_WORDS = new Set(['motdepasse', 'contrasena', 'contrasenya', 'senha', 'kennwort', 'passwort', 'wachtwoord', 'salasana', 'haslo', 'jelszo', 'heslo']);
/**
 * Endings that keep `secret…` a secret (`secrete`, `secreto`, `secretvalue`); not `secrets`
 * (`secrets: inherit`), `secretname` or `secretary`.
 */
const SECRET_WORD_ENDINGS = new Set(['e', 'o', 'a', 'value', 'string']);
/** Short words that name a secret only at the end (`DB_PASS`, `GH_PAT`), not in `PASS_THROUGH` or `PATH_PREFIX`. */
const SECRET_LAST_WORDS = new Set(['pass', 'pwd', 'pat']);
/**
 * Run-together names ending in `pass` or `pwd` (`MYSQLPASS`, `DBPWD`, `ROOTPASS`), as environment
 * files spell them; not the ordinary words and filter names that end so.
 */
const GLUED_PASS_ENDINGS = ['pass', 'pwd'];
const NOT_GLUED_PASS = new Set(['bypass', 'compass', 'encompass', 'overpass', 'underpass', 'surpass', 'trespass', 'lowpass', 'highpass', 'bandpass', 'allpass', 'multipass', 'onepass', 'firstpass', 'secondpass', 'subpass', 'oldpwd']);
/** Only in upper case: `testpwd` and `adminpass` in lower case are more often the weak passwords themselves. */
function isGluedPassName(key: string, last: string): boolean {
  return !/[a-z]/.test(key) && !NOT_GLUED_PASS.has(last) && GLUED_PASS_ENDINGS.some((ending) => last.length >= ending.length + 2 && last.endsWith(ending));
}
/** `<qualifier> key` names a credential; `primary key`, `public key`, `cache key` do not. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'auth', 'authentication', 'authorization', 'client', 'master', 'encryption', 'app', 'license', 'consumer', 'service', 'account', 'hmac']);
/**
 * Services whose API keys are secrets, by the one word a name gives them (`HEROKU_KEY`,
 * `sendgridKey`): a service's key is its API key. Only unambiguous names: not services named by
 * an ordinary word (Square, Segment, Linear, Notion), and not services whose plain "key" is meant
 * to be public (Mapbox, Algolia search, Pusher, Stripe publishable keys).
 */
const KEY_ISSUING_SERVICES = new Set([
  'heroku', 'sendgrid', 'mailgun', 'mailchimp', 'mandrill', 'postmark', 'sparkpost', 'mailjet', 'sendinblue', 'twilio', 'nexmo',
  'vonage', 'messagebird', 'plivo', 'telnyx', 'cloudflare', 'fastly', 'netlify', 'vercel', 'digitalocean', 'linode', 'vultr',
  'hetzner', 'scaleway', 'doppler', 'datadog', 'newrelic', 'rollbar', 'bugsnag', 'honeybadger', 'pagerduty', 'opsgenie',
  'dynatrace', 'honeycomb', 'loggly', 'logdna', 'papertrail', 'sumologic', 'openai', 'anthropic', 'cohere', 'groq', 'huggingface',
  'replicate', 'perplexity', 'deepseek', 'openrouter', 'pinecone', 'elevenlabs', 'shopify', 'hubspot', 'zendesk', 'freshdesk',
  'airtable', 'asana', 'clickup', 'trello', 'todoist', 'figma', 'dropbox', 'contentful', 'storyblok', 'mixpanel', 'amplitude',
  'posthog', 'launchdarkly', 'snyk', 'codecov', 'coveralls', 'circleci', 'buildkite', 'bitly', 'plaid', 'braintree', 'adyen',
  'klaviyo', 'typeform', 'shippo', 'easypost', 'infura', 'alchemy', 'etherscan', 'moralis', 'coinbase', 'okta', 'auth0',
  'supabase', 'jfrog', 'artifactory', 'saucelabs', 'browserstack', 'lambdatest', 'railway', 'mailerlite', 'mailersend', 'resend',
]);
/** The services' names, for a prefilter. */
export const KEY_ISSUING_SERVICE_NAMES: readonly string[] = [...KEY_ISSUING_SERVICES];
/** Whether a word names a service whose key is an API key (`heroku` in `HEROKU_KEY`). */
export function isKeyIssuingService(word: string): boolean {
  return KEY_ISSUING_SERVICES.has(word);
}
/** `api` run together with a vendor's name counts too (`RAPIDAPI_KEY`, `WEBAPI_KEY`): an API key all the same. */
function isKeyQualifier(word: string): boolean {
  return KEY_QUALIFIERS.has(word) || KEY_ISSUING_SERVICES.has(word) || (word.length > 4 && word.endsWith('api'));
}
/** Run-together words ending in a secret word (`PGPASSWORD`, `NPMTOKEN`), but not `bypass` or `tokenizer`. */
const SECRET_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'passphrase'];
/** A last word that describes a credential rather than holding it. */
const DESCRIBES = new Set([
  'file', 'files', 'path', 'dir', 'url', 'uri', 'endpoint', 'host', 'port', 'name', 'names', 'id', 'ids', 'arn', 'ref', 'reference', 'type',
  'kind', 'length', 'len', 'size', 'min', 'max', 'count', 'ttl', 'time', 'timestamp', 'date', 'expire', 'expiry', 'expires', 'expiration', 'lifetime', 'duration',
  'validity', 'age', 'timeout', 'policy', 'header', 'field', 'param', 'env', 'var', 'variable', 'enabled', 'disabled', 'required', 'mode',
  'version', 'format', 'location', 'source', 'prefix', 'suffix', 'regex', 'pattern', 'hash', 'hashed', 'digest', 'salt', 'rotation',
  'provider', 'store', 'manager', 'user', 'username', 'usr', 'login', 'email', 'audience', 'issuer', 'scope', 'scopes', 'region',
  'algorithm', 'alg', 'bits', 'usage', 'label', 'description', 'help', 'hint', 'placeholder', 'status', 'state', 'index', 'position',
  'pos', 'start', 'end', 'class', 'error', 'public', 'pub', 'encryption', 'scheme', 'method', 'strength', 'complexity',
]);
/**
 * Names that hold a credential without a credential word: SonarQube's scanner property
 * `sonar.login` (`SONAR_LOGIN`), the analysis token, not a user name; and `plaintext_value`, the
 * secret's own text in the GitHub provider's `github_actions_secret`, `github_dependabot_secret`
 * and `github_codespaces_secret` resources (`encrypted_value` is the sealed form).
 */
const NAMED_CREDENTIALS = /sonar[._-]?login$|(?:^|[._-])plaintext[._-]?value$/i;
/** Words that make a `…token` name an anti-forgery value a page carries, not a credential. */
const NOT_CREDENTIAL_TOKENS = new Set(['csrf', 'xsrf', 'csrftoken', 'xsrftoken', 'authenticity']);
/**
 * A word before `token` that makes it a marker of a request or a page, not a credential:
 * `creation_token` (EFS) and `idempotency_token` make a create call safe to retry; `NextToken`,
 * `page_token` and `continuation_token` resume a listing; `cancellation_token` stops a task.
 */
const MARKER_TOKEN_QUALIFIERS = new Set(['creation', 'idempotency', 'idempotent', 'continuation', 'pagination', 'page', 'next', 'cancellation', 'cancel']);
/** A first word that makes the name a switch or an action about a credential (`use_token`, `update_password`). */
const SWITCH_FIRST_WORDS = new Set(['no', 'skip', 'use', 'has', 'is', 'allow', 'enable', 'disable', 'require', 'show', 'forgot', 'reset', 'update', 'change']);

/**
 * Names already split, by name. The same few names (`password`, `token`, a workflow's `run`)
 * come back in every document and on every keystroke; bounded, and cleared when full.
 */
const splitNames = new Map<string, readonly string[]>();
const SPLIT_NAMES_KEPT = 4096;
const SPLIT_NAME_MAX_LENGTH = 128;

/** The words of an identifier, lower case: split at `_`, `-`, `.`, and lower-to-upper case changes; accents dropped. A fresh array the caller may change. */
export function nameWords(name: string): string[] {
  const known = splitNames.get(name);
  if (known) return known.slice();
  // Only names with letters beyond ASCII pay for the normalisation.
  const ascii = /^[\x00-\x7f]*$/.test(name) ? name : name.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const words = ascii
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (name.length <= SPLIT_NAME_MAX_LENGTH) {
    if (splitNames.size >= SPLIT_NAMES_KEPT) splitNames.clear();
    splitNames.set(detached(name), words.slice());
  }
  return words;
}

/** The key part of an access path: `this.config.apiKey` → `apiKey`, `env["DB_PASSWORD"]` → `DB_PASSWORD`. */
export function lastKey(expression: string): string {
  // `->` (PHP) separates keys; a lone `-` belongs to kebab-case names (`api-key`).
  const parts = expression.split(/->|[.[\]"'`$]+/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/** True when an identifier, or the last key of an access path, names a credential value. */
export function namesCredential(expression: string): boolean {
  if (NAMED_CREDENTIALS.test(expression)) return true;
  const key = lastKey(expression);
  const words = nameWords(key);
  // A trailing number counts a credential (`REDIS_PASSWORD_2`, `API_KEY_1`); it is not its last word.
  while (words.length > 1 && /^\d+$/.test(words[words.length - 1]!)) words.pop();
  // Long names are messages or descriptions (`Unexpected_token_A_type_parameter_name_...`).
  if (words.length === 0 || words.length > 6) return false;
  const last = words[words.length - 1]!;
  // Anti-forgery tokens (`csrf_token`, Rails' `authenticity_token`) are per-session page values, not credentials.
  if (words.some((word) => NOT_CREDENTIAL_TOKENS.has(word))) return false;
  if (last === 'token' && words.length >= 2 && MARKER_TOKEN_QUALIFIERS.has(words[words.length - 2]!)) return false;
  if (DESCRIBES.has(last) || /^\d+$/.test(last) || words.includes('public') || SWITCH_FIRST_WORDS.has(words[0]!)) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  if (isGluedPassName(key, last)) return true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word) || FOREIGN_PASSWORD_WORDS.has(word)) return true;
    if (word.startsWith('secret') && SECRET_WORD_ENDINGS.has(word.slice(6))) return true;
    if (word === 'passe' && words[i - 1] === 'de') return true; // French `mot_de_passe`
    if (word === 'key' && i > 0 && isKeyQualifier(words[i - 1]!)) return true;
    if (word.length > 6 && !word.startsWith('by') && SECRET_SUFFIXES.some((suffix) => word.endsWith(suffix))) return true;
  }
  return false;
}

/**
 * Also true for an access key id (`AWS_ACCESS_KEY_ID`): only half a key pair, but where static
 * cloud credentials are configured (env lists, build args) it never travels without its secret.
 */
export function namesCredentialOrKeyId(expression: string): boolean {
  return namesCredential(expression) || nameWords(lastKey(expression)).join(' ').endsWith('access key id');
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
  if (isPackageWithVersion(v)) return false;
  // Letters with digits (`Opsr00m!2023`, `hunter22`); without digits only a long, varied value
  // (`#bygroup`, `p@ssword!` are syntax and words).
  if (/[A-Za-z]/.test(v) && /\d/.test(v)) return !isCamelCaseIdentifier(v);
  return v.length >= 12 && shannonEntropy(v) >= 3.5 && !isCamelCaseIdentifier(v);
}

/** A package and its version (`jjwt-jackson-0.11.2`, `openssl-3.0.13`, `lodash@4.17.21`): a dependency, not a secret. */
export function isPackageWithVersion(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z][A-Za-z0-9]*){0,6}[-_@]v?\d{1,4}(?:\.\d{1,4}){1,3}$/.test(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID and nothing else: an identifier, or where a service issues them as keys (Heroku, Postmark), a key. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A UUID, alone or leading a scope (`…/.default`): an identifier, not a secret. */
const UUID_PREFIX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])/i;
/** Characters of code, templates and prose, not of a key or password: a literal with one is a fragment. */
const CODE_OR_PROSE = /[\s(){};,'"`<>]|\$\{/;
/** Separators between the words of a name (`invalid_base64_string`, `@scope/pkg-arm64`, `msal:relay:v1`). */
const NAME_SEPARATORS = /[_./:@-]+/;

/**
 * Whether a literal no name vouches for looks like a generated key: long, letters mixed with
 * digits, varied, and neither an identifier (UUID, a name of words such as `tag:yaml.org`,
 * `invalid_base64_string`) nor a fragment of code, a URL or a path.
 */
export function looksLikeRandomKey(value: string): boolean {
  if (value.length < 16 || CODE_OR_PROSE.test(value) || value.includes('://') || value.startsWith('/') || value.startsWith('./')) return false;
  if (!/\d/.test(value) || !/[a-zA-Z]/.test(value) || UUID_PREFIX.test(value)) return false;
  const parts = value.split(NAME_SEPARATORS).filter(Boolean);
  // Words, each optionally ending in a number (`base64`, `arm64`, `v1`): a name, not a key.
  if (parts.length >= 2 && parts.every((part) => /^(?:[A-Za-z][a-z]{1,}|[A-Z]{2,})\d{0,4}$|^v?\d{1,4}$/.test(part))) return false;
  return shannonEntropy(value) >= 3.5;
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
