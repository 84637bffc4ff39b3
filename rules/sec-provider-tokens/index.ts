import { defineRule } from '../../server/src/engine/define-rule';
import { KeywordSelector } from '../../server/src/engine/keywords';
import docs from './docs.md';

/**
 * Token formats of vendors that secretlint's recommended preset does not cover. Every pattern is
 * anchored on a fixed prefix or structure and uses bounded repetitions only (linear time), and each
 * `keyword` is a lower-case substring every match contains, for the prefilter. The secret is the
 * whole match unless `group` names a capture group.
 */
interface TokenFormat {
  readonly kind: string;
  readonly keyword: string;
  readonly pattern: RegExp;
  readonly group?: number;
  /**
   * Set when `keyword` (as written in the pattern) sits this many characters into every match:
   * the keyword is then found with `indexOf` and the pattern tried there only. A pattern that opens
   * with a character class is otherwise tried at every position of the file.
   */
  readonly keywordOffset?: number;
  /** What to do instead, in a few words. */
  readonly advice: string;
  /** A structural check of the matched secret beyond its shape. */
  readonly accept?: (secret: string) => boolean;
}

const FORMATS: readonly TokenFormat[] = [
  { kind: 'Stripe secret key', keyword: '_live_', pattern: /\b[rs]k_live_[0-9A-Za-z]{20,247}\b/g, advice: 'use a restricted key from a secret store' },
  { kind: 'Stripe test secret key', keyword: '_test_', pattern: /\b[rs]k_test_[0-9A-Za-z]{20,247}\b/g, advice: 'keep even test keys in a secret store' },
  // Twilio and Discord tokens have no distinctive prefix: they are looked for only in files that name the vendor.
  { kind: 'Twilio API key', keyword: 'twilio', pattern: /\bSK[0-9a-fA-F]{32}\b/g, advice: 'read it from a secret store' },
  { kind: 'Telegram bot token', keyword: ':aa', pattern: /\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b/g, advice: 'revoke it with @BotFather and read the new one at run time' },
  { kind: 'Discord bot token', keyword: 'discord', pattern: /(?<![A-Za-z\d_-])[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}(?![A-Za-z\d_-])/g, advice: 'reset it in the developer portal and read it at run time' },
  // The signature is optional: an unsigned token (`alg: none`, or its signature cut off) still
  // carries the claims, and servers that accept `none` take it as it is.
  { kind: 'JSON Web Token', keyword: 'eyj', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,8000}(?:\.[A-Za-z0-9_-]{16,1000})?(?![A-Za-z0-9_-])/g, advice: 'request a short-lived token at run time instead of storing one', accept: isJsonWebToken },
  // secretlint's OpenAI rule takes project keys of two body lengths only; the `T3BlbkFJ` marker
  // (base64 of "OpenAI") in a project, service-account or admin key is enough, whatever its length.
  { kind: 'OpenAI API key', keyword: 't3blbkfj', pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,400}(?![A-Za-z0-9_-])/g, advice: 'delete it in the OpenAI dashboard and read a new one from a secret store', accept: isOpenAiKeyOutsideSecretlint },
  { kind: 'PyPI API token', keyword: 'pypi-', pattern: /\bpypi-AgE[A-Za-z0-9_-]{50,400}/g, advice: 'publish with PyPI trusted publishing (OIDC) instead' },
  { kind: 'Mailchimp API key', keyword: '-us', keywordOffset: 32, pattern: /\b[0-9a-f]{32}-us\d{1,2}\b/g, advice: 'read it from a secret store' },
  { kind: 'Square access token or secret', keyword: 'sq0', pattern: /\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,60}/g, advice: 'read it from a secret store' },
  { kind: 'Artifactory API key', keyword: 'akc', pattern: /(?<![A-Za-z0-9+/])AKC[a-zA-Z0-9]{10,80}(?![A-Za-z0-9+/=])/g, advice: 'use an access token with an expiry, or OIDC to JFrog' },
  { kind: 'Azure Storage account key', keyword: 'accountkey=', pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/g, group: 1, advice: 'use Entra ID (managed identity) or a short-lived SAS' },
  { kind: 'Google API key', keyword: 'aiza', pattern: /(?<!\w)AIza[0-9A-Za-z_-]{35}(?![\w-])/g, advice: 'restrict it to its APIs and referrers, and load it at run time' },
  { kind: 'Heroku API key', keyword: 'hrku-', pattern: /\bHRKU-(?:[0-9A-Za-z_-]{60}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g, advice: 'read it from a secret store' },
  { kind: 'DigitalOcean token', keyword: '_v1_', pattern: /\bdo[opr]_v1_[0-9a-f]{64}\b/g, advice: 'use a scoped token with an expiry from a secret store' },
  { kind: 'Atlassian API token', keyword: 'atatt', pattern: /\bATATT[A-Za-z0-9_=-]{150,300}/g, advice: 'read it from a secret store' },
  { kind: 'Discord webhook URL', keyword: 'webhooks/', pattern: /https:\/\/(?:discord(?:app)?\.com\/api\/webhooks\/\d{10,20}\/[A-Za-z0-9_-]{60,80})/g, advice: 'regenerate it and keep the URL in a secret store' },
  // Tenant subdomains may carry underscores; the legacy connector form lives under outlook.office(365).com.
  { kind: 'Microsoft Teams webhook URL', keyword: 'webhook.office.com', pattern: /(?<![\w/])https:\/\/[a-z0-9_-]{1,60}\.webhook\.office\.com\/webhookb2\/[A-Za-z0-9@/-]{40,300}/g, advice: 'regenerate it and keep the URL in a secret store' },
  { kind: 'Microsoft Teams webhook URL', keyword: 'outlook.office', pattern: /(?<![\w/])https:\/\/outlook\.office(?:365)?\.com\/webhook\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[A-Za-z0-9/-]{40,200}/g, advice: 'regenerate it and keep the URL in a secret store' },
];

