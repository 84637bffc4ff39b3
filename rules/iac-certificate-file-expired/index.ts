import { defineRule } from '../../server/src/engine/define-rule';
import { leafCertificates } from '../lib/certificates';
import docs from './docs.md';

const DAY = 86_400_000;

/**
 * Certificate files that infrastructure code deploys by path, read from disk beside the document:
 * Terraform `file("...")` / `filebase64("...")` (optionally `${path.module}/...`) and Ansible
 * `lookup('file', '...')` (the playbook's `files/` folder, then its own), kustomize generators'
 * `files:` and Compose `secrets:`/`configs:` read from a `file:`. The certificate itself,
 * if committed, is also sec-certificate-lifetime's to judge; what this adds is where the expired
 * or expiring certificate is put to use, which is where the deploy breaks.
 */
const TERRAFORM_FILE = /\bfile(?:base64)?\([ \t]*"((?:\$\{path\.module\}\/)?[^"$\r\n]{1,300}\.(?:pem|crt|cer))"[ \t]*\)/g;
const ANSIBLE_LOOKUP = /\blookup\([ \t]*['"]file['"][ \t]*,[ \t]*['"]([^'"{}\r\n]{1,300}\.(?:pem|crt|cer))['"][ \t]*\)/g;
/** A kustomize generator's `files:` item, optionally keyed: `- tls.crt=certs/portal.crt`. */
const KUSTOMIZE_FILE_ITEM = /^([ \t]*-[ \t]+["']?(?:[\w.-]{1,100}=)?)([^\s"'#=]{1,300}\.(?:pem|crt|cer))["']?[ \t]*(?:#.*)?$/gm;
/** A Compose secret or config read from a file: `file: ./certs/server.crt`. */
const COMPOSE_FILE = /^([ \t]+file:[ \t]*["']?)([^\s"'#]{1,300}\.(?:pem|crt|cer))["']?[ \t]*(?:#.*)?$/gm;
const KUSTOMIZATION = /(?:^|[\\/])(?:kustomization\.ya?ml|Kustomization)$/;
const MODULE_PREFIX = '${path.module}/';

export default defineRule({
  id: 'iac-certificate-file-expired',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['terraform', 'yaml'],
  keywords: ['.pem', '.crt', '.cer'],
  // Terraform and Ansible by their calls; kustomize and Compose by a certificate path ending a line.
  pattern: /\b(?:file(?:base64)?\([ \t]*"|lookup\([ \t]*['"]file['"])|\.(?:pem|crt|cer)["']?[ \t]*(?:#[^\n]*)?$/m,
  options: {
    warnDays: { type: 'number', default: 30, description: 'Warn when a referenced certificate expires within this many days (30, the usual renewal window of ACME clients and cert-manager).' },
  },
  docs,
  check({ document, options, report, readReferencedFile }) {
    const text = document.text;
    const now = Date.now();
    const soon = now + Number(options.warnDays) * DAY;
    const references = document.hasKind('terraform')
      ? terraformReferences(text)
      : KUSTOMIZATION.test(document.path)
        ? listedReferences(text, KUSTOMIZE_FILE_ITEM)
        : document.hasKind('docker-compose')
          ? listedReferences(text, COMPOSE_FILE)
          : ansibleReferences(text);
    for (const { span, reference, candidates } of references) {
      let certificateText: string | undefined;
      for (const candidate of candidates) {
        certificateText = readReferencedFile(candidate);
        if (certificateText !== undefined) break;
      }
      if (certificateText === undefined) continue;
      // The first leaf is the certificate served; the rest of a chain is its issuers'.
      const leaf = leafCertificates(certificateText).next().value;
      if (!leaf || leaf.notAfter >= soon) continue;
      const until = new Date(leaf.notAfter).toISOString().slice(0, 10);
      const expired = leaf.notAfter < now;
      report({
        span,
        severity: expired ? 'error' : 'warning',
        message: expired
          ? `${reference} holds a certificate${leaf.forSubject} that expired on ${until}: clients reject it, and services that check certificates on import (ACM, API Gateway) refuse it; issue and renew certificates automatically (ACM, cert-manager, ACME) instead of deploying a file by hand.`
          : `${reference} holds a certificate${leaf.forSubject} that expires on ${until}, within ${Number(options.warnDays)} days: renew it now, and let a CA renew it automatically (ACM, cert-manager, ACME) rather than deploying a file by hand.`,
        construct: `certificate-file:${reference}`,
      });
    }
  },
});

interface Reference {
  readonly span: readonly [number, number];
  /** The path as written. */
  readonly reference: string;
  /** Paths to try, relative to the document's folder. */
  readonly candidates: readonly string[];
}

function* terraformReferences(text: string): Generator<Reference> {
  for (const match of text.matchAll(TERRAFORM_FILE)) {
    if (commentedOut(text, match.index, ['#', '//'])) continue;
    const written = match[1]!;
    const path = written.startsWith(MODULE_PREFIX) ? written.slice(MODULE_PREFIX.length) : written;
    yield { span: [match.index, match.index + match[0].length], reference: written, candidates: [path] };
  }
}

/** Ansible looks a relative path up in the `files/` folder beside the playbook (or role tasks), then beside it. */
function* ansibleReferences(text: string): Generator<Reference> {
  for (const match of text.matchAll(ANSIBLE_LOOKUP)) {
    if (commentedOut(text, match.index, ['#'])) continue;
    const written = match[1]!;
    yield { span: [match.index, match.index + match[0].length], reference: written, candidates: [`files/${written}`, `../files/${written}`, written] };
  }
}

/** Paths that kustomize and Compose resolve against the file's own folder, one per matching line (group 1 the text before the path, group 2 the path). */
function* listedReferences(text: string, pattern: RegExp): Generator<Reference> {
  for (const match of text.matchAll(pattern)) {
    // The path starts where the text before it (group 1) ends: in `- portal.crt=portal.crt` a search would find the key.
    const [, before, written] = match;
    const start = match.index + before!.length;
    yield { span: [start, start + written!.length], reference: written!, candidates: [written!] };
  }
}

/** Whether the line holding `at` is a comment up to that point. */
function commentedOut(text: string, at: number, markers: readonly string[]): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const before = text.slice(lineStart, at).trimStart();
  return markers.some((marker) => before.startsWith(marker));
}
