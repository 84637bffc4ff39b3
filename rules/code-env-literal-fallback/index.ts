import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix } from '../../server/src/engine/types';
import { looksLikeRandomKey, namesCredential } from '../lib/credential-names';
import { envVariableName, jsStringValue, nodeAt, parentOf, stringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * `env.NAME` or `env['NAME']`, then `||` or `??`, then a string literal (parentheses allowed):
 * where a fallback to a literal can be. Sticky, tried where the prefilter located `env`; bounded
 * and unambiguous, so linear.
 */
const CANDIDATE = { keywords: ['env'], pattern: /(?<!\w)env(?:\.[A-Za-z_$][\w$]*|\[[ \t]*['"`][^'"`\n]{1,200}['"`][ \t]*\])[\s)]*(\|\||\?\?)[\s(]*['"`]/y };
/**
 * Python: `getenv("NAME", "…")`, `environ.get("NAME", default="…")`, or `getenv("NAME") or "…"`:
 * a lookup by a literal name, then a literal default. Sticky, tried where the prefilter located
 * the lookup's name; bounded and unambiguous, so linear.
 */
const PY_CANDIDATE = {
  keywords: ['getenv', 'environ'],
  pattern: /(?<!\w)(?:getenv|environ\.get)[ \t]*\(\s*(?:key[ \t]*=[ \t]*)?[rRuU]?['"][^'"\n]{1,200}['"]\s*(?:,\s*(?:default[ \t]*=[ \t]*)?|\)[ \t]*or[ \t(]*)[rRuU]?['"]/y,
};

const PY_LOOKUPS = new Set(['os.getenv', 'getenv', 'os.environ.get', 'environ.get']);

/** A variable's literal name, then its literal default, as the lookups below take them (group 1, quote 2, name 3, quote 4, default 5). */
const NAME_THEN_DEFAULT = String.raw`\(\s*(["'])([A-Za-z_][\w.-]{0,80})\2\s*,\s*(["'\x60])([^"'\x60\\\r\n]{1,300})\4\s*\)`;
/**
 * Lookups with a default in the other languages, and the helpers projects write for it, known by
 * their names: Java's `System.getenv().getOrDefault(…)` and `System.getProperty(…)`, Go's
 * `cmp.Or(os.Getenv("NAME"), "…")`, Java's `Optional.ofNullable(System.getenv("NAME")).orElse("…")`,
 * and `getEnv("NAME", "…")`, `get_env_or(…)`, `envOrDefault(…)`, `GetEnvOrDefault(…)` in any of
 * them. Each is a literal call head then bounded parts, so the pass is linear.
 */
const DEFAULTED_LOOKUPS: ReadonlyArray<{ pattern: RegExp; languages?: readonly string[]; java?: 'getenv' | 'getProperty' }> = [
  { pattern: new RegExp(String.raw`(System\.getenv\(\)\s*\.getOrDefault)` + NAME_THEN_DEFAULT, 'g'), languages: ['java'], java: 'getenv' },
  { pattern: new RegExp(String.raw`(System\.getProperty)` + NAME_THEN_DEFAULT, 'g'), languages: ['java'], java: 'getProperty' },
  { pattern: new RegExp(String.raw`(?<![\w.$])((?:[gG]et_?[eE]nv|[eE]nv)(?:_?[oO]r(?:_?[dD]efault|_?[eE]lse)?|_?[wW]ith_?[dD]efault|_?[dD]efault)|[gG]et_?[eE]nv|[lL]ookup_?[eE]nv_?[oO]r)` + NAME_THEN_DEFAULT, 'g') },
  { pattern: /(cmp\.Or)\(\s*os\.Getenv\(\s*(")([A-Za-z_]\w{0,80})"\s*\)\s*,\s*(["`])([^"`\\\r\n]{1,300})\4\s*\)/g, languages: ['go'] },
  { pattern: /(Optional\.ofNullable)\(\s*System\.getenv\(\s*(")([A-Za-z_]\w{0,80})"\s*\)\s*\)\s*\.orElse\(\s*(")([^"\\\r\n]{1,300})"\s*\)/g, languages: ['java'], java: 'getenv' },
];

export default defineRule({
  id: 'code-env-literal-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python', 'go', 'java'],
  // `process.env`, `import.meta.env`, a destructured `env` and every helper named for it contain
  // `env`; Python reads `getenv` or `environ`; Java's properties `getproperty`.
  keywords: ['env', 'getenv', 'environ', 'getproperty'],
  locatesKeywords: ['env', 'getenv', 'environ'],
  syntax: 'code',
  options: {
    minimumLength: { type: 'number', default: 8, description: 'Shortest literal treated as a credential.' },
  },
  docs,
  check({ document, options, report }) {
    const minimumLength = Number(options.minimumLength);
    const python = document.codeLanguage === 'python';
    const isCredential = (variable: string, literal: string) =>
      literal.length >= minimumLength && !isLocationWithoutCredentials(literal) && (namesCredential(variable) || looksLikeRandomKey(literal) || embedsLogin(literal));
    for (const found of defaultedLookups(document.text, document.codeLanguage)) {
      if (!isCredential(found.variable, found.literal)) continue;
      report({
        span: found.span,
        secret: found.literal,
        message: `${found.lookup}(…) falls back to a hardcoded credential ({{secret}}): when the variable is missing, the code silently runs on a static secret.`,
        data: { language: found.replacement ? 'java' : 'helper', variable: found.variable, start: found.call[0], end: found.call[1], replacement: found.replacement },
        fixable: found.replacement !== undefined,
      });
    }
    if (document.codeLanguage === 'go' || document.codeLanguage === 'java') return;
    const { keywords, pattern } = python ? PY_CANDIDATE : CANDIDATE;
    // The text proposes candidates (a lookup, then a literal fallback); the syntax tree decides.
    // Files without a candidate are never parsed.
    const candidates = [...document.keywordMatches(keywords, pattern)];
    if (candidates.length === 0) return;
    const root = document.tree(document.codeLanguage!).rootNode;
    if (python) {
      for (const candidate of candidates) {
        const found = pythonFallback(root, candidate.index, document.text);
        if (!found || !isCredential(found.variable, found.literal)) continue;
        report({
          span: [found.fallback.startIndex, found.fallback.endIndex],
          secret: found.literal,
          message: `${found.lookup.text.replace(/\s+/g, '')}(…) falls back to a hardcoded credential ({{secret}}): when the variable is missing, the code silently runs on a static secret.`,
          data: { language: 'python', variable: found.variable, start: found.expression.startIndex, end: found.expression.endIndex, replacement: found.replacement },
          fixable: found.replacement !== undefined,
        });
      }
      return;
    }
    for (const candidate of candidates) {
      const operatorStart = candidate.index + candidate[0].lastIndexOf(candidate[1]!);
      const node = parentOf(nodeAt(root.tree, operatorStart));
      if (node?.type !== 'binary_expression' || node.childForFieldName('operator')?.startIndex !== operatorStart) continue;
      const operator = candidate[1]!;
      const left = node.childForFieldName('left');
      const lookup = lastEnvLookup(left, operator);
      const variable = envVariableName(lookup);
      const fallback = unwrapExpression(node.childForFieldName('right'));
      const literal = jsStringValue(fallback);
      if (!left || !lookup || !variable || !fallback || literal === undefined || !isCredential(variable, literal)) continue;
      report({
        span: [fallback.startIndex, fallback.endIndex],
        secret: literal,
        message: `${lookup.text} falls back to a hardcoded credential ({{secret}}): when the variable is missing, the code silently runs on a static secret.`,
        data: { variable, operator, start: node.startIndex, end: node.endIndex, leftEnd: left.endIndex },
      });
    }
  },
  fix({ document, finding }) {
    const data = finding.data as { language?: string; variable: string; operator: string; start: number; end: number; leftEnd: number; replacement?: string };
    let fix: Fix;
    if (data.language === 'java') {
      // A NullPointerException naming the variable when it is missing, instead of a literal.
      fix = {
        title: `Fail closed: require ${data.variable} (NullPointerException when missing)`,
        edits: [{ span: [data.start, data.end], newText: data.replacement! }],
        isPreferred: true,
      };
    } else if (data.language === 'python') {
      // A KeyError when the variable is missing: the process stops instead of using a literal.
      fix = {
        title: `Fail closed: read ${data.variable} with ${data.replacement!.split('[')[0]}[…] (KeyError when missing)`,
        edits: [{ span: [data.start, data.end], newText: data.replacement! }],
        isPreferred: true,
      };
    } else {
      const left = document.text.slice(data.start, data.leftEnd);
      // Same operator as written: with `||` an empty variable must fail too, not slip through.
      const failClosed = `${left} ${data.operator} (() => { throw new Error('${data.variable} is not set'); })()`;
      fix = { title: `Fail closed: throw when ${data.variable} is not set`, edits: [{ span: [data.start, data.end], newText: failClosed }], isPreferred: true };
    }
    return [fix];
  },
});

interface DefaultedLookup {
  lookup: string;
  variable: string;
  literal: string;
  /** The default's content, without quotes. */
  span: [number, number];
  call: [number, number];
  /** Java: the same lookup without a default, required non-null. */
  replacement?: string;
}

/** The DEFAULTED_LOOKUPS of the file's language in a text (in Python `getenv(…)` is the tree's: pythonFallback reads it). */
function defaultedLookups(text: string, language: string | undefined): DefaultedLookup[] {
  const found: DefaultedLookup[] = [];
  const python = language === 'python';
  for (const { pattern, languages, java } of DEFAULTED_LOOKUPS) {
    // The Java and Go forms are not run over every JavaScript and Python file that mentions `env`.
    if (languages && !languages.includes(language ?? '')) continue;
    for (const match of text.matchAll(pattern)) {
      const [whole, lookup, , variable, , literal] = match as unknown as [string, string, string, string, string, string];
      if (python && lookup === 'getenv') continue;
      const end = match.index + whole.length;
      // The default is the last quoted string of the call: its closing quote sits before the `)`.
      const close = text.lastIndexOf(literal, end) + literal.length;
      const get = java === 'getProperty' ? 'System.getProperty' : 'System.getenv';
      found.push({
        lookup: lookup.replace(/\s+/g, ''),
        variable,
        literal,
        span: [close - literal.length, close],
        call: [match.index, end],
        ...(java ? { replacement: `java.util.Objects.requireNonNull(${get}("${variable}"), "${variable} is not set")` } : {}),
      });
    }
  }
  return found;
}

/** `process.env.A || process.env.B_TOKEN || "x"`: the lookup right before the literal. */
function lastEnvLookup(left: SyntaxNode | null, operator: string): SyntaxNode | null | undefined {
  let node = unwrapExpression(left);
  while (node?.type === 'binary_expression' && node.childForFieldName('operator')?.text === operator) {
    node = unwrapExpression(node.childForFieldName('right'));
  }
  return envVariableName(node) ? node : undefined;
}

interface PythonFallback {
  lookup: SyntaxNode;
  variable: string;
  fallback: SyntaxNode;
  literal: string;
  /** The whole expression the fix replaces: the call, or `call or "…"`. */
  expression: SyntaxNode;
  /** `os.environ["NAME"]` (or `environ[…]` as imported), when the file can say it. */
  replacement?: string;
}

/** `os.getenv("NAME", "…")`, `os.environ.get("NAME", default="…")`, `os.getenv("NAME") or "…"` at `index`. */
function pythonFallback(root: SyntaxNode, index: number, text: string): PythonFallback | undefined {
  let call: SyntaxNode | null = nodeAt(root.tree, index);
  for (let depth = 0; call && call.type !== 'call' && depth < 4; depth++) call = parentOf(call);
  const lookup = call?.childForFieldName('function');
  if (!call || !lookup || !PY_LOOKUPS.has(lookup.text.replace(/\s+/g, ''))) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment') ?? [];
  const positional = args.filter((arg) => arg.type !== 'keyword_argument');
  const keyword = (name: string) => args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name)?.childForFieldName('value');
  const nameNode = keyword('key') ?? positional[0];
  const variable = stringValue(nameNode);
  if (!nameNode || variable === undefined) return undefined;
  let fallback: SyntaxNode | null | undefined = keyword('default') ?? positional[1];
  let expression = call;
  if (!fallback) {
    const parent = parentOf(call);
    if (parent?.type !== 'boolean_operator' || parent.childForFieldName('left')?.id !== call.id || parent.childForFieldName('operator')?.text !== 'or') return undefined;
    fallback = parent.childForFieldName('right');
    expression = parent;
  }
  while (fallback?.type === 'parenthesized_expression') fallback = fallback.namedChild(0);
  const literal = stringValue(fallback);
  if (!fallback || literal === undefined) return undefined;
  const bare = lookup.text.replace(/\s+/g, '');
  const environ = bare.startsWith('os.') ? 'os.environ' : bare === 'environ.get' ? 'environ' : /^import[ \t]+os\b/m.test(text) ? 'os.environ' : undefined;
  return { lookup, variable, fallback, literal, expression, ...(environ ? { replacement: `${environ}[${nameNode.text}]` } : {}) };
}

const URL_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)/i;

/** URLs and paths are where to connect, not secrets, unless they embed `user:password@`. */
function isLocationWithoutCredentials(value: string): boolean {
  if (value.startsWith('/') || value.startsWith('./')) return true;
  const url = URL_AUTHORITY.exec(value);
  return url !== null && !url[1]!.includes('@');
}

/** A URL whose authority carries a password (`postgres://user:password@host`). */
function embedsLogin(value: string): boolean {
  const authority = URL_AUTHORITY.exec(value)?.[1];
  const at = authority?.lastIndexOf('@') ?? -1;
  return at > 0 && authority!.slice(0, at).includes(':');
}
