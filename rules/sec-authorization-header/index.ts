import { defineRule } from '../../server/src/engine/define-rule';
import { isPlaceholderSecret } from '../../server/src/engine/secret-values';
import { decodeUserPassword } from '../lib/basic-credentials';
import { isUuid } from '../lib/credential-names';
import { looksGenerated } from '../sec-keyed-random-value';
import docs from './docs.md';

/**
 * Credentials written into an HTTP `Authorization` header: `Basic <base64 of user:password>`,
 * `Bearer <token>` and a bare API key without a scheme, in code (a headers object, a request builder), scripts (`curl -H`), API
 * collections and configuration. The scheme must follow a quote (the literal is the header value)
 * or an `Authorization` name on the same line; a template or a concatenation is a value filled in
 * at run time and is left alone.
 */
const SCHEMES = ['bearer', 'basic', 'token', 'api-token'];
/**
 * The scheme, blanks, then a token68 value (RFC 9110), bounded. `Token` (Django REST framework,
 * GitHub's older form) and `Api-Token` (Dynatrace) carry API tokens the same way as `Bearer`.
 */
const CREDENTIAL = /(Bearer|Basic|Token|Api-Token)[ \t]+([A-Za-z0-9._~+/-]{16,600}={0,2})(?![\w.~+/=$-])/iy;
/** Schemes that are also ordinary words (`"Token expired"`): only after an `Authorization` name. */
const WORD_SCHEMES = new Set(['token', 'api-token']);
const AUTHORIZATION = /authorization/i;
/**
 * A header value with no scheme (`Authorization: 5eb4…`, `"Authorization": "<key>"`): APIs that take
 * the bare key there. From the name; the value is group 1, one token68 run that ends the value.
 */
const SCHEMELESS = /authorization["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9._~+/-]{16,600}={0,2})(?![\w.~+/=$-])/iy;
/** How far back on the line an `Authorization` name is looked for. */
const REACH = 200;

export default defineRule({
  id: 'sec-authorization-header',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: [...SCHEMES, 'authorization'],
  locatesKeywords: true,
  // A vendor's token in a header is better reported, with its vendor's advice, by the vendor's rule.
  generic: true,
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const start of document.keywordStarts(['authorization'])) {
      SCHEMELESS.lastIndex = start;
      const match = SCHEMELESS.exec(text);
      if (!match || (start > 0 && /[\w-]/.test(text[start - 1]!))) continue;
      const value = match[1]!;
      // A UUID there is an API key (Heroku's, for one); elsewhere the value must look generated. A JWT is sec-provider-tokens'.
      if (value.startsWith('eyJ') || isPlaceholderSecret(value) || !(isUuid(value) || looksGenerated(value))) continue;
      const valueStart = start + match[0].length - value.length;
      report({
        span: [valueStart, valueStart + value.length],
        secret: value,
        message: 'Hardcoded API key in an Authorization header ({{secret}}): whoever reads it can call the service with it until it is revoked. Read it from a secret store at run time, or use a short-lived token.',
      });
    }
    for (const start of document.keywordStarts(SCHEMES)) {
      CREDENTIAL.lastIndex = start;
      const match = CREDENTIAL.exec(text);
      if (!match) continue;
      const before = start > 0 ? text[start - 1]! : '';
      if (/[\w-]/.test(before)) continue;
      const lineStart = text.lastIndexOf('\n', start) + 1;
      // The header value opens a string literal, or follows an `Authorization` name on its line (word schemes: only the latter).
      const scheme = match[1]!.toLowerCase();
      const named = AUTHORIZATION.test(text.slice(Math.max(lineStart, start - REACH), start)) || isListedUnderAuthorization(text, lineStart, start);
      if (!named && (WORD_SCHEMES.has(scheme) || !`"'\``.includes(before))) continue;
      const value = match[2]!;
      const valueStart = start + match[0].length - value.length;
      if (scheme === 'basic') {
        const password = basicPassword(value);
        if (password === undefined) continue;
        report({
          span: [valueStart, valueStart + value.length],
          secret: value,
          message: 'Hardcoded HTTP Basic credentials ({{secret}}, base64 of a user name and password): base64 is an encoding, not a protection; anyone with the file can call the service as that account until the password is changed. Build the header at run time from a secret store, or use a short-lived token.',
        });
      } else {
        // A JWT is reported by sec-provider-tokens, with what its claims say.
        if (value.startsWith('eyJ') || !looksGenerated(value)) continue;
        report({
          span: [valueStart, valueStart + value.length],
          secret: value,
          message: `Hardcoded ${scheme === 'bearer' ? 'bearer' : 'API'} token in an Authorization header ({{secret}}): whoever reads it can call the service with it until it expires or is revoked. Request a short-lived token at run time (OAuth client credentials, workload identity) or read it from a secret store.`,
        });
      }
    }
  },
});

/** A YAML list item (`- `) alone before the scheme on its line. */
const LIST_ITEM = /^[ \t]*-[ \t]+["']?$/;
/** A line that is only an `Authorization` (or `Proxy-Authorization`) key opening a block, its value on the lines below. */
const AUTHORIZATION_KEY = /^[ \t]*["']?(?:proxy-)?authorization["']?[ \t]*:[ \t]*$/i;

/**
 * True when the scheme opens a list item under an `Authorization:` key on the line above: recorded
 * HTTP interactions (VCR and vcrpy cassettes) keep each header's values as a list, so the header
 * name and its credential sit on lines of their own.
 */
function isListedUnderAuthorization(text: string, lineStart: number, start: number): boolean {
  if (lineStart < 2 || !LIST_ITEM.test(text.slice(lineStart, start))) return false;
  const previousEnd = text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1;
  const previousStart = text.lastIndexOf('\n', previousEnd - 1) + 1;
  return previousEnd - previousStart <= REACH && AUTHORIZATION_KEY.test(text.slice(previousStart, previousEnd));
}

/** The password of a Basic credential, if `value` is base64 of printable `user:password` with a real password. */
function basicPassword(value: string): string | undefined {
  const password = decodeUserPassword(value)?.password;
  if (password === undefined || password.length < 4 || isPlaceholderSecret(password) || /^(?:password|passwd|pass|secret|changeme|\$\{?\w+\}?)$/i.test(password)) return undefined;
  return password;
}
