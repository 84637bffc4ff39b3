import { defineRule } from '../../server/src/engine/define-rule';
import { commands, hasWord, optionValue, programWords, scriptSessions, type Command } from '../lib/shell-script';
import { parseDuration } from '../lib/duration';
import docs from './docs.md';

const DIGITS = /^\d{1,9}$/;

/** Where a validity is written, what it counts in, and whether the command issues a CA certificate. */
interface Validity {
  readonly tool: string;
  readonly option: string;
  readonly value: { value: string; start: number; end: number };
  readonly ca: boolean;
}

/** `openssl req -x509 -days N`, `openssl x509 … -days N`, `openssl ca -days N`, `keytool -genkeypair -validity N`. */
function certificateValidity(command: Command): Validity | undefined {
  const p = programWords(command);
  const [program, sub] = p;
  const ca = p.some((word) => {
    const lower = word.toLowerCase();
    return lower.includes('ca:true') || lower === 'v3_ca';
  });
  if (program === 'openssl' && (sub === 'x509' || sub === 'ca' || (sub === 'req' && hasWord(command, '-x509')))) {
    const value = optionValue(command, '-days');
    return value && { tool: `openssl ${sub}`, option: '-days', value, ca };
  }
  if (program === 'keytool' && hasWord(command, '-genkeypair', '-genkey', '-gencert', '-selfcert')) {
    const value = optionValue(command, '-validity');
    return value && { tool: 'keytool', option: '-validity', value, ca: ca || hasWord(command, 'bc:c', 'BasicConstraints:critical=ca:true') };
  }
  return undefined;
}

export default defineRule({
  id: 'sh-long-cert-days',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['shell', 'dockerfile', 'github-actions', 'gitlab-ci', 'circleci'],
  keywords: ['openssl', 'keytool', '--duration'],
  options: {
    warnDays: {
      type: 'number',
      default: 90,
      description: 'Certificate validity in days above which a warning is reported (cert-manager issues 90-day certificates by default).',
    },
    errorDays: {
      type: 'number',
      default: 398,
      description: 'Validity in days above which a leaf certificate is an error (the CA/Browser Forum maximum for certificates issued before 2026-03-15; lower since).',
    },
    tokenMaxSeconds: {
      type: 'number',
      default: 3600,
      description: 'Longest `kubectl create token --duration` accepted, in seconds (projected service-account tokens default to one hour).',
    },
  },
  docs,
  check({ document, options, report }) {
    const text = document.text;
    const warnDays = Number(options.warnDays);
    const errorDays = Number(options.errorDays);
    const tokenMaxSeconds = Number(options.tokenMaxSeconds);
    for (const session of scriptSessions(document, ['shell', 'dockerfile', 'github-actions', 'gitlab-ci', 'circleci'])) {
      for (const piece of session) {
        for (const command of commands(text, piece)) {
          const validity = certificateValidity(command);
          if (validity) {
            const { value, tool, option, ca } = validity;
            if (!DIGITS.test(value.value)) continue;
            const days = Number(value.value);
            if (days <= warnDays) continue;
            const error = days > errorDays && !ca;
            // The digits themselves, so the fix replaces only them (quotes stay).
            const at = text.indexOf(value.value, value.start);
            const span: [number, number] = at !== -1 && at < value.end ? [at, at + value.value.length] : [value.start, value.end];
            report({
              span,
              message: `\`${tool} ${option} ${days}\` issues a ${ca ? 'CA ' : ''}certificate valid for ${days} days (over ${error ? errorDays : warnDays}): a long-lived key that leaks stays usable for years and is rarely rotated; issue it for ${warnDays} days or less and automate renewal (cert-manager, Vault PKI, ACME).`,
              construct: `${tool} ${option} ${days}`,
              severity: error ? 'error' : 'warning',
              data: { days: warnDays },
              fixable: text.slice(span[0], span[1]) === value.value,
            });
            continue;
          }
          const p = programWords(command);
          if (p[0] === 'kubectl' && p[1] === 'create' && p[2] === 'token') {
            const value = optionValue(command, '--duration');
            const seconds = value && parseDuration(value.value);
            if (!value || seconds === undefined || seconds <= tokenMaxSeconds) continue;
            report({
              span: [value.start, value.end],
              message: `\`kubectl create token --duration ${value.value}\` requests a service-account token valid for more than ${tokenMaxSeconds} seconds: a copied token keeps working until it expires; request ${tokenMaxSeconds / 3600 >= 1 ? `${tokenMaxSeconds / 3600}h` : `${tokenMaxSeconds}s`} or less, or mount a projected token that the kubelet rotates.`,
              construct: `kubectl create token --duration ${value.value}`,
              fixable: false,
            });
          }
        }
      }
    }
  },
  fix({ finding }) {
    const days = (finding.data as { days?: number } | undefined)?.days;
    if (days === undefined) return [];
    return [{ title: `Issue the certificate for ${days} days`, edits: [{ span: finding.span, newText: String(days) }] }];
  },
});
