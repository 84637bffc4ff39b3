import { defineRule } from '../../server/src/engine/define-rule';
import { namesCredential } from '../lib/credential-names';
import { nameAround, nameCharacters } from '../lib/name-around';
import docs from './docs.md';

/**
 * Where a credential word occurs; each hit is expanded to the identifier around it and checked for
 * `= value`, `: value`, `:= value`, `=> value` right after. Work is proportional to the hits, not
 * to every identifier in the file.
 */
const CREDENTIAL_HIT = /pass|pwd|secret|token|credential|api[_-]?key|private[_-]?key|access[_-]?key|auth[_-]?key|signing[_-]?key/gi;
/** Right after a name: optional closing quote, the operator, then a quoted (2, 3) or bare (4) value. */
const OPERATOR_VALUE = /["']?[ \t]*(?::=|=>|:|=)[ \t]*(?:(["'`])([^"'`\r\n]{1,300})\1|([^\s"'`,;#{}()[\]<>]{1,300}))/y;
const isNameChar = nameCharacters('$.@-');

/** Kubernetes and ECS env lists: `- name: DB_PASSWORD` then `value: literal` on the next line. */
const NAME_VALUE_PAIR = /name:[ \t]*["']?([A-Za-z_][\w.-]{0,80})["']?[ \t]*\r?\n[ \t]*value:[ \t]*(?:(["'])([^"'\r\n]{1,300})\2|([^\s"'#{}]{1,300}))/g;

/** Values that are settings, not secrets. */
const NOT_A_SECRET_VALUE = /^(?:true|false|null|nil|none|yes|no|on|off|undefined|required|optional|string|int|number|boolean|bool|read|write|info|warn|warning|error|debug|trace|\d{1,8}|[\d.]+[smhd])$/i;
/** Values that point at a secret kept elsewhere: references, lookups, calls, secret-store paths. */
const REFERENCE_VALUE = /^(?:\$|%|&|\*|\{|!Ref\b|!Sub\b|!GetAtt\b|arn:|vault:|secretsmanager:|ssm:|projects\/[^/]+\/secrets\/|sm:\/\/|ref\+|op:\/\/|keyvault|akv:)|^(?:process\.env|os\.environ|os\.getenv|System\.getenv|env\.|secrets\.|vars\.|var\.|local\.|data\.|module\.|self\.|this\.|config\.|settings\.)/i;

/** An HCL attribute traversal: `aws_iam_access_key.ci.secret`, `random_password.db[0].result`. */
const HCL_TRAVERSAL = /^[A-Za-z_][\w-]*(?:\[[^\]\s]{1,40}\])?(?:\.[\w-]+(?:\[[^\]\s]{1,40}\])?)+$/;

export default defineRule({
  id: 'sec-password-assignment',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
  docs,
  check({ document, report }) {
    const text = document.text;
    const code = document.codeLanguage !== undefined && document.codeLanguage !== 'hcl' && document.codeLanguage !== 'bash';
    const hcl = document.codeLanguage === 'hcl';
    const consider = (name: string, value: string, quoted: boolean, valueStart: number) => {
      if (!namesCredential(name)) return;
      const trimmed = value.trim();
      if (trimmed.length < 4 || NOT_A_SECRET_VALUE.test(trimmed) || REFERENCE_VALUE.test(trimmed)) return;
      // `file(var.key_path)`, `getenv(...)`: a bare word followed by `(` is a call.
      if (!quoted && text[valueStart + value.length] === '(') return;
      // Letters only and naming a credential (`ParentMasterPassword`, `DB_TOKEN`) is the name of one.
      if (/^[A-Za-z_]+$/.test(trimmed) && namesCredential(trimmed)) return;
      // In source code a bare word after `=` is a variable or a call, not a literal.
      if (!quoted && code) return;
      // In Terraform a bare `type.name.attribute` is a reference to another resource's attribute
      // (`aws_iam_access_key.ci.secret`, `random_password.db.result`); HCL literals are quoted.
      if (!quoted && hcl && HCL_TRAVERSAL.test(trimmed)) return;
      if (!quoted && /^[A-Za-z_][\w]*\(/.test(trimmed)) return;
      // `"password": "Password"` is a label for the field, not its value.
      if (trimmed.toLowerCase().replace(/[^a-z]/g, '') === name.slice(name.lastIndexOf('.') + 1).toLowerCase().replace(/[^a-z]/g, '')) return;
      // Words and spaces only, or several spaces, is a label or a sentence (UI strings, docs).
      if ((/^[\p{L} ]+$/u.test(trimmed) && trimmed.includes(' ')) || (trimmed.match(/ /g)?.length ?? 0) >= 3) return;
      // In code, string constants are mostly identifiers, event names and paths; a secret there
      // has the texture of one: no spaces, and digits mixed with letters, or symbols.
      if (code && !looksLikeSecretInCode(trimmed)) return;
      report({
        span: [valueStart, valueStart + value.length],
        secret: value,
        message: `${name} is set to a literal credential ({{secret}}): it is readable by everyone with the file and never expires on its own; load it at run time from a secret store or the environment.`,
        construct: name,
      });
    };
    let scannedTo = 0;
    for (const hit of text.matchAll(CREDENTIAL_HIT)) {
      if (hit.index < scannedTo) continue;
      const { start, end } = nameAround(text, hit.index, hit.index + hit[0].length, isNameChar);
      scannedTo = end;
      // `...:secret:/path` and `a/secret=b` are parts of a path or an ARN, not a name.
      if (start > 0 && (text[start - 1] === ':' || text[start - 1] === '/')) continue;
      OPERATOR_VALUE.lastIndex = end;
      const match = OPERATOR_VALUE.exec(text);
      if (!match) continue;
      const [whole, quote, quotedValue, bareValue] = match;
      const value = quotedValue ?? bareValue;
      if (value === undefined) continue;
      const name = trimNameSigils(text.slice(start, end));
      consider(name, value, quote !== undefined, end + whole.length - value.length - (quote ? 1 : 0));
    }
    for (const match of text.matchAll(NAME_VALUE_PAIR)) {
      const [whole, name, quote, quotedValue, bareValue] = match;
      const value = quotedValue ?? bareValue;
      if (!name || value === undefined) continue;
      consider(name, value, true, match.index + whole.length - value.length - (quote ? 1 : 0));
    }
  },
});

function looksLikeSecretInCode(value: string): boolean {
  if (value.length < 6 || /\s/.test(value) || value.startsWith('/') || value.startsWith('./')) return false;
  // An identifier that itself names a credential (`FlowPasswordRequiredV2`) is an enum value or a key.
  if (/^[A-Za-z_]\w*$/.test(value) && /pass|pwd|secret|token|credential|key/i.test(value)) return false;
  if (/^[\w-]+:[\w:-]+$/.test(value)) return false; // `msal:acquireTokenStart`, `scope:read`
  const mixed = /\d/.test(value) && /[A-Za-z]/.test(value);
  const symbols = /[^\w.-]/.test(value);
  return mixed || symbols;
}

/** `$password`, `@secret.`, `.token-` → the bare name; a loop, since `[.-]+$` would retry at every dash. */
function trimNameSigils(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && '$@.-'.includes(name[start]!)) start++;
  while (end > start && '.-'.includes(name[end - 1]!)) end--;
  return name.slice(start, end);
}
