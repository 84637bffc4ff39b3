import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { SyntaxNode, TreeSitterLanguage } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { nodeAt, parentOf } from './syntax';

/**
 * The safe pattern for a secret written as a string literal in source code: read it from the
 * environment at run time, and fail closed (throw, raise, panic) when it is not set, so a missing
 * variable stops the program instead of sending an empty credential. The value itself then lives
 * in the deployment's secret store, and rotating it needs no commit.
 *
 * Offered for every secret rule without a fix of its own (secret-reference-fix.ts), for
 * literals that are the whole secret, in places where a run-time expression is allowed (not a Go
 * `const`, a TypeScript enum or type, a Java annotation).
 */

type Language = 'js' | 'python' | 'go' | 'java';

const LANGUAGES: Partial<Record<TreeSitterLanguage, Language>> = {
  javascript: 'js',
  typescript: 'js',
  tsx: 'js',
  python: 'python',
  go: 'go',
  java: 'java',
};

/** Past these, a file is not parsed just to offer a fix (the scan itself never needed a tree). */
const MAX_TEXT_FOR_FIX = 1024 * 1024;
const MAX_LINE_FOR_FIX = 2000;

/** Parents under which an expression may replace a literal, per language. */
const EXPRESSION_PARENTS: Record<Language, ReadonlySet<string>> = {
  js: new Set(['variable_declarator', 'assignment_expression', 'pair', 'arguments', 'return_statement', 'assignment_pattern', 'public_field_definition', 'field_definition', 'array']),
  python: new Set(['assignment', 'keyword_argument', 'argument_list', 'pair', 'return_statement', 'default_parameter', 'typed_default_parameter', 'list', 'tuple']),
  go: new Set(['expression_list', 'argument_list', 'literal_element', 'keyed_element', 'return_statement']),
  // A literal a method is called on (`"…".toCharArray()`, as PasswordAuthentication wants) is an expression too.
  java: new Set(['variable_declarator', 'argument_list', 'assignment_expression', 'return_statement', 'method_invocation']),
};

/** String literal node types whose content can be a whole secret. */
const STRING_TYPES = new Set(['string', 'template_string', 'interpreted_string_literal', 'raw_string_literal', 'string_literal']);

interface LiteralSite {
  readonly language: Language;
  /** The literal, quotes included. */
  readonly node: SyntaxNode;
  readonly quote: string;
  /** What the value is called where it is used (`slackToken`, `api_key`), when the code says. */
  readonly name: string | undefined;
}

/** The string literal that is exactly `span` (its content), where an expression may replace it. */
function literalSite(document: ParsedDocument, span: readonly [number, number]): LiteralSite | undefined {
  const grammar = document.codeLanguage;
  const language = grammar ? LANGUAGES[grammar] : undefined;
  if (!grammar || !language || document.text.length > MAX_TEXT_FOR_FIX) return undefined;
  const text = document.text;
  const quote = text[span[0] - 1];
  if (quote === undefined || !`"'\``.includes(quote) || text[span[1]] !== quote) return undefined;
  const lineStart = text.lastIndexOf('\n', span[0]) + 1;
  const lineEnd = text.indexOf('\n', span[1]);
  if ((lineEnd === -1 ? text.length : lineEnd) - lineStart > MAX_LINE_FOR_FIX) return undefined;

  let tree;
  try {
    tree = document.tree(grammar);
  } catch {
    return undefined; // a parse given up (hostile input): no fix, the finding stands
  }
  let node: SyntaxNode | null = nodeAt(tree, span[0]);
  while (node && !STRING_TYPES.has(node.type)) node = parentOf(node);
  if (!node || !wholeLiteral(node, span, language)) return undefined;
  const parent = parentOf(node);
  if (!parent || !EXPRESSION_PARENTS[language].has(parent.type)) return undefined;
  // A Go constant must stay a constant expression; so must a value inside a Java annotation.
  if (language === 'go' && parent.type === 'expression_list' && parentOf(parent)?.type === 'const_spec') return undefined;
  if (language === 'java' && hasAncestor(parent, 'annotation', 4)) return undefined;
  // The literal must be the value, not the key (`{"token-abc": 1}`, Python `name=` keywords are identifiers).
  if (parent.type === 'pair' && parent.childForFieldName('key')?.id === node.id) return undefined;
  if (parent.type === 'keyed_element' && parent.namedChild(0)?.id === node.id) return undefined;
  return { language, node, quote, name: nameAt(node, parent, language) };
}

