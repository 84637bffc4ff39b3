import { defineRule } from '../../server/src/engine/define-rule';
import { base64Text, shannonEntropy } from '../../server/src/engine/secret-values';
import { isCamelCaseIdentifier, isKeyIssuingService, isUuid, KEY_ISSUING_SERVICE_NAMES, looksLikeSecretLiteral, nameWords } from '../lib/credential-names';
import { accountBeforeSlash, isUuencodedLine, nameAround, nameCharacters, passwordOfPair } from '../lib/name-around';
import { xmlValueAfterName } from '../lib/xml-values';
import docs from './docs.md';

/**
 * `<qualifier>_key = <machine-generated value>` and `<qualifier>_pw = <literal>`: settings named
 * after a vendor or a system (`cloudant_key`, `sl_key`, `ibm-iam_key`, `MASTER_KEY`, `db_pw`) rather
 * than with a credential word. The name alone says little (`cache_key`, `sort_key` are not
 * secrets), so a `*_key` value must look generated: long, no spaces, letters mixed with digits, and
 * high entropy or a key alphabet. Names with a credential word (`password`, `secret`, `token`,
 * `api_key`, `access_key`, ...) and a service's key (`HEROKU_KEY`) are sec-password-assignment's and are left to it.
 */
/**
 * Where a name's search starts: the prefilter's pass records these words' offsets. A setting named
 * only after a service that issues API keys (`mailgun = "…"`, `CLOUDFLARE: …`) holds its key.
 */
const HIT_WORDS = ['key', 'pw', ...KEY_ISSUING_SERVICE_NAMES];
const isNameChar = nameCharacters('.-');
/** Right after a name: optional closing quote, the operator, then a quoted (2, 3) or bare (4) value. */
const OPERATOR_VALUE = /["']?[ \t]*(?::{1,3}=|\?{1,2}=|=>|:|=)[ \t]*(?:@?(["'`])([^"'`\r\n]{1,400})\1|([^\s"'`,;#{}()[\]<>]{1,400}))/y;
/** The credential words sec-password-assignment looks for: names containing one are its. */
const OTHER_RULES_WORDS = /pass|pwd|secret|token|credential|api[_-]?key|private[_-]?key|access[_-]?key|auth[_-]?key|signing[_-]?key/i;
/** Qualifiers that make `<qualifier>_key` a lookup key, a public key or a key reference, not a secret. */
const NOT_SECRET_QUALIFIERS = new Set([
  'public', 'publishable', 'pub', 'site', 'sort', 'primary', 'foreign', 'partition', 'range', 'cache', 's3', 'object', 'bucket', 'blob',
  'i18n', 'translation', 'locale', 'map', 'hot', 'dedupe', 'dedup', 'idempotency', 'ssh', 'gpg', 'pgp', 'kms', 'group', 'registry',
  'lookup', 'index', 'row', 'hash', 'name', 'file', 'path', 'config', 'label', 'column', 'field', 'attribute', 'env', 'unique',
  'composite', 'compound', 'shortcut', 'keyboard', 'meta', 'tag', 'media', 'image', 'asset', 'routing', 'message', 'event', 'query',
  'search', 'state', 'item', 'list', 'dict', 'json', 'yaml', 'table', 'entity', 'cursor', 'page', 'next', 'prev', 'previous', 'last',
  'first', 'start', 'end', 'local', 'storage', 'cert', 'certificate', 'tls', 'ssl', 'host', 'user', 'device', 'license', 'product',
  'sentry', 'dsn', 'consumer', 'activation', 'result', 'response', 'request', 'output', 'input', 'foo', 'bar', 'test', 'example', 'sample', 'dummy', 'fake', 'mock',
]);
const CODE_LANGUAGES = new Set(['javascript', 'typescript', 'tsx', 'python', 'go', 'java']);

export default defineRule({
  id: 'sec-keyed-random-value',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  keywords: HIT_WORDS,
  locatesKeywords: true,
  docs,
  check({ document, report }) {
    const text = document.text;
    const language = document.codeLanguage;
    const code = language !== undefined && CODE_LANGUAGES.has(language);
    let scannedTo = 0;
    for (const hitStart of document.keywordStarts(HIT_WORDS)) {
      if (hitStart < scannedTo || isUuencodedLine(text, hitStart)) continue;
      // The rest of the word is letters, which the name takes in.
      const { start, end } = nameAround(text, hitStart, hitStart + 1, isNameChar);
      scannedTo = end;
      // Part of a path, a URL or an ARN, not a name; `ID:ops/PW:…` joins an account and its password.
      const account = start > 0 && text[start - 1] === '/' ? accountBeforeSlash(text, start - 1) : undefined;
      if (start > 0 && (text[start - 1] === ':' || (text[start - 1] === '/' && !account))) continue;
      const name = trimPunctuation(text.slice(start, end));
      const kind = keyedName(name);
      if (!kind) continue;
      const assigned = valueAfterName(text, start, end, code);
      if (!assigned) continue;
      const { value, start: valueStart } = account === 'paired' ? passwordOfPair(assigned.value, assigned.start) : assigned;
      // Heroku's and Railway's API keys are UUIDs: under a service's own name a UUID is its key.
      if (kind === 'pw' ? !looksLikeSecretLiteral(value) : !(looksGenerated(value) || (kind === 'service' && isUuid(value)))) continue;
      report({
        span: [valueStart, valueStart + value.length],
        secret: value,
        message:
          kind !== 'pw'
            ? `${name} is set to a literal that looks like a generated key ({{secret}}): a key in a file works for whoever reads it until it is revoked; load it at run time from a secret store or the environment.`
            : `${name} is set to a literal password ({{secret}}): it is readable by everyone with the file and stays valid until it is changed; load it at run time from a secret store or the environment.`,
        construct: name,
      });
    }
  },
});

/** The literal assigned to the name at `[start, end)`: after an operator, or as XML gives it. */
function valueAfterName(text: string, start: number, end: number, code: boolean): { value: string; start: number } | undefined {
  OPERATOR_VALUE.lastIndex = end;
  const match = OPERATOR_VALUE.exec(text);
  if (!match) return xmlValueAfterName(text, start, end);
  const [whole, quote, quotedValue, bareValue] = match;
  const value = quotedValue ?? bareValue;
  if (value === undefined || (bareValue !== undefined && code)) return undefined;
  // `x_key: ${KEY}`, `x_key = var.key`: references are dropped by the engine; a bare call is not a literal.
  if (bareValue !== undefined && text[end + whole.length] === '(') return undefined;
  return { value, start: end + whole.length - value.length - (quote ? 1 : 0) };
}

/** A name without leading or trailing dots and dashes (`.db_pw` in `config.db_pw`, `--sl-key`). */
function trimPunctuation(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && (name[start] === '.' || name[start] === '-')) start++;
  while (end > start && (name[end - 1] === '.' || name[end - 1] === '-')) end--;
  return name.slice(start, end);
}

