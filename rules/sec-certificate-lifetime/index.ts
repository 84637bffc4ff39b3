import { X509Certificate } from 'node:crypto';
import { defineRule } from '../../server/src/engine/define-rule';
import docs from './docs.md';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
/** `-----BEGIN CERTIFICATE-----` base64-encoded, as in a Kubernetes Secret's `tls.crt` or a `*_base64` variable. */
const BEGIN_BASE64 = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t';
/** A certificate is a few kilobytes; a chain of them in one base64 value stays well under this. */
const MAX_BLOCK = 64 * 1024;
const DAY = 86_400_000;

interface Block {
  /** Where the finding goes: the PEM block, or the base64 value holding it. */
  readonly span: readonly [number, number];
  readonly der: Buffer;
}

export default defineRule({
  id: 'sec-certificate-lifetime',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: '*',
  keywords: ['begin certificate', BEGIN_BASE64.toLowerCase()],
  options: {
    warnDays: { type: 'number', default: 90, description: 'Leaf certificate lifetime above which to warn (90 days, the cert-manager default).' },
    errorDays: { type: 'number', default: 398, description: 'Leaf certificate lifetime above which it is an error (398 days, the CA/B Forum maximum for public TLS certificates issued before 2026-03-15).' },
  },
  docs,
  check({ document, options, report }) {
    const warnDays = Number(options.warnDays);
    const errorDays = Number(options.errorDays);
    const now = Date.now();
    for (const block of certificateBlocks(document.text)) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(block.der);
      } catch {
        continue; // not a certificate after all (truncated, templated, a placeholder)
      }
      // A CA certificate is a trust anchor, public by design; its lifetime is the PKI owner's policy.
      if (certificate.ca) continue;
      const from = Date.parse(certificate.validFrom);
      const to = Date.parse(certificate.validTo);
      if (!Number.isFinite(from) || !Number.isFinite(to)) continue;
      const days = Math.round((to - from) / DAY);
      const expired = to < now;
      if (!expired && days <= warnDays) continue;
      const subject = commonName(certificate.subject);
      const until = new Date(to).toISOString().slice(0, 10);
      const lifetime = `valid for ${days} days, until ${until}`;
      report({
        span: block.span,
        severity: days > errorDays ? 'error' : 'warning',
        message: expired
          ? `An expired certificate${subject} (${lifetime}) is committed here: whatever still loads it fails, and a certificate managed by hand in the repository is one nobody rotates; issue short-lived certificates from a CA at deploy time instead.`
          : `A certificate${subject} ${lifetime}, over the ${days > errorDays ? errorDays : warnDays}-day limit for leaf certificates, is committed here: if its key leaks it stays usable that long, and renewing it means editing the repository; issue short-lived certificates automatically (cert-manager, ACME, a workload identity such as SPIFFE) instead.`,
        construct: `certificate:${certificate.fingerprint256}`,
      });
    }
  },
});

function commonName(subject: string): string {
  const name = /(?:^|\n)CN=([^\n]{1,128})/.exec(subject)?.[1];
  return name ? ` for '${name}'` : '';
}

/** PEM certificate blocks, in place or inside base64 values; each search moves forward, so linear. */
function* certificateBlocks(text: string): Generator<Block> {
  yield* pemBlocks(text, 0);
  for (let at = text.indexOf(BEGIN_BASE64); at !== -1; ) {
    let end = at;
    while (end < text.length && end - at < MAX_BLOCK && isBase64(text.charCodeAt(end))) end++;
    const decoded = Buffer.from(text.slice(at, end), 'base64').toString('latin1');
    for (const block of pemBlocks(decoded, 0)) yield { span: [at, end], der: block.der };
    at = text.indexOf(BEGIN_BASE64, Math.max(end, at + 1));
  }
}

function* pemBlocks(text: string, offset: number): Generator<Block> {
  let end = -1;
  for (let begin = text.indexOf(BEGIN); begin !== -1; begin = text.indexOf(BEGIN, begin + BEGIN.length)) {
    if (end < begin) end = text.indexOf(END, begin);
    if (end === -1) return;
    if (end - begin > MAX_BLOCK) continue;
    // The body as written in any file kind: indented, in a YAML block scalar, or one JSON string with `\n` escapes.
    const body = text.slice(begin + BEGIN.length, end).replace(/\\[nr]/g, '').replace(/[^A-Za-z0-9+/=]/g, '');
    yield { span: [offset + begin, offset + end + END.length], der: Buffer.from(body, 'base64') };
  }
}

function isBase64(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 43 || code === 47 || code === 61;
}
