import { defineRule } from '../../server/src/engine/define-rule';
import { shannonEntropy } from '../../server/src/engine/secret-values';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { envVariableName, jsStringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/** Name segments that say the variable holds a credential (segments split on `_`, `-`, camelCase). */
const CREDENTIAL_SEGMENTS = new Set(['password', 'passwd', 'pwd', 'pass', 'secret', 'secrets', 'token', 'apikey', 'credential', 'credentials', 'privatekey', 'signingkey', 'accesskey', 'passphrase']);
/** Run-together names such as PGPASSWORD or DBTOKEN: a segment ending in one of these. */
const CREDENTIAL_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'passphrase'];
/** Two-segment names that mean a key: API_KEY, ACCESS_KEY, PRIVATE_KEY, SIGNING_KEY. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'signing', 'secret', 'encryption', 'master', 'client']);
/** A last segment that names where or how, not what: NEXTAUTH_URL, TOKEN_TTL, AUTH_MODE. */
const NON_SECRET_SUFFIXES = new Set(['url', 'uri', 'host', 'hostname', 'port', 'path', 'file', 'dir', 'mode', 'ttl', 'endpoint', 'name', 'id', 'type', 'region', 'header', 'expiry', 'expires', 'timeout']);
/**
 * `env.NAME` or `env['NAME']`, then `||` or `??`, then a string literal (parentheses allowed):
 * where a fallback to a literal can be. Bounded and unambiguous, so linear.
 */
const CANDIDATE = /\benv(?:\.[A-Za-z_$][\w$]*|\[[ \t]*['"`][^'"`\n]{1,200}['"`][ \t]*\])[\s)]*(\|\||\?\?)[\s(]*['"`]/g;

export default defineRule({
  id: 'code-env-literal-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript'],
  // `process.env` and `import.meta.env` both contain `.env`.
  keywords: ['.env'],
  pattern: CANDIDATE,
  syntax: 'code',
  options: {
    minimumLength: { type: 'number', default: 8, description: 'Shortest literal treated as a credential.' },
  },
  docs,
  check({ document, options, report }) {
    // The text proposes candidates (an env lookup, `||`/`??`, a string literal); the syntax tree
    // decides. Files without a candidate are never parsed.
    const candidates = [...document.text.matchAll(CANDIDATE)];
    const root = document.tree(document.codeLanguage!).rootNode;
    const minimumLength = Number(options.minimumLength);
    for (const candidate of candidates) {
      const operatorStart = candidate.index + candidate[0].lastIndexOf(candidate[1]!);
      const node = root.descendantForIndex(operatorStart)?.parent;
      if (node?.type !== 'binary_expression' || node.childForFieldName('operator')?.startIndex !== operatorStart) continue;
      const operator = candidate[1]!;
      const left = node.childForFieldName('left');
      const lookup = lastEnvLookup(left, operator);
      const variable = envVariableName(lookup);
      const fallback = unwrapExpression(node.childForFieldName('right'));
      const literal = jsStringValue(fallback);
      if (!left || !lookup || !variable || !fallback || literal === undefined || literal.length < minimumLength) continue;
      if (isLocationWithoutCredentials(literal)) continue;
      if (!namesCredential(variable) && !looksRandom(literal)) continue;
      report({
        span: [fallback.startIndex, fallback.endIndex],
        secret: literal,
        message: `${lookup.text} falls back to a hardcoded credential ({{secret}}): when the variable is missing, the code silently runs on a static secret.`,
        data: { variable, operator, start: node.startIndex, end: node.endIndex, leftEnd: left.endIndex },
      });
    }
  },
  fix({ document, finding }) {
    const { variable, operator, start, end, leftEnd } = finding.data as { variable: string; operator: string; start: number; end: number; leftEnd: number };
    const left = document.text.slice(start, leftEnd);
    // Same operator as written: with `||` an empty variable must fail too, not slip through.
    const failClosed = `${left} ${operator} (() => { throw new Error('${variable} is not set'); })()`;
    return [
      {
        title: `Fail closed: throw when ${variable} is not set`,
        edits: [{ span: [start, end], newText: failClosed }],
        isPreferred: true,
      },
    ];
  },
});

/** `process.env.A || process.env.B_TOKEN || "x"`: the lookup right before the literal. */
function lastEnvLookup(left: SyntaxNode | null, operator: string): SyntaxNode | null | undefined {
  let node = unwrapExpression(left);
  while (node?.type === 'binary_expression' && node.childForFieldName('operator')?.text === operator) {
    node = unwrapExpression(node.childForFieldName('right'));
  }
  return envVariableName(node) ? node : undefined;
}

/** URLs and paths are where to connect, not secrets, unless they embed `user:password@`. */
function isLocationWithoutCredentials(value: string): boolean {
  if (value.startsWith('/') || value.startsWith('./')) return true;
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)/i.exec(value);
  return url !== null && !url[1]!.includes('@');
}

function namesCredential(variable: string): boolean {
  const segments = variable
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.]+/)
    .filter(Boolean);
  const last = segments[segments.length - 1];
  if (last !== undefined && NON_SECRET_SUFFIXES.has(last)) return false;
  return segments.some(
    (segment, index) =>
      CREDENTIAL_SEGMENTS.has(segment) ||
      (segment === 'key' && index > 0 && KEY_QUALIFIERS.has(segments[index - 1]!)) ||
      CREDENTIAL_SUFFIXES.some((suffix) => segment.length > suffix.length && segment.endsWith(suffix)),
  );
}

/** Mixed-case letters and digits with high entropy: a key, not a word like "localhost". */
function looksRandom(value: string): boolean {
  return value.length >= 16 && !/\s/.test(value) && /\d/.test(value) && /[a-zA-Z]/.test(value) && shannonEntropy(value) >= 3.5;
}
