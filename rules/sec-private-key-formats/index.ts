import { createPrivateKey } from 'node:crypto';
import { defineRule } from '../../server/src/engine/define-rule';
import docs from './docs.md';

/**
 * Private keys in the encodings sec-private-key (secretlint's PEM check) does not read: PEM blocks
 * with other labels (`ENCRYPTED PRIVATE KEY`, `SSH2 ENCRYPTED PRIVATE KEY`, PGP key blocks, whose
 * body never starts like an ASN.1 key) or with RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`), PuTTY
 * `.ppk` key files, PEM keys that were base64-encoded again (cloud-init `user_data`, Kubernetes
 * Secret `data`, CI variables), and DER keys in base64 without any armour. Blocks secretlint
 * reports are left to it, so one key is one finding.
 */
const BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----/g;
/** How far an END line may be from its BEGIN line (an 8192-bit RSA key is under 7 KB). */
const MAX_BLOCK = 20_000;
/** RFC 1421 / OpenPGP armour header lines inside a block: `Proc-Type: 4,ENCRYPTED`, `Version: GnuPG v2`. */
const ARMOUR_HEADER = /^[A-Za-z][\w-]{0,40}: ?[^\n]{0,200}$/;

/** Base64 of `-----BEGIN` at each of the three byte alignments inside a larger encoded text. */
const ENCODED_BEGIN = /LS0tLS1CRUdJTi|LS0tLUJFR0lO|tLS0tQkVHSU4/g;
const BASE64_BODY_CHAR = /[A-Za-z0-9+/]/;

/**
 * A JSON Web Key's type member (`"kty": "RSA"`, JS `kty: 'EC'`, YAML `kty: OKP`); its private
 * members sit in the same object: `d` for RSA, EC and OKP keys, `k` for a symmetric (`oct`) key.
 */
const JWK_TYPE = /(?<![\w$])["']?kty["']?[ \t]*:[ \t]*["']?(RSA|EC|OKP|oct)\b/g;
const JWK_PRIVATE_MEMBER = /(?<![\w$])["']?(d|k)["']?[ \t]*:[ \t]*["']?([A-Za-z0-9_-]{16,2000})/g;
/** How far from its `kty` a JWK's members may be (an RSA-4096 private JWK is about 4 KB). */
const JWK_REACH = 6000;
/** Base64 of `"kty"` at each of the three byte alignments (JWKs and JWK sets encoded into a variable). */
const ENCODED_JWK_TYPE = /Imt0eS|JrdHki|ia3R5/g;

/**
 * Base64 of the fixed DER openings of private keys written without PEM armour (an environment
 * variable, a JSON or properties value): PKCS#8 for RSA, EC and Ed25519, PKCS#1 RSA keys of 1024,
 * 2048 and 4096 bits, SEC 1 EC keys on P-256 and P-384. A public key's DER opens differently.
 */
const DER_KEY_MARKERS = /IBADANBgkqhkiG9w0BAQEFAASC|AgEAMBMGByqGSM49AgE|MC4CAQAwBQYDK2Vw|IBAAK(?:CAQEA|CAgEA|BgQ)|MHcCAQEEI|MIGkAgEBBDA/g;
const DER_KEY_KEYWORDS = ['ibadanbgkqhkig9w0baqefaasc', 'ageambmgbyqgsm49age', 'mc4caqawbqydk2vw', 'ibaakcaqea', 'ibaakcagea', 'ibaakbgq', 'mhccaqeei', 'migkagebbda'];
/** How the DER may be read: the container each marker opens. */
const DER_KEY_TYPES = ['pkcs8', 'pkcs1', 'sec1'] as const;

const PPK_HEADER = /PuTTY-User-Key-File-[23]: ?[\w@.-]{1,60}/g;
const PPK_PRIVATE_LINES = /Private-Lines:/g;

