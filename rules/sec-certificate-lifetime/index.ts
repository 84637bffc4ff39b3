import { defineRule } from '../../server/src/engine/define-rule';
import { BEGIN_BASE64, leafCertificates } from '../lib/certificates';
import docs from './docs.md';

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
    for (const { span, certificate, days, notAfter, forSubject } of leafCertificates(document.text)) {
      const expired = notAfter < now;
      if (!expired && days <= warnDays) continue;
      const lifetime = `valid for ${days} days, until ${new Date(notAfter).toISOString().slice(0, 10)}`;
      report({
        span,
        severity: days > errorDays ? 'error' : 'warning',
        message: expired
          ? `An expired certificate${forSubject} (${lifetime}) is committed here: whatever still loads it fails, and a certificate managed by hand in the repository is one nobody rotates; issue short-lived certificates from a CA at deploy time instead.`
          : `A certificate${forSubject} ${lifetime}, over the ${days > errorDays ? errorDays : warnDays}-day limit for leaf certificates, is committed here: if its key leaks it stays usable that long, and renewing it means editing the repository; issue short-lived certificates automatically (cert-manager, ACME, a workload identity such as SPIFFE) instead.`,
        construct: `certificate:${certificate.fingerprint256}`,
      });
    }
  },
});
