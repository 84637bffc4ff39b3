/**
 * Certificates written into files: PEM blocks in any file kind (indented, in a YAML block scalar,
 * one JSON string with `\n` escapes) and PEM text base64-encoded once more (a Kubernetes Secret's
 * `tls.crt`), read with node:crypto's X509Certificate.
 */
import { X509Certificate } from 'node:crypto';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
/** `-----BEGIN CERTIFICATE-----` base64-encoded, as in a Kubernetes Secret's `tls.crt` or a `*_base64` variable. */
export const BEGIN_BASE64 = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t';
/** A certificate is a few kilobytes; a chain of them in one base64 value stays well under this. */
const MAX_BLOCK = 64 * 1024;
const DAY = 86_400_000;

export interface CertificateBlock {
  /** Where it is written: the PEM block, or the base64 value holding it. */
  readonly span: readonly [number, number];
  readonly der: Buffer;
}

/** A leaf certificate (CA certificates are trust anchors, public by design) and its validity. */
export interface LeafCertificate {
  readonly span: readonly [number, number];
  readonly certificate: X509Certificate;
  /** Validity in days, `notBefore` to `notAfter`. */
  readonly days: number;
  readonly notAfter: number;
  /** ` for 'api.example.com'`, or empty: ready for a message. */
  readonly forSubject: string;
}

/** The leaf certificates in `text`, in order; blocks that do not parse as certificates are skipped. */
export function* leafCertificates(text: string): Generator<LeafCertificate> {
  for (const block of certificateBlocks(text)) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block.der);
    } catch {
      continue; // not a certificate after all (truncated, templated, a placeholder)
    }
    if (certificate.ca) continue;
    const from = Date.parse(certificate.validFrom);
    const to = Date.parse(certificate.validTo);
    if (!Number.isFinite(from) || !Number.isFinite(to)) continue;
    yield { span: block.span, certificate, days: Math.round((to - from) / DAY), notAfter: to, forSubject: commonName(certificate.subject) };
  }
}

function commonName(subject: string): string {
  const name = /(?:^|\n)CN=([^\n]{1,128})/.exec(subject)?.[1];
  return name ? ` for '${name}'` : '';
}

/** PEM certificate blocks, in place or inside base64 values; each search moves forward, so linear. */
export function* certificateBlocks(text: string): Generator<CertificateBlock> {
  yield* pemBlocks(text, 0);
  for (let at = text.indexOf(BEGIN_BASE64); at !== -1; ) {
    let end = at;
    while (end < text.length && end - at < MAX_BLOCK && isBase64(text.charCodeAt(end))) end++;
    const decoded = Buffer.from(text.slice(at, end), 'base64').toString('latin1');
    for (const block of pemBlocks(decoded, 0)) yield { span: [at, end], der: block.der };
    at = text.indexOf(BEGIN_BASE64, Math.max(end, at + 1));
  }
}

function* pemBlocks(text: string, offset: number): Generator<CertificateBlock> {
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