export default defineRule({
  id: 'sec-private-key-formats',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: ['private key', 'ls0tls1crudjti', 'ls0tlujfr0lo', 'tls0tqkvhsu4', 'putty-user-key-file-', 'kty', 'imt0es', 'jrdhki', 'ia3r5', ...DER_KEY_KEYWORDS],
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
        if (!end || end.at - bodyStart > MAX_BLOCK) continue;
        const raw = text.slice(bodyStart, end.at);
        // A header without a block of its own (a truncated example, a constant naming the header) leaves the next block to its own header.
        if (raw.includes('-----BEGIN ')) continue;
        // The END may name the key differently (`BEGIN PRIVATE KEY` … `END RSA PRIVATE KEY`, as hand-joined
        // strings in code do): OpenSSL refuses such a block, but the key in it is just as exposed.
        consumedTo = end.at + end.length;
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

    if (document.containsKeyword('kty')) {
      for (const jwk of privateJwks(text)) {
        report({ span: jwk.span, secret: jwk.secret, message: message(`Private JSON Web Key (${jwk.type} \`${jwk.member}\`)`), construct: `jwk-${jwk.member}` });
      }
    }

    if (['imt0es', 'jrdhki', 'ia3r5'].some((keyword) => document.containsKeyword(keyword))) {
      for (const { start, end } of base64RunsAround(text, ENCODED_JWK_TYPE)) {
        // A 1Password service-account token (`ops_eyJ…`) carries a key of the account; sec-1password reports the token.
        if (text.slice(Math.max(0, start - 4), start) === 'ops_') continue;
        const decoded = Buffer.from(text.slice(start, end), 'base64').toString('latin1');
        if (privateJwks(decoded).length === 0) continue;
        report({ span: [start, end], secret: text.slice(start, end), message: message('Base64-encoded private JSON Web Key') });
      }
    }

    if (DER_KEY_KEYWORDS.some((keyword) => document.containsKeyword(keyword))) {
      for (const { start, end } of base64RunsAround(text, DER_KEY_MARKERS)) {
        // The body of a PEM block (or of one in a string, after an escaped line break) is the PEM rules' to report.
        if (afterPemHeader(text, start)) continue;
        const run = text.slice(start, end);
        if (!isDerPrivateKey(run)) continue;
        report({ span: [start, end], secret: run, message: message('Private key in base64 DER, without PEM armour'), construct: 'der' });
      }
    }

    if (['ls0tls1crudjti', 'ls0tlujfr0lo', 'tls0tqkvhsu4'].some((keyword) => document.containsKeyword(keyword))) {
      for (const { match, start, end } of base64RunsAround(text, ENCODED_BEGIN)) {
        // The marker sits on a 4-character group boundary, except the one that starts with the last character of a group.
        const aligned = match.index! + (match[0].startsWith('t') ? 1 : 0);
        if (!encodesPrivateKey(text.slice(aligned, end))) continue;
        const run = text.slice(start, end);
        report({ span: [start, end], secret: run, message: message('Base64-encoded private key') });
      }
    }
  },
});

/**
 * For each match of `marker` (a base64 encoding of a header), the run of base64 around it: at most
 * MAX_BLOCK characters before it, and `=` only ends one. A run is visited once, for its first marker.
 */
function* base64RunsAround(text: string, marker: RegExp): Generator<{ match: RegExpMatchArray; start: number; end: number }> {
  let scannedTo = 0;
  for (const match of text.matchAll(marker)) {
    const at = match.index!;
    if (at < scannedTo) continue;
    let start = at;
    while (start > 0 && at - start < MAX_BLOCK && BASE64_BODY_CHAR.test(text[start - 1]!)) start--;
    let end = at;
    while (end < text.length && end - start < 4 * MAX_BLOCK && BASE64_BODY_CHAR.test(text[end]!)) end++;
    while (end < text.length && end - start < 4 * MAX_BLOCK && text[end] === '=') end++;
    scannedTo = end;
    yield { match, start, end };
  }
}

interface PrivateJwk {
  readonly span: [number, number];
  readonly secret: string;
  readonly type: string;
  readonly member: string;
}

/**
 * The private members of the JSON Web Keys in `text`: each `kty` is read with the object around it,
 * from the `{` before it to the `}` after it (JWK members are flat), and the objects never overlap,
 * so the work stays linear. A public JWK (`n` and `e`, `x` and `y`) has no `d`.
 */