/** `key` for `<qualifier>_key` names, `pw` for `*_pw` names, `service` for a key-issuing service's name alone, undefined otherwise. */
function keyedName(name: string): 'key' | 'pw' | 'service' | undefined {
  if (OTHER_RULES_WORDS.test(name)) return undefined;
  const segments = nameWords(name.slice(name.lastIndexOf('.') + 1));
  const last = segments[segments.length - 1];
  if (!last || segments.length > 6) return undefined;
  if (last === 'pw') return 'pw';
  if (segments.length === 1 && isKeyIssuingService(last)) return 'service';
  if (last !== 'key' || segments.length < 2) return undefined;
  const qualifier = segments[segments.length - 2]!;
  // A service's key (`HEROKU_KEY`) is an API key: sec-password-assignment's.
  if (NOT_SECRET_QUALIFIERS.has(qualifier) || /^\d+$/.test(qualifier) || isKeyIssuingService(qualifier)) return undefined;
  return 'key';
}

/**
 * A value that looks machine-generated: 16 to 400 characters of a key alphabet with no spaces,
 * letters mixed with digits, not a UUID, a version, a path or a dotted name, and varied enough
 * (at least 8 distinct characters, entropy of 3 bits per character or more).
 */
export function looksGenerated(value: string): boolean {
  const v = value.trim();
  if (v !== value || v.length < 16 || v.length > 400) return false;
  if (!/^[A-Za-z0-9+/=_.~:-]+$/.test(v)) return false;
  if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return false;
  if (isUuid(v)) return false;
  if (/^(?:arn|projects|https?|s3|gs):/i.test(v) || v.startsWith('/') || v.startsWith('./')) return false;
  // Dotted or dashed words (`auth.errors.key2`, `feature-flag-v2`): each part a word with at most
  // a short number after it, not a prefix before a random body (`sk-` and 48 mixed characters).
  if (/^[a-z]+(?:[._-](?:[a-z]{1,30}\d{0,3}|\d{1,3})){1,10}$/i.test(v) && !/\d{3}/.test(v)) return false;
  // Publishable (client-side) keys are meant to be public: Stripe's `pk_`, PostHog's project key `phc_`.
  if (/^(?:pk_(?:live|test)_|phc_)/.test(v)) return false;
  if (decodesToText(v) || isCamelCaseIdentifier(v)) return false;
  return new Set(v).size >= 8 && shannonEntropy(v) >= 3;
}

/** Base64 of readable text (`ZHVtbXkgdGV4dA==` is "dummy text"): encoded data or a test value, not a generated key. */
function decodesToText(value: string): boolean {
  const decoded = base64Text(value);
  return decoded !== undefined && decoded.length >= 8 && decoded.includes(' ');
}
