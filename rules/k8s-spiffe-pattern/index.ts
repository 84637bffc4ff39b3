import { X509Certificate } from 'node:crypto';
import { defineRule } from '../../server/src/engine/define-rule';
import { nodeSpan } from '../../server/src/engine/parse/yaml';
import { secretEntries, secretEntryContent } from '../lib/k8s-yaml';
import docs from './docs.md';

/** Extended key usage `id-kp-clientAuth`: the certificate identifies a client in mutual TLS. */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
const DAY = 86_400_000;
/** Secret keys that hold a certificate: `tls.crt`, `client.crt`, `cert.pem`, `client-cert`. */
const CERTIFICATE_KEY = /(?:\.crt|\.pem|cert)$/i;

export default defineRule({
  id: 'k8s-spiffe-pattern',
  category: 'long-lived-credential',
  defaultSeverity: 'info',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: ['.crt', '.pem', 'cert'],
  syntax: 'yaml',
  options: {
    maxDays: {
      type: 'number',
      default: 90,
      description: 'Client certificate lifetime above which to suggest a rotating workload identity (90 days, the cert-manager default; SPIFFE SVIDs live 1 hour by default).',
    },
  },
  docs,
  check({ document, options, report }) {
    const maxDays = Number(options.maxDays);
    for (const entry of secretEntries(document)) {
      const { name, key, value } = entry;
      if (!CERTIFICATE_KEY.test(key)) continue;
      const content = secretEntryContent(entry);
      const certificate = content === undefined ? undefined : leafCertificate(content);
      if (!certificate || certificate.ca || !(certificate.keyUsage ?? []).includes(CLIENT_AUTH)) continue;
      const from = Date.parse(certificate.validFrom);
      const to = Date.parse(certificate.validTo);
      const days = Math.round((to - from) / DAY);
      if (!Number.isFinite(days) || days <= maxDays) continue;
      const span = nodeSpan(value);
      if (!span) continue;
      report({
        span,
        message:
          `Secret '${name}' hands workloads a client certificate${commonName(certificate.subject)} valid for ${days} days for mutual TLS: one static identity, shared by every pod that mounts it and rotated by hand. ` +
          'Give each workload its own short-lived identity instead: SPIFFE SVIDs from SPIRE or cert-manager csi-driver-spiffe, issued per pod and rotated hourly.',
        construct: `${name}:${key}:${certificate.fingerprint256}`,
      });
    }
  },
});

/** The first certificate of a PEM bundle (the leaf, by convention), or undefined. */
function leafCertificate(pem: string): X509Certificate | undefined {
  const start = pem.indexOf(BEGIN);
  const end = start === -1 ? -1 : pem.indexOf(END, start);
  if (end === -1) return undefined;
  try {
    return new X509Certificate(pem.slice(start, end + END.length));
  } catch {
    return undefined;
  }
}

function commonName(subject: string): string {
  const line = subject.split('\n').find((part) => part.startsWith('CN='));
  return line ? ` for '${line.slice(3)}'` : '';
}
