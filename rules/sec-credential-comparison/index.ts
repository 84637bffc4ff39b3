import { defineRule } from '../../server/src/engine/define-rule';
import docs from './docs.md';
import { looksLikeSecretLiteral, namesCredential } from '../lib/credential-names';

/**
 * Comparisons: `==`, `!=`, `===`, `!==`, and Java's `.equals(` / `.equalsIgnoreCase(`. Each
 * operator is a candidate; the operands on either side are read within a bounded window, so the
 * work is proportional to the operators in the file.
 */
const OPERATOR = /[=!]==?|\.equals(?:IgnoreCase)?\(/g;
const WINDOW = 300;
const NAME_CHAR = /[\w$.[\]"'>-]/;

interface Operand {
  readonly kind: 'literal' | 'name';
  readonly text: string;
  /** Offsets of the literal's content (without quotes), for the report. */
  readonly start: number;
  readonly end: number;
}

export default defineRule({
  id: 'sec-credential-comparison',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  // Every match compares a credential-named operand, which contains one of these.
  keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'cred'],
  pattern: /[=!]=|\.equals/,
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const match of text.matchAll(OPERATOR)) {
      const at = match.index;
      const op = match[0];
      // Part of a longer operator (`<==`, `!===`) or of a pattern of `=` signs: not a comparison.
      if (!op.startsWith('.') && ((at > 0 && /[<>=!]/.test(text[at - 1]!)) || text[at + op.length] === '=')) continue;
      // One operand is a quoted literal, so a quote stands beside the operator: most comparisons
      // in code (`x === y`, `!= null`) are left here, before either operand is read.
      if (!quoteBeside(text, at, at + op.length)) continue;
      const left = operandBefore(text, at);
      const right = operandAfter(text, at + op.length);
      if (!left || !right || left.kind === right.kind) continue;
      const [name, literal] = left.kind === 'name' ? [left, right] : [right, left];
      if (!namesCredential(name.text) || !looksLikeSecretLiteral(literal.text)) continue;
      // `typeof token === "..."` compares a type name.
      if (name === left && /\btypeof\s+$/.test(text.slice(Math.max(0, left.start - 8), left.start))) continue;
      report({
        span: [literal.start, literal.end],
        secret: literal.text,
        message: `${name.text} is compared with a hardcoded value ({{secret}}): the accepted credential is written in the source, readable by everyone with the code and impossible to rotate without a release; check it against a secret store or a hash instead.`,
        construct: `${name.text}${op}`,
      });
    }
  },
});

const QUOTES = '"\'`';

/** Whether a quote ends just before `start` or opens just after `end` (`@"` too), spaces skipped. */
function quoteBeside(text: string, start: number, end: number): boolean {
  let i = start;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (i > 0 && QUOTES.includes(text[i - 1]!)) return true;
  let j = end;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  if (text[j] === '@') j++;
  return j < text.length && QUOTES.includes(text[j]!);
}

/** A quoted operand: a literal, except a quoted shell variable (`"$DB_PASSWORD"`), which is a name. */
function quoted(content: string, start: number, end: number): Operand {
  const variable = /^\$\{?([A-Za-z_]\w{0,80})\}?$/.exec(content);
  return variable ? { kind: 'name', text: variable[1]!, start, end } : { kind: 'literal', text: content, start, end };
}

/** The operand that ends just before `end` (spaces skipped): a quoted literal or a name. */
function operandBefore(text: string, end: number): Operand | undefined {
  let i = end;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  const close = text[i - 1];
  if (close === '"' || close === "'" || close === '`') {
    const contentEnd = i - 1;
    let j = contentEnd - 1;
    const limit = Math.max(0, contentEnd - WINDOW);
    while (j >= limit && text[j] !== close && text[j] !== '\n') j--;
    if (j < limit || text[j] !== close || text[j - 1] === '\\') return undefined;
    const content = text.slice(j + 1, contentEnd);
    if (close === '`' && content.includes('${')) return undefined;
    return quoted(content, j + 1, contentEnd);
  }
  // A lookup by a quoted key (`headers.get("X-Api-Token")`, `os.getenv('DB_PASSWORD')`): the key names the value.
  if (close === ')') {
    const call = /\(\s*["']([\w.-]{1,80})["']\s*\)$/.exec(text.slice(Math.max(0, i - 100), i));
    if (call && /[\w.]$/.test(text.slice(0, i - call[0].length))) {
      return { kind: 'name', text: call[1]!, start: i - call[0].length, end: i };
    }
    return undefined;
  }
  let j = i;
  while (j > 0 && i - j < 120 && NAME_CHAR.test(text[j - 1]!)) j--;
  const name = text.slice(j, i);
  if (!/[A-Za-z_]/.test(name) || /["'`]$/.test(name)) return undefined;
  // A call result (`len(x) == ...`) or a name that continues into a call is not a plain name.
  return { kind: 'name', text: name, start: j, end: i };
}

/** The operand that starts at `start` (spaces skipped): a quoted literal (optionally `@"…"`) or a name. */
function operandAfter(text: string, start: number): Operand | undefined {
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] === '@' && text[i + 1] === '"') i++;
  const open = text[i];
  if (open === '"' || open === "'" || open === '`') {
    const limit = Math.min(text.length, i + 1 + WINDOW);
    let j = i + 1;
    while (j < limit && text[j] !== open && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    if (j >= limit || text[j] !== open) return undefined;
    const content = text.slice(i + 1, j);
    if (open === '`' && content.includes('${')) return undefined;
    return quoted(content, i + 1, j);
  }
  let j = i;
  while (j < text.length && j - i < 120 && /[\w$.]/.test(text[j]!)) j++;
  const name = text.slice(i, j);
  if (!/^[A-Za-z_$]/.test(name)) return undefined;
  // `password == getExpected()`: a call, not a name holding a credential.
  if (text[j] === '(') return undefined;
  return { kind: 'name', text: name, start: i, end: j };
}
