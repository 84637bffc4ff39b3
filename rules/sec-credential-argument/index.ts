import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode, TreeSitterLanguage } from '../../server/src/engine/parse/tree-sitter';
import { looksLikeSecretLiteral } from '../lib/credential-names';
import { named, nodeAt, parentOf, stringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * A standard or widespread API that takes a password or secret as a positional argument, where
 * no name next to the value says it is one: `DriverManager.getConnection(url, "app", "…")`.
 */
interface CredentialParameter {
  /** The last name of the function, method or constructor called. */
  readonly callee: string;
  readonly languages: readonly TreeSitterLanguage[];
  /** How many arguments the credential form takes, at least and at most. */
  readonly arity: readonly [number, number];
  /** Where the credential is among them. */
  readonly index: number;
  /** The API as the message names it. */
  readonly api: string;
}

const JS: readonly TreeSitterLanguage[] = ['javascript', 'typescript', 'tsx'];

export const PARAMETERS: readonly CredentialParameter[] = [
  // Java: JDBC, java.net, Apache HttpClient 4, and the setters of JSch sessions and connection pools.
  { callee: 'getConnection', languages: ['java'], arity: [3, 3], index: 2, api: 'DriverManager.getConnection(url, user, password)' },
  { callee: 'getConnection', languages: ['java'], arity: [2, 2], index: 1, api: 'DataSource.getConnection(user, password)' },
  { callee: 'PasswordAuthentication', languages: ['java'], arity: [2, 2], index: 1, api: 'new PasswordAuthentication(user, password)' },
  { callee: 'UsernamePasswordCredentials', languages: ['java'], arity: [2, 2], index: 1, api: 'new UsernamePasswordCredentials(user, password)' },
  { callee: 'setPassword', languages: ['java', ...JS], arity: [1, 1], index: 0, api: 'setPassword(password)' },
  // Python: requests' auth classes, aiohttp, and the standard library's login methods and FTP.
  { callee: 'HTTPBasicAuth', languages: ['python'], arity: [2, 2], index: 1, api: 'HTTPBasicAuth(user, password)' },
  { callee: 'HTTPDigestAuth', languages: ['python'], arity: [2, 2], index: 1, api: 'HTTPDigestAuth(user, password)' },
  { callee: 'HTTPProxyAuth', languages: ['python'], arity: [2, 2], index: 1, api: 'HTTPProxyAuth(user, password)' },
  { callee: 'BasicAuth', languages: ['python'], arity: [2, 3], index: 1, api: 'BasicAuth(login, password)' },
  { callee: 'login', languages: ['python'], arity: [2, 2], index: 1, api: 'login(user, password)' },
  { callee: 'FTP', languages: ['python'], arity: [3, 4], index: 2, api: 'FTP(host, user, passwd)' },
  { callee: 'FTP_TLS', languages: ['python'], arity: [3, 4], index: 2, api: 'FTP_TLS(host, user, passwd)' },
  // Go: net/http, net/url and net/smtp.
  { callee: 'SetBasicAuth', languages: ['go'], arity: [2, 2], index: 1, api: 'SetBasicAuth(username, password)' },
  { callee: 'UserPassword', languages: ['go'], arity: [2, 2], index: 1, api: 'url.UserPassword(username, password)' },
  { callee: 'PlainAuth', languages: ['go'], arity: [4, 4], index: 2, api: 'smtp.PlainAuth(identity, username, password, host)' },
  { callee: 'CRAMMD5Auth', languages: ['go'], arity: [2, 2], index: 1, api: 'smtp.CRAMMD5Auth(username, secret)' },
  // JavaScript: Sequelize, superagent and supertest.
  { callee: 'Sequelize', languages: JS, arity: [3, 4], index: 2, api: 'new Sequelize(database, username, password)' },
  { callee: 'auth', languages: JS, arity: [2, 3], index: 1, api: '.auth(user, password)' },
];

const BY_CALLEE = new Map<string, CredentialParameter[]>();
for (const parameter of PARAMETERS) BY_CALLEE.set(parameter.callee, [...(BY_CALLEE.get(parameter.callee) ?? []), parameter]);

/**
 * At a located keyword that starts a name: a callee of the table before its `(` (group 2), or
 * Python's `auth=(` (group 1: requests' user and password pair). One alternation of literal words,
 * so linear; test/rules/sec-credential-argument.test.ts holds it to the table.
 */
const CANDIDATE =
  /(?<![\w$])(?:(auth)[ \t]*=[ \t]*\(|(getConnection|PasswordAuthentication|UsernamePasswordCredentials|setPassword|HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|BasicAuth|login|FTP|FTP_TLS|SetBasicAuth|UserPassword|PlainAuth|CRAMMD5Auth|Sequelize|auth)[ \t]*\()/y;
/** A string literal after the candidate, close enough to be one of its arguments: the gate before parsing. */
const NEARBY_LITERAL = /^[^;{}]{0,300}?["'`]/;
/** Every callee starts with one of these (`auth` is also the end of several: they start where their own keyword does). */
const KEYWORDS = [...new Set([...BY_CALLEE.keys(), 'auth'].map((name) => name.toLowerCase()))];

const CALL_TYPES = new Set(['call_expression', 'new_expression', 'call', 'method_invocation', 'object_creation_expression']);

export default defineRule({
  id: 'sec-credential-argument',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: ['javascript', 'typescript', 'python', 'go', 'java'],
  keywords: KEYWORDS,
  // The prefilter's pass records where the names occur: no search of the whole text for them.
  locatesKeywords: true,
  syntax: 'code',
  docs,
  check({ document, report }) {
    const language = document.codeLanguage;
    if (!language) return;
    const text = document.text;
    let tree: ReturnType<typeof document.tree> | undefined;
    for (const match of document.keywordMatches(KEYWORDS, CANDIDATE)) {
      const start = match.index;
      const after = start + match[0].length;
      if (!NEARBY_LITERAL.test(text.slice(after, after + 320))) continue;
      tree ??= document.tree(language);
      const found = match[1] ? authTuple(nodeAt(tree, start), language) : positional(nodeAt(tree, start), match[2]!, language);
      if (!found) continue;
      report({
        span: contentSpan(found.node),
        secret: found.secret,
        message: `A literal password ({{secret}}) is passed to ${found.api}: it is in every copy of this file and keeps working until it is changed; read it at run time from a secret store or the environment.`,
        construct: found.api,
        // What the environment-lookup fix calls the variable, since the call gives the value no name.
        data: { valueName: 'password' },
      });
    }
  },
});

interface Found {
  readonly node: SyntaxNode;
  readonly secret: string;
  readonly api: string;
}

/** The call `name` at `at` is the callee of, when it is a credential form of the table with a literal credential. */
function positional(at: SyntaxNode, name: string, language: TreeSitterLanguage): Found | undefined {
  let call: SyntaxNode | null = at;
  for (let depth = 0; call && !CALL_TYPES.has(call.type); depth++) call = depth < 4 ? parentOf(call) : null;
  if (!call || lastCalleeName(call) !== name) return undefined;
  const args = positionalArguments(call);
  const parameter = BY_CALLEE.get(name)?.find((candidate) => candidate.languages.includes(language) && args.length >= candidate.arity[0] && args.length <= candidate.arity[1]);
  if (!parameter) return undefined;
  return literalCredential(args[parameter.index], parameter.api);
}

/** Python's `auth=("user", "…")`: requests and httpx take basic credentials as a pair. */
function authTuple(at: SyntaxNode, language: TreeSitterLanguage): Found | undefined {
  if (language !== 'python') return undefined;
  // `auth` is the keyword's name, a child of the keyword argument or close below it.
  let keyword: SyntaxNode | null = at;
  for (let depth = 0; keyword && keyword.type !== 'keyword_argument'; depth++) keyword = depth < 3 ? parentOf(keyword) : null;
  const pair = keyword?.type === 'keyword_argument' && keyword.childForFieldName('name')?.text === 'auth' ? keyword.childForFieldName('value') : undefined;
  const items = pair?.type === 'tuple' ? named(pair) : [];
  return items.length === 2 ? literalCredential(items[1], 'auth=(user, password)') : undefined;
}

function literalCredential(argument: SyntaxNode | undefined, api: string): Found | undefined {
  let node = unwrapExpression(argument);
  // Java's `"…".toCharArray()`, as PasswordAuthentication wants a char[].
  if (node?.type === 'method_invocation' && node.childForFieldName('name')?.text === 'toCharArray') node = node.childForFieldName('object');
  const secret = stringValue(node);
  if (!node || secret === undefined || !looksLikeSecretLiteral(secret)) return undefined;
  return { node, secret, api };
}

/** The literal's content, without quotes or a Python prefix: what the environment-lookup fix replaces. */
function contentSpan(literal: SyntaxNode): [number, number] {
  const open = literal.firstChild;
  const close = literal.lastChild;
  if (open?.type === 'string_start' && close?.type === 'string_end') return [open.endIndex, close.startIndex];
  return [literal.startIndex + 1, literal.endIndex - 1];
}

/** The call's last name: `getConnection` of `DriverManager.getConnection`, `Sequelize` of `new db.Sequelize`. */
function lastCalleeName(call: SyntaxNode): string | undefined {
  const callee =
    call.type === 'method_invocation'
      ? call.childForFieldName('name')
      : call.type === 'object_creation_expression'
        ? call.childForFieldName('type')
        : call.type === 'new_expression'
          ? call.childForFieldName('constructor')
          : call.childForFieldName('function');
  return callee?.text.replace(/<[^<>]{0,200}>/g, '').split(/[^\w$]+/).filter(Boolean).pop();
}

/** The call's arguments that are not keyword arguments (Python) or comments. */
function positionalArguments(call: SyntaxNode): SyntaxNode[] {
  const list = call.childForFieldName('arguments');
  return named(list).filter((node) => node.type !== 'keyword_argument');
}
