/**
 * Shared judgement of whether a matched value is a real secret or a stand-in for one. Every
 * secret-bearing report passes through `isPlaceholderSecret` in the runner, so rules need not
 * repeat it.
 */

// `{{ … }}` covers `${{ … }}` too; the lookbehind and `[^{}]` keep match attempts from overlapping, so a
// long run of unclosed openers stays linear. A Terraform reference (`local.name`) starts a word: `k4.local.…` is a key.
const TEMPLATE_REFERENCE =
  /(?<!\{)\{\{[^{}]*\}\}|\$\{[A-Za-z_][\w.:-]*\}|^\$[A-Za-z_]\w*$|^%[A-Za-z_]\w*%$|^<[^>]*>$|(?<![\w.-])(?:var|local|data|module)\.[A-Za-z_]/;

/**
 * Long marker words count anywhere (AWS's documentation keys end in EXAMPLE / EXAMPLEKEY), and so
 * does `deadbeef`, the hex filler of docs and tests.
 */
const PLACEHOLDER_ANYWHERE = /example|placeholder|changeme|change_me|replace[_-]?me|redacted|deadbeef|xxxxx|\*\*\*\*|\.\.\.|<[a-z_-]+>/i;
/** Short words count only as whole words, so a random token that happens to contain "fake" survives. */
const PLACEHOLDER_WORD = /(?:^|[^a-z0-9])(?:your|dummy|sample|fake|insert|todo|tbd|here)(?:[^a-z0-9]|$)/i;

/**
 * A constant's name standing in for the value (`MYTOKEN1`, `NPM_TOKEN`, `DB_PASSWORD`): capitals,
 * underscores and a short number, naming a credential. The placeholder of docs and templates, or
 * the name of the variable the value is read from.
 */
const CREDENTIAL_CONSTANT_NAME = /^[A-Z][A-Z_]{2,60}\d{0,3}$/;
const CREDENTIAL_WORD = /TOKEN|PASS|PWD|SECRET|KEY|AUTH|CRED/;

/**
 * A UUID whose three middle groups are one group repeated (`12345678-ABCD-ABCD-ABCD-1234567890AB`,
 * the nil UUID): typed by hand for docs and tests; a generated UUID never repeats a group so.
 */
const FILLER_UUID = /^[0-9a-f]{8}-([0-9a-f]{4})-\1-\1-[0-9a-f]{12}$/i;

/** A user/password pair spelled with the field names themselves (`username:password`, `user:pass`). */
const FIELD_NAMES_PAIR = /^(?:user(?:[-_]?name)?|login):(?:pass(?:word|wd)?|pwd)$/i;

/**
 * Credentials published in standards as worked examples, and copied from there into countless
 * docs, docstrings and tests: OAuth 2.0 (RFC 6749 and 6750: tokens, code, client secrets, and the
 * client's Basic credentials) and OAuth 1.0 (RFC 5849 and its test vectors: consumer and token
 * keys and secrets). Like AWS's `…EXAMPLE` keys, they open nothing.
 */
const DOCUMENTED_EXAMPLE_VALUES = [
  '2YotnFZFEjr1zCsicMWpAA', 'tGzv3JOkF0XG5Qx2TlKWIA', 'SplxlOBeZQQYbYS6WxSbIA', '7Fjfp0ZBr1KtDRbnfVdmIw', 'gX1fBat3bV', 'mF_9.B5f-4.1JqM',
  'czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3',
  '0685bd9184jfhq22', 'ad180jjd733klru7', 'dpf43f3p2l4k3l03', 'kd94hf93k423kf44', 'nnch734d00sl2jdk', 'pfkkdhi9sl3r4s00',
  'hh5s93j4hdidpola', 'hdhd0244k9j7ao03', 'djr9rjt0jd78jf88',
];

/**
 * True for a value that names where the secret comes from instead of holding one: a template or
 * Terraform reference (quoted by mistake or filled in later), or a constant's name (`NPM_TOKEN`).
 * A subset of `isPlaceholderSecret`, for rules that tell a stand-in value from a pointer elsewhere.
 */
export function isSecretReference(value: string): boolean {
  const trimmed = value.trim();
  return TEMPLATE_REFERENCE.test(trimmed) || (CREDENTIAL_CONSTANT_NAME.test(trimmed) && CREDENTIAL_WORD.test(trimmed));
}

/** True for template references, placeholders, masked values and documentation examples. */
export function isPlaceholderSecret(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length === 0) return true;
  if (isSecretReference(trimmed)) return true;
  if (PLACEHOLDER_ANYWHERE.test(trimmed) || PLACEHOLDER_WORD.test(trimmed)) return true;
  if (FIELD_NAMES_PAIR.test(trimmed)) return true;
  if (isEncodedSentence(trimmed)) return true;
  // Contained, not equal: `Basic czZC…`, `oauth_token="ad180jjd733klru7"`.
  if (DOCUMENTED_EXAMPLE_VALUES.some((example) => trimmed.includes(example))) return true;
  // A single repeated character or a run like "0000…" / "aaaa…" is filler, not entropy.
  if (/^(.)\1+$/.test(trimmed)) return true;
  if (FILLER_UUID.test(trimmed)) return true;
  return false;
}

/**
 * Base64 of a phrase (`bm90IG15IHJlYWwgcGFzc3dvcmQ=` is "not my real password"): docs encode a
 * made-up value where the format wants base64 (npm's `_password`, a Kubernetes Secret's `data`).
 * Words and spaces only, at least two spaces; a real password encoded this way has neither.
 */
function isEncodedSentence(value: string): boolean {
  if (value.length < 16) return false;
  const decoded = base64Text(value);
  return decoded !== undefined && /^[A-Za-z][A-Za-z ,.'!?-]*$/.test(decoded) && (decoded.match(/ /g)?.length ?? 0) >= 2;
}

/** What a padded base64 value (up to `maxLength` characters) decodes to, when that is printable ASCII text; undefined otherwise. */
export function base64Text(value: string, maxLength = 400): string | undefined {
  if (value.length > maxLength || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]*$/.test(decoded) ? decoded : undefined;
}

/** Shannon entropy in bits per character: random tokens sit near 4 to 6, words near 2 to 3. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