function wholeLiteral(node: SyntaxNode, span: readonly [number, number], language: Language): boolean {
  if (node.type === 'template_string' && node.namedChildren.some((child) => child?.type === 'template_substitution')) return false;
  if (language === 'python') {
    const start = node.firstChild;
    const end = node.lastChild;
    if (start?.type !== 'string_start' || end?.type !== 'string_end') return false;
    // Plain, raw or unicode strings only: not bytes, not f-strings with substitutions, not triple-quoted text.
    const prefix = start.text.replace(/['"]/g, '');
    if (/[bBfF]/.test(prefix) || start.text.length - prefix.length > 1) return false;
    return start.endIndex === span[0] && end.startIndex === span[1];
  }
  if (node.type === 'string_literal' && node.text.startsWith('"""')) return false;
  return node.startIndex + 1 === span[0] && node.endIndex - 1 === span[1];
}

function hasAncestor(node: SyntaxNode, type: string, depth: number): boolean {
  for (let current: SyntaxNode | null = node; current && depth-- > 0; current = parentOf(current)) {
    if (current.type === type || current.type === 'marker_annotation') return true;
  }
  return false;
}

/** The name the value is given: the variable, field, property or keyword it is assigned to. */
function nameAt(node: SyntaxNode, parent: SyntaxNode, language: Language): string | undefined {
  // The last identifier-like word: `self.api_key` → `api_key`, `"client-secret"` → `client-secret`'s words.
  const lastWord = (text: string) => text.match(/[A-Za-z_$][\w$-]*/g)?.at(-1);
  const last = (target: SyntaxNode | null | undefined) => (target ? lastWord(target.text) : undefined);
  switch (parent.type) {
    case 'variable_declarator':
      return last(parent.childForFieldName('name'));
    case 'assignment_expression':
    case 'assignment':
    case 'assignment_pattern':
      return last(parent.childForFieldName('left'));
    case 'pair':
      return last(parent.childForFieldName('key'));
    case 'keyword_argument':
    case 'public_field_definition':
    case 'field_definition':
    case 'default_parameter':
    case 'typed_default_parameter':
      return last(parent.childForFieldName('name') ?? parent.childForFieldName('property'));
    case 'keyed_element':
      return last(parent.namedChild(0));
    case 'literal_element': {
      const keyed = parentOf(parent);
      return keyed?.type === 'keyed_element' && keyed.namedChild(0)?.id !== parent.id ? last(keyed.namedChild(0)) : undefined;
    }
    case 'expression_list': {
      const statement = parentOf(parent);
      if (!statement || language !== 'go') return undefined;
      if (statement.type === 'var_spec') return last(statement.childForFieldName('name'));
      if (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') {
        // `a, b := "x", "y"`: the name at the same position on the left.
        const left = statement.childForFieldName('left');
        const index = parent.namedChildren.findIndex((child) => child?.id === node.id);
        return last(left?.namedChild(index) ?? undefined);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `slackBotToken`, `slack-bot-token`, `SLACK_BOT_TOKEN` → `SLACK_BOT_TOKEN`. */
export function environmentName(name: string): string {
  // Split into words by hand (separators, lower-to-upper, the end of an acronym): linear, no regex backtracking.
  const words: string[] = [];
  let word = '';
  const isUpper = (ch: string | undefined) => ch !== undefined && ch >= 'A' && ch <= 'Z';
  const isLower = (ch: string | undefined) => ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'));
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (!isUpper(ch) && !isLower(ch)) {
      if (word) words.push(word);
      word = '';
      continue;
    }
    const previous = name[i - 1];
    const startsWord = isUpper(ch) && word !== '' && (isLower(previous) || (isUpper(previous) && isLower(name[i + 1]) && !(name[i + 1]! >= '0' && name[i + 1]! <= '9')));
    if (startsWord) {
      words.push(word);
      word = '';
    }
    word += ch;
  }
  if (word) words.push(word);
  const joined = words.join('_').toUpperCase();
  return joined === '' ? 'SECRET' : /^[A-Z]/.test(joined) ? joined : `SECRET_${joined}`;
}

function replacement(site: LiteralSite, variable: string): string {
  const q = site.quote === '`' ? "'" : site.quote;
  switch (site.language) {
    case 'js':
      return `process.env.${variable} ?? (() => { throw new Error(${q}${variable} is not set${q}); })()`;
    case 'python':
      return `os.environ[${q}${variable}${q}]`;
    case 'go':
      return `func() string { v, ok := os.LookupEnv("${variable}"); if !ok { panic("${variable} is not set") }; return v }()`;
    case 'java':
      return `java.util.Objects.requireNonNull(System.getenv("${variable}"), "${variable} is not set")`;
  }
}

/** The import the replacement needs, when the file does not have it yet. */
function importEdit(document: ParsedDocument, site: LiteralSite): TextEdit | undefined {
  const root = site.node.tree.rootNode;
  const text = document.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (site.language === 'python') {
    const statements = root.namedChildren.filter((child): child is SyntaxNode => child !== null);
    if (statements.some((child) => child.type === 'import_statement' && /^import\s+(?:[\w.]+\s*,\s*)*os(?:\s*,|\s*$)/.test(child.text))) return undefined;
    // After a module docstring and `from __future__` imports, which must come first.
    let at = 0;
    for (const child of statements) {
      const docstring = child.type === 'expression_statement' && child.namedChild(0)?.type === 'string' && at === 0 && child === statements[0];
      const future = child.type === 'future_import_statement';
      if (!docstring && !future) break;
      at = lineEndAfter(text, child.endIndex);
    }
    // With the other imports, ahead of the first (stdlib first, as isort would put it).
    const firstImport = statements.find((child) => child.startIndex >= at && (child.type === 'import_statement' || child.type === 'import_from_statement'));
    if (firstImport) at = text.lastIndexOf('\n', firstImport.startIndex) + 1;
    else if (at === 0 && text.startsWith('#!')) at = lineEndAfter(text, 0);
    if (at === 0) {
      // Leading comments (encoding line, licence) stay on top.
      const first = statements[0];
      at = first ? text.lastIndexOf('\n', first.startIndex) + 1 : text.length;
    }
    return { span: [at, at], newText: `import os${eol}` };
  }
  if (site.language === 'go') {
    const imports = root.namedChildren.filter((child): child is SyntaxNode => child?.type === 'import_declaration');
    if (imports.some((declaration) => /(^|\s|\()"os"(\s|\)|$)/m.test(declaration.text.replace(/^import/, '')))) return undefined;
    const list = imports.map((declaration) => declaration.namedChildren.find((child) => child?.type === 'import_spec_list')).find(Boolean);
    if (list) return goImportInBlock(text, list, eol);
    const after = imports.at(-1) ?? root.namedChildren.find((child) => child?.type === 'package_clause');
    if (!after) return undefined;
    return { span: [after.endIndex, after.endIndex], newText: `${eol}${imports.length ? '' : eol}import "os"` };
  }
  return undefined;
}

/**
 * `"os"` in an `import ( … )` block where gofmt would keep it: in sorted order within the first
 * group when that group is the standard library's, else as a group of its own at the top.
 */
function goImportInBlock(text: string, list: SyntaxNode, eol: string): TextEdit {
  const specs = list.namedChildren.filter((child): child is SyntaxNode => child?.type === 'import_spec');
  const group: SyntaxNode[] = [];
  for (const spec of specs) {
    const previous = group.at(-1);
    if (previous && /\n[ \t]*\r?\n/.test(text.slice(previous.endIndex, spec.startIndex))) break;
    group.push(spec);
  }
  const pathOf = (spec: SyntaxNode) => spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
  const standard = group.length > 0 && group.every((spec) => !pathOf(spec).split('/')[0]!.includes('.'));
  if (!standard) {
    const open = list.startIndex + 1;
    return { span: [open, open], newText: `${eol}\t"os"${eol}` };
  }
  const after = group.find((spec) => pathOf(spec) > 'os' && !spec.childForFieldName('name'));
  if (after) {
    const lineStart = text.lastIndexOf('\n', after.startIndex) + 1;
    return { span: [lineStart, lineStart], newText: `\t"os"${eol}` };
  }
  const last = group.at(-1)!;
  return { span: [last.endIndex, last.endIndex], newText: `${eol}\t"os"` };
}

function lineEndAfter(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}

/** The document's grammar when it is one the environment-lookup fix writes code for. */
export function lookupFixGrammar(document: ParsedDocument): TreeSitterLanguage | undefined {
  const grammar = document.codeLanguage;
  return grammar !== undefined && LANGUAGES[grammar] !== undefined ? grammar : undefined;
}

/** Whether the secret is a whole literal where an environment lookup can replace it (the grammar must be loaded). */
export function hasLookupSite(document: ParsedDocument, span: readonly [number, number]): boolean {
  return literalSite(document, span) !== undefined;
}

/** The fix for one finding, or none when the secret is not a whole literal in a place an expression can go. */
export function environmentLookupFixes(document: ParsedDocument, span: readonly [number, number], vendor: string | undefined, fallbackName: string): Fix[] {
  const site = literalSite(document, span);
  if (!site) return [];
  let variable = environmentName(site.name ?? fallbackName);
  // `OpenAI(api_key=…)` names the vendor only in the call; the variable should say it (OPENAI_API_KEY).
  if (vendor && !variable.includes(vendor)) variable = `${vendor}_${variable}`;
  const edits: TextEdit[] = [{ span: [site.node.startIndex, site.node.endIndex], newText: replacement(site, variable) }];
  const imported = importEdit(document, site);
  if (site.language === 'go' && !imported && !/(^|\s|\()"os"(\s|\)|$)/m.test(document.text)) return [];
  if (imported) edits.unshift(imported);
  const how = { js: 'throw', python: 'raise', go: 'panic', java: 'throw' }[site.language];
  // A name the code did not give is a guess the user should confirm (a tab stop where snippets work).
  return [{ title: `Read it from the ${variable} environment variable (${how} when unset)`, edits, ...(site.name ? {} : { placeholders: [variable] }) }];
}