const FORMATS_BY_KEYWORD = new KeywordSelector(FORMATS, (format) => [format.keyword]);

export default defineRule({
  id: 'sec-provider-tokens',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: FORMATS_BY_KEYWORD.keywords,
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const format of FORMATS_BY_KEYWORD.select(document)) {
      for (const match of format.keywordOffset === undefined ? text.matchAll(format.pattern) : matchesAtKeyword(text, format, format.keywordOffset)) {
        const secret = format.group ? match[format.group] : match[0];
        if (!secret || (format.accept && !format.accept(secret))) continue;
        const start = match.index + (format.group ? match[0].indexOf(secret) : 0);
        report({
          span: [start, start + secret.length],
          secret,
          message: `Hardcoded ${format.kind} ({{secret}}): it works for anyone who reads it until it is revoked; ${format.advice}.`,
        });
      }
    }
  },
});

const stickyPatterns = new Map(FORMATS.map((format) => [format, new RegExp(format.pattern.source, 'y')]));

function* matchesAtKeyword(text: string, format: TokenFormat, offset: number): Generator<RegExpExecArray> {
  const sticky = stickyPatterns.get(format)!;
  for (let at = text.indexOf(format.keyword, offset); at !== -1; at = text.indexOf(format.keyword, at + 1)) {
    sticky.lastIndex = at - offset;
    const match = sticky.exec(text);
    if (match) yield match;
  }
}

/** A JWT's header and payload are base64url JSON objects, and the header names its algorithm. */
function isJsonWebToken(token: string): boolean {
  const [header, payload] = token.split('.');
  const decoded = (part: string | undefined): unknown => {
    try {
      return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  };
  const head = decoded(header);
  const body = decoded(payload);
  return typeof head === 'object' && head !== null && typeof (head as { alg?: unknown }).alg === 'string' && typeof body === 'object' && body !== null;
}

/**
 * An OpenAI key body holds the marker with at least 16 characters each side; the shapes sec-openai
 * (secretlint's rule) reports, 58 or 74 characters each side, are left to it.
 */
function isOpenAiKeyOutsideSecretlint(key: string): boolean {
  const body = key.slice(key.indexOf('-', 3) + 1);
  const before = body.indexOf('T3BlbkFJ');
  const after = body.length - before - 8;
  if (before < 16 || after < 16) return false;
  return !((before === 58 || before === 74) && (after === 58 || after === 74));
}
