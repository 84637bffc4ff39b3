import { defineRule } from '../../server/src/engine/define-rule';
import docs from './docs.md';

/**
 * Private keys in the encodings sec-private-key (secretlint's PEM check) does not read: PEM blocks
 * with other labels (`ENCRYPTED PRIVATE KEY`, `SSH2 ENCRYPTED PRIVATE KEY`, PGP key blocks, whose
 * body never starts like an ASN.1 key) or with RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`), PuTTY
 * `.ppk` key files, and PEM keys that were base64-encoded again (cloud-init `user_data`, Kubernetes
 * Secret `data`, CI variables). Blocks secretlint reports are left to it, so one key is one finding.
 */
const BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----/g;
/** How far an END line may be from its BEGIN line (an 8192-bit RSA key is under 7 KB). */
const MAX_BLOCK = 20_000;
/** RFC 1421 / OpenPGP armour header lines inside a block: `Proc-Type: 4,ENCRYPTED`, `Version: GnuPG v2`. */
const ARMOUR_HEADER = /^[A-Za-z][\w-]{0,40}: ?[^\n]{0,200}$/;

/** Base64 of `-----BEGIN` at each of the three byte alignments inside a larger encoded text. */
const ENCODED_BEGIN = /LS0tLS1CRUdJTi|LS0tLUJFR0lO|tLS0tQkVHSU4/g;
const BASE64_BODY_CHAR = /[A-Za-z0-9+/]/;

const PPK_HEADER = /PuTTY-User-Key-File-[23]: ?[\w@.-]{1,60}/g;
const PPK_PRIVATE_LINES = /Private-Lines:/g;

export default defineRule({
  id: 'sec-private-key-formats',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: ['private key', 'ls0tls1crudjti', 'ls0tlujfr0lo', 'tls0tqkvhsu4', 'putty-user-key-file-'],
  docs,
  check({ document, report }) {
    const text = document.text;
    const message = (what: string) =>
      `${what} ({{secret}}): whoever copies the file can use the key until every system that trusts it is changed; keep keys in a secret store, a KMS or an agent, never in the repository.`;

    if (document.containsKeyword('private key')) {
      // Every END line once, in order; each BEGIN takes the first END after it (work linear in the markers).
      const ends = endMarkers(text);
      let next = 0;
      let consumedTo = 0;
      for (const match of text.matchAll(BEGIN)) {
        if (match.index < consumedTo) continue;
        const label = match[1]!;
        const bodyStart = match.index + match[0].length;
        while (next < ends.length && ends[next]!.at < bodyStart) next++;
        const end = ends[next];
        if (!end || end.label !== label || end.at - bodyStart > MAX_BLOCK) continue;
        consumedTo = end.at + end.length;
        const raw = text.slice(bodyStart, end.at);
        if (secretlintReports(label, raw)) continue;
        const body = keyMaterial(raw);
        if (!body) continue;
        report({
          span: [match.index, end.at + end.length],
          secret: body,
          message: message(/ENCRYPTED|Proc-Type/.test(label + raw) ? `Encrypted private key (${label})` : `Private key (${label})`),
          construct: label,
        });
      }
    }

    if (document.containsKeyword('putty-user-key-file-')) {
      // The `Private-Lines:` section that follows each header, found in one pass.
      const sections = [...text.matchAll(PPK_PRIVATE_LINES)].map((match) => match.index);
      let next = 0;
      let consumedTo = 0;
      for (const match of text.matchAll(PPK_HEADER)) {
        if (match.index < consumedTo) continue;
        while (next < sections.length && sections[next]! < match.index) next++;
        const marker = sections[next];
        if (marker === undefined || marker - match.index > MAX_BLOCK) continue;
        const linesStart = text.indexOf('\n', marker) + 1;
        const limit = Math.min(text.length, linesStart + 8000);
        const mac = text.slice(linesStart, limit).indexOf('Private-MAC');
        const linesEnd = mac === -1 ? limit : linesStart + mac;
        consumedTo = linesEnd;
        const body = keyMaterial(text.slice(linesStart, linesEnd));
        if (!body) continue;
        report({ span: [match.index, match.index + match[0].length], secret: body, message: message('PuTTY private key file') });
      }
    }

    if (['ls0tls1crudjti', 'ls0tlujfr0lo', 'tls0tqkvhsu4'].some((keyword) => document.containsKeyword(keyword))) {
      let scannedTo = 0;
      for (const match of text.matchAll(ENCODED_BEGIN)) {
        if (match.index < scannedTo) continue;
        // The run of base64 around the marker; `=` only ends one.
        let start = match.index;
        while (start > 0 && match.index - start < MAX_BLOCK && BASE64_BODY_CHAR.test(text[start - 1]!)) start--;
        let end = match.index;
        while (end < text.length && end - start < 4 * MAX_BLOCK && BASE64_BODY_CHAR.test(text[end]!)) end++;
        while (end < text.length && end - start < 4 * MAX_BLOCK && text[end] === '=') end++;
        scannedTo = end;
        // The marker sits on a 4-character group boundary, except the one that starts with the last character of a group.
        const aligned = match.index + (match[0].startsWith('t') ? 1 : 0);
        if (!encodesPrivateKey(text.slice(aligned, end))) continue;
        const run = text.slice(start, end);
        report({ span: [start, end], secret: run, message: message('Base64-encoded private key') });
      }
    }
  },
});