function privateJwks(text: string): PrivateJwk[] {
  const found: PrivateJwk[] = [];
  let consumedTo = 0;
  for (const match of text.matchAll(JWK_TYPE)) {
    if (match.index < consumedTo) continue;
    const type = match[1]!;
    let open = match.index;
    while (open > consumedTo && match.index - open < JWK_REACH && text[open - 1] !== '{') open--;
    const limit = Math.min(text.length, match.index + JWK_REACH);
    let close = match.index + match[0].length;
    while (close < limit && text[close] !== '}') close++;
    consumedTo = close;
    const object = text.slice(open, close);
    for (const member of object.matchAll(JWK_PRIVATE_MEMBER)) {
      const name = member[1]!;
      // `d` belongs to asymmetric keys, `k` to symmetric ones.
      if ((name === 'k') !== (type === 'oct')) continue;
      const value = member[2]!;
      const start = open + member.index + member[0].length - value.length;
      found.push({ span: [start, start + value.length], secret: value, type, member: name });
    }
  }
  return found;
}

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
    // Backslashes before `n` or `r`: an escape, or one escaped again (`\\n`) in a string of code; at most eight, so a long run of them stays linear.
    .replace(/\\{1,8}[rn]/g, '\n')
    .split(/\r?\n/)
    .map(unquoteLine)
    .filter((line) => line.length > 0 && !ARMOUR_HEADER.test(line));
  // An OpenPGP checksum line (`=AbCd`) ends the armour.
  if (lines.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(lines[lines.length - 1]!)) lines.pop();
  const body = lines.join('');
  if (body.length < 64 || !/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  return body;
}

/**
 * Before a body line in code: a comment's margin (` * `, `// `, `# `) or the operator that joins
 * strings (`+ "…"`, PHP's `. '…'`, VB's `& "…"`). Neither can start a line of base64, which has no
 * spaces or quotes.
 */
const LINE_MARGIN = /^(?:(?:\*|\/{2,3}|#)[ \t]+|[+.&][ \t]*(?=["'`]))/;

/** A body line without the string quoting around it in code (`"MIIE…\n" +`, `+ "…"`, `'…',`, ` * …`). */
function unquoteLine(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && /\s/.test(line[start]!)) start++;
  const margin = LINE_MARGIN.exec(line.slice(start, start + 8));
  if (margin) start += margin[0].length;
  // Python's and Kotlin's `"""` open a string as well as `"` does.
  while (start < end && '"\'`'.includes(line[start]!)) start++;
  while (start < end && /\s/.test(line[start]!)) start++;
  while (end > start && /[\s"'`,;+]/.test(line[end - 1]!)) end--;
  return line.slice(start, end);
}

/** Whether a base64 run decodes to text that holds a PEM private-key header (a trailing partial group decodes too). */
function encodesPrivateKey(run: string): boolean {
  const decoded = Buffer.from(run, 'base64').toString('latin1');
  return /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY/.test(decoded);
}

/** Whether the text before `at`, past spaces, quotes and (escaped) line breaks, ends a PEM header line (`-----BEGIN … KEY-----`). */
function afterPemHeader(text: string, at: number): boolean {
  let i = at;
  for (let steps = 0; i > 0 && steps < 16; steps++) {
    const previous = text[i - 1]!;
    if (previous === ' ' || previous === '\t' || previous === '\r' || previous === '\n' || previous === '"' || previous === "'") i--;
    else if ((previous === 'n' || previous === 'r') && text[i - 2] === '\\') i -= 2;
    else break;
  }
  return text.slice(Math.max(0, i - 5), i) === '-----';
}

/** Whether a base64 run decodes to a private key node's crypto can read (PKCS#8, PKCS#1 or SEC 1 DER): parsed here, never sent anywhere. */
function isDerPrivateKey(run: string): boolean {
  if (run.length < 60 || run.length > 4 * MAX_BLOCK) return false;
  const der = Buffer.from(run, 'base64');
  for (const type of DER_KEY_TYPES) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return true;
    } catch {
      // Not this container; try the next.
    }
  }
  return false;
}