/** Every `-----END <label>-----` line of a private key, in order, read without a regular expression. */
function endMarkers(text: string): Array<{ at: number; label: string; length: number }> {
  const ends: Array<{ at: number; label: string; length: number }> = [];
  for (let at = text.indexOf('-----END ', 0); at !== -1; at = text.indexOf('-----END ', at + 9)) {
    const close = text.indexOf('-----', at + 9);
    if (close === -1) break;
    const label = text.slice(at + 9, close);
    if (label.length <= 60 && /^[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?$/.test(label)) ends.push({ at, label, length: close + 5 - at });
  }
  return ends;
}

/**
 * What secretlint's private-key rule (sec-private-key) accepts: one of its labels, a body of base64,
 * whitespace and backslashes between 100 and 10 000 characters, whose content starts like an ASN.1
 * or OpenSSH key.
 */
function secretlintReports(label: string, raw: string): boolean {
  if (!/^(?:(?:RSA|DSA|EC|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?$/.test(label)) return false;
  const trimmed = raw.replace(/^\n/, '').replace(/\n$/, '');
  if (trimmed.length < 100 || trimmed.length > 10_000 || /[^A-Za-z0-9+/=\s\\]/.test(trimmed)) return false;
  const content = trimmed.replace(/\s|\\n/g, '');
  return /^[A-Za-z0-9+/]+=*$/.test(content) && /^(?:MI|b3BlbnNzaC1rZXktdjE)/.test(content);
}

/**
 * The base64 key material of a block body, armour headers, line breaks (real or `\n`-escaped) and
 * string quoting removed; undefined when there is too little of it to be a key, or it is not base64
 * (a placeholder such as `...` or prose).
 */
function keyMaterial(raw: string): string | undefined {
  const lines = raw
    .replace(/\\r|\\n/g, '\n')
    .split(/\r?\n/)
    .map(unquoteLine)
    .filter((line) => line.length > 0 && !ARMOUR_HEADER.test(line));
  // An OpenPGP checksum line (`=AbCd`) ends the armour.
  if (lines.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(lines[lines.length - 1]!)) lines.pop();
  const body = lines.join('');
  if (body.length < 64 || !/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  return body;
}

/** A body line without the string quoting around it in code (`"MIIE…\n" +`, `'…',`). */
function unquoteLine(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && /\s/.test(line[start]!)) start++;
  if (start < end && '"\'`'.includes(line[start]!)) start++;
  while (end > start && /[\s"'`,;+]/.test(line[end - 1]!)) end--;
  return line.slice(start, end);
}

/** Whether a base64 run decodes to text that holds a PEM private-key header (a trailing partial group decodes too). */
function encodesPrivateKey(run: string): boolean {
  const decoded = Buffer.from(run, 'base64').toString('latin1');
  return /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY/.test(decoded);
}
