import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { TextEdit } from '../../server/src/engine/types';
import { looksLikeRandomKey, looksLikeSecretLiteral, namesCredential, nameWords } from '../lib/credential-names';
import { constantValue, envVariableName, isFunctionNode, named, nodeAt, parentOf, stringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * Where a failed credential path can fall back: a JS `catch` (clause or promise method), a Python
 * `except`, an Azure `ChainedTokenCredential`. Each starts with its keyword, so the sticky pattern
 * runs only where the prefilter located one (`catch` is in nearly every JavaScript file).
 */
const JS_CANDIDATE = { keywords: ['catch', 'chainedtokencredential'], pattern: /(?<!\w)(?:catch|ChainedTokenCredential)\b/y };
const PYTHON_CANDIDATE = { keywords: ['except', 'chainedtokencredential'], pattern: /(?<=^[ \t]*)except\b|(?<!\w)ChainedTokenCredential\b/my };
const candidates = (document: ParsedDocument) => {
  const { keywords, pattern } = document.codeLanguage === 'python' ? PYTHON_CANDIDATE : JS_CANDIDATE;
  return [...document.keywordMatches(keywords, pattern)];
};

/** Azure credentials without a secret (workload or managed identity, developer sign-in). */
const IDENTITY_CREDENTIALS = new Set(['ManagedIdentityCredential', 'WorkloadIdentityCredential', 'AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential', 'DefaultAzureCredential', 'EnvironmentCredential']);
/** Azure credentials built from a stored secret or certificate. */
const SECRET_CREDENTIALS = new Set(['ClientSecretCredential', 'ClientCertificateCredential', 'UsernamePasswordCredential', 'ClientAssertionCredential']);

/**
 * Words of a call or name that obtains a credential (`getOidcToken()`, `fetch_secret()`,
 * `assumeRole()`, `session.credentials`): the primary path a logical fallback stands behind.
 */
const SOURCE_WORDS = new Set(['token', 'tokens', 'credential', 'credentials', 'creds', 'secret', 'secrets', 'oidc', 'auth', 'authenticate', 'login', 'signin', 'identity', 'assume', 'password', 'apikey', 'jwt']);
/**
 * The same as text, located by the prefilter (most are located for other rules already): a
 * logical fallback is looked for after one of them, on its line.
 */
const SOURCE_KEYWORDS = ['token', 'secret', 'credential', 'creds', 'auth', 'oidc', 'login', 'signin', 'identity', 'assume', 'pass', 'apikey', 'api_key', 'jwt'];
/** How far along a line after a credential word a logical operator is looked for. */
const LINE_REACH = 240;
const LOGICAL_EXPRESSIONS = new Set(['binary_expression', 'boolean_operator']);

interface Fallback {
  node: SyntaxNode;
  secret?: string;
  /** What tells this fallback from another handing out the same secret (a fingerprint must not move when one is fixed). */
  construct?: string;
  message: string;
  edit?: TextEdit;
  title?: string;
}

export default defineRule({
  id: 'code-credential-chain-static-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python'],
  keywords: ['catch', 'except', 'chainedtokencredential', ...SOURCE_KEYWORDS],
  locatesKeywords: true,
  syntax: 'code',
  options: {
    minimumLength: { type: 'number', default: 8, description: 'Shortest literal treated as a credential.' },
  },
  docs,
  check({ document, options, report }) {
    const minimumLength = Number(options.minimumLength);
    // `catch` is in nearly every JavaScript file, and `||` too; parsing is the cost, so only files
    // where a candidate has what a finding needs nearby are parsed.
    const matches = candidates(document);
    let bound: Set<string> | undefined;
    const bindings = () => (bound ??= literalBindings(document.text, minimumLength));
    const sites = logicalSites(document.text, document.keywordStarts(SOURCE_KEYWORDS), document.codeLanguage === 'python', minimumLength, bindings);
    if (sites.length === 0 && !worthParsing(document.text, matches, minimumLength, bindings)) return;
    const root = document.tree(document.codeLanguage!).rootNode;
    const fallbacks = [
      ...matches.flatMap((match) => fallbacksAt(root, match.index, document.text, minimumLength)),
      ...sites.flatMap((site) => logicalFallback(root, site, document.text, minimumLength) ?? []),
    ];
    const seen = new Set<number>();
    for (const found of fallbacks) {
      if (seen.has(found.node.startIndex)) continue;
      seen.add(found.node.startIndex);
      report({
        span: [found.node.startIndex, found.node.endIndex],
        message: found.message,
        ...(found.secret !== undefined ? { secret: found.secret } : {}),
        ...(found.construct !== undefined ? { construct: found.construct } : {}),
        data: found.edit ? { edits: [found.edit], title: found.title } : {},
        fixable: found.edit !== undefined,
      });
    }
  },
  fix({ finding }) {
    const { edits, title } = finding.data as { edits: TextEdit[]; title: string };
    return [{ title, edits, isPreferred: true }];
  },
});

/** A quoted literal on one line (a template literal may span lines), up to 512 characters. */
const NEARBY_LITERAL = /'[^'\\\r\n]{1,512}'|"[^"\\\r\n]{1,512}"|`[^`\\]{1,512}`/g;
/** An identifier; what follows it is read by hand, so the expression has no unbounded tail. */
const IDENTIFIER = /[A-Za-z_$][\w$]{0,63}/g;
const SECRET_CREDENTIAL = /\b(?:ClientSecretCredential|ClientCertificateCredential|UsernamePasswordCredential|ClientAssertionCredential)\b/;
/** How far after a candidate its literal may be, and how far before it a function name may be. */
const AFTER = 600;
const BEFORE = 1500;

/**
 * The text-level half of the check, before any parse: some candidate is followed closely by a
 * literal long enough to be a credential that looks random, is assigned to a credential name, or
 * is returned near a credential-named function (a secret-holding Azure credential, for a chain).
 * Windows do not overlap, so this is linear.
 */
function worthParsing(text: string, matches: readonly RegExpExecArray[], minimumLength: number, bindings: () => Set<string>): boolean {
  let scannedTo = 0;
  for (const match of matches) {
    const chain = match[0] === 'ChainedTokenCredential';
    const from = Math.max(match.index, scannedTo);
    const to = match.index + (chain ? 2 * AFTER : AFTER);
    if (to <= scannedTo) continue;
    const after = text.slice(from, to);
    scannedTo = to;
    if (chain) {
      if (SECRET_CREDENTIAL.test(after)) return true;
      continue;
    }
    // `=> FALLBACK_TOKEN`, `return DEV_KEY`, `key = DEV_KEY`: a name the file binds to a literal.
    for (const use of after.matchAll(HANDED_NAME)) if (bindings().has(use[1]!)) return true;
    for (const literal of after.matchAll(NEARBY_LITERAL)) {
      const value = literal[0].slice(1, -1);
      if (value.length < minimumLength) continue;
      if (looksLikeRandomKey(value)) return true;
      const lineStart = after.lastIndexOf('\n', literal.index) + 1;
      const before = after.slice(Math.max(lineStart, literal.index - 120), literal.index).trimEnd();
      // `name = '…'`, `name: '…'`, `"name": '…'`: the name the literal is stored under.
      if (before.endsWith('=') || before.endsWith(':')) {
        const target = trailingIdentifier(before.slice(0, -1).trimEnd().replace(/['"]$/, ''));
        if (target && namesCredential(target)) return true;
      }
      // `return '…'`, `=> '…'`: the function it is returned from, or the call it stands in for.
      const bare = before.replace(/\($/, '').trimEnd();
      if (bare.endsWith('=>') || (bare.endsWith('return') && !/[\w$]/.test(bare[bare.length - 7] ?? ''))) {
        if (callableNames(text.slice(Math.max(0, match.index - BEFORE), match.index)).some(namesCredential)) return true;
      }
    }
  }
  return false;
}

/** A name handed out after `=>`, `return` or `=`; keywords are not names. */
const HANDED_NAME = /(?:=>|\breturn\b|[^=!<>]=)[ \t(]*(?!(?:null|undefined|None|this|self|new|await|true|false|function|async|void|typeof)\b)([A-Za-z_$][\w$]{0,63})(?![\w$(.\[])/g;

/** `= '…'`: a one-word string literal assigned (group 2); the name before the `=` is read by hand. Starting at `=` keeps the pass fast. */
const LITERAL_ASSIGNED = /=[ \t]*[rRbBfFuU]?(['"`])([^\s'"`\\]{1,300})\1/g;

/** The names the file binds to literals that read as credentials (`NAME = '…'`), read in one pass (a file with many handlers asks often). */
function literalBindings(text: string, minimumLength: number): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(LITERAL_ASSIGNED)) {
    if (match[2]!.length < minimumLength || /[=!<>+\-*/%&|^?:]/.test(text[match.index - 1] ?? '') || !looksLikeSecretLiteral(match[2]!)) continue;
    const name = trailingIdentifier(text.slice(Math.max(0, match.index - 64), match.index).trimEnd());
    // A constant a fallback hands out is named as a credential or holds a random-looking key.
    if (name && (namesCredential(name) || looksLikeRandomKey(match[2]!))) names.add(name);
  }
  return names;
}

/** The identifier at the end of `text`, if it ends with one. */
function trailingIdentifier(text: string): string | undefined {
  let start = text.length;
  while (start > 0 && /[\w$]/.test(text[start - 1]!)) start--;
  return start < text.length && /[A-Za-z_$]/.test(text[start]!) ? text.slice(start) : undefined;
}

/** Names followed by `(` or `= function` / `= async` / `= (`: functions declared or called. */
function callableNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(IDENTIFIER)) {
    let at = match.index + match[0].length;
    while (text[at] === ' ' || text[at] === '\t') at++;
    if (text[at] === '(') names.push(match[0]);
    else if (text[at] === '=' && /^=[ \t]*(?:async\b|function\b|\()/.test(text.slice(at, at + 16))) names.push(match[0]);
  }
  return names;
}

/** A literal that is a credential: long enough, and named as one or random-looking. */
function credentialLiteral(node: SyntaxNode | null | undefined, names: readonly (string | undefined)[], minimumLength: number): string | undefined {
  const value = stringValue(unwrapExpression(node));
  if (value === undefined || value.length < minimumLength || /^(?:[a-z][a-z0-9+.-]*:\/\/|\/|\.\/)/i.test(value)) return undefined;
  return names.some((name) => name !== undefined && namesCredential(name)) || looksLikeRandomKey(value) ? value : undefined;
}

/**
 * What a handed-out value is: the node itself, or for a name, the literal the file binds it to
 * (`const DEV_TOKEN = '…'` at the top of the module), with that name.
 */
function resolved(root: SyntaxNode, node: SyntaxNode | null | undefined, text: string): { value: SyntaxNode | null | undefined; name?: string } {
  const value = unwrapExpression(node);
  if (value?.type !== 'identifier') return { value };
  const bound = constantValue(root, value, value.text, text);
  return bound && stringValue(unwrapExpression(bound)) !== undefined ? { value: bound, name: value.text } : { value };
}

/** The name a value is stored under: `const token = …`, `this.apiKey = …`, `token = …`. */
function targetName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'member_expression') return node.childForFieldName('property')?.text;
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text;
  return node.type === 'identifier' ? node.text : undefined;
}

/** The name of the function a statement is in: `getToken`, `fetch_api_key`. */
function functionName(node: SyntaxNode): string | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (!isFunctionNode(current)) continue;
    const own = current.childForFieldName('name')?.text;
    if (own) return own;
    const holder = parentOf(current);
    return holder?.type === 'variable_declarator' ? holder.childForFieldName('name')?.text : holder?.type === 'pair' ? holder.childForFieldName('key')?.text : undefined;
  }
  return undefined;
}

function fallbacksAt(root: SyntaxNode, index: number, text: string, minimumLength: number): Fallback[] {
  const node = nodeAt(root.tree, index);
  if (!node) return [];
  const parent = parentOf(node);
  const grandparent = parentOf(parent);
  // `promise.catch(() => 'literal')`
  if (node.text === 'catch' && parent?.type === 'member_expression' && grandparent?.type === 'call_expression') {
    const found = promiseCatch(root, grandparent, text, minimumLength);
    return found ? [found] : [];
  }
  // `try { … } catch (error) { token = 'literal'; }`
  if (node.text === 'catch' && parent?.type === 'catch_clause') return handlerAssignments(root, parent, parent.childForFieldName('body'), text, minimumLength, false);
  // `try: … except SomeError: token = "literal"`
  if (node.text === 'except' && parent && (parent.type === 'except_clause' || parent.type === 'except_group_clause')) {
    return handlerAssignments(root, parent, named(parent).find((child) => child.type === 'block'), text, minimumLength, true);
  }
  if (node.text === 'ChainedTokenCredential') return chainedCredential(node);
  return [];
}

function promiseCatch(root: SyntaxNode, call: SyntaxNode, text: string, minimumLength: number): Fallback | undefined {
  const handler = named(call.childForFieldName('arguments'))[0];
  if (!handler || !isFunctionNode(handler) || named(call.childForFieldName('arguments')).length !== 1) return undefined;
  const body = handler.childForFieldName('body');
  let value: SyntaxNode | null | undefined = body;
  if (body?.type === 'statement_block') {
    const statements = named(body);
    value = statements.length === 1 && statements[0]!.type === 'return_statement' ? named(statements[0])[0] : undefined;
  }
  const member = call.childForFieldName('function')!;
  const promise = member.childForFieldName('object')!;
  // What the promise yields is named by the call it comes from (`getToken()`) or where it goes.
  const source = promise.type === 'call_expression' ? targetName(promise.childForFieldName('function')) : targetName(promise);
  let holder: SyntaxNode | null = parentOf(call);
  while (holder && (holder.type === 'await_expression' || holder.type === 'parenthesized_expression')) holder = parentOf(holder);
  const destination = holder?.type === 'variable_declarator' ? targetName(holder.childForFieldName('name')) : holder?.type === 'assignment_expression' ? targetName(holder.childForFieldName('left')) : undefined;
  const handed = resolved(root, value, text);
  const literal = credentialLiteral(handed.value, [source, destination, handed.name], minimumLength);
  if (literal === undefined || !value) return undefined;
  return {
    node: unwrapExpression(value)!,
    secret: literal,
    message: `When ${promise.text.length > 40 ? 'the credential lookup' : promise.text} fails, .catch() hands out ${staticCredential(handed.name)} instead of failing: the static secret silently becomes the access path.`,
    // Without the `.catch(…)` the rejection reaches the caller: fail closed.
    edit: { span: [promise.endIndex, call.endIndex], newText: '' },
    title: 'Fail closed: remove the .catch() fallback',
  };
}

/** Assignments of credential literals (and `return 'literal'`) directly in a catch/except body. */
function handlerAssignments(root: SyntaxNode, handler: SyntaxNode, body: SyntaxNode | null | undefined, text: string, minimumLength: number, python: boolean): Fallback[] {
  const found: Fallback[] = [];
  const errorName = python ? undefined : handler.childForFieldName('parameter')?.text;
  for (const statement of named(body)) {
    let value: SyntaxNode | null | undefined;
    let names: (string | undefined)[];
    const expression = statement.type === 'expression_statement' ? named(statement)[0] : undefined;
    if (expression && (expression.type === 'assignment' || expression.type === 'assignment_expression')) {
      value = expression.childForFieldName('right');
      names = [targetName(expression.childForFieldName('left'))];
    } else if (statement.type === 'return_statement') {
      value = named(statement)[0];
      names = [functionName(statement)];
    } else {
      continue;
    }
    const handed = resolved(root, value, text);
    let literal = credentialLiteral(handed.value, [...names, handed.name], minimumLength);
    let node = unwrapExpression(value);
    let what = staticCredential(handed.name);
    // `boto3.Session(aws_secret_access_key="…")`, `new S3Client({ credentials: { secretAccessKey: '…' } })`:
    // a client built with a written credential.
    if (literal === undefined && node && CLIENT_BUILDERS.has(node.type)) {
      const inner = writtenCredential(node, minimumLength);
      if (inner) [node, literal, what] = [inner.node, inner.literal, 'a client built with a hardcoded credential ({{secret}})'];
    }
    if (literal === undefined || !value || !node) continue;
    // Replace the whole statement on its line, keeping indentation and any trailing comment.
    const replacement = python ? 'raise' : errorName && /^[A-Za-z_$][\w$]*$/.test(errorName) ? `throw ${errorName};` : `throw new Error('${(names[0] ?? 'credential').replace(/'/g, '')} is unavailable and has no fallback by design');`;
    const end = text[statement.endIndex] === ';' ? statement.endIndex + 1 : statement.endIndex;
    found.push({
      node,
      secret: literal,
      message: `This ${python ? 'except' : 'catch'} block falls back to ${what} when obtaining the real one fails: the static secret silently becomes the access path.`,
      edit: { span: [statement.startIndex, end], newText: replacement },
      title: python ? 'Fail closed: re-raise instead of using the literal' : 'Fail closed: throw instead of using the literal',
    });
  }
  return found;
}

/** Expressions that build a client or a credential object from what they are given. */
const CLIENT_BUILDERS = new Set(['call', 'call_expression', 'new_expression', 'object', 'dictionary', 'await_expression', 'await']);
/** How far into a client's construction a written credential is looked for: arguments, an options object, its nested `credentials`. */
const BUILDER_DEPTH = 4;

/**
 * A credential written into the construction of a client: a keyword argument, object key or
 * dictionary key named as a credential and given a literal that reads as a secret, or a
 * random-looking literal passed as an argument.
 */
function writtenCredential(node: SyntaxNode, minimumLength: number, depth = 0): { node: SyntaxNode; literal: string } | undefined {
  if (depth > BUILDER_DEPTH) return undefined;
  for (const child of named(node.type === 'call' || node.type === 'call_expression' || node.type === 'new_expression' ? node.childForFieldName('arguments') : node)) {
    let name: string | undefined;
    let value: SyntaxNode | null | undefined = child;
    if (child.type === 'keyword_argument') [name, value] = [child.childForFieldName('name')?.text, child.childForFieldName('value')];
    else if (child.type === 'pair') [name, value] = [stringValue(child.childForFieldName('key')) ?? child.childForFieldName('key')?.text, child.childForFieldName('value')];
    value = unwrapExpression(value);
    if (!value) continue;
    const literal = credentialLiteral(value, name ? [name] : [], minimumLength);
    if (literal !== undefined && looksLikeSecretLiteral(literal)) return { node: value, literal };
    if (CLIENT_BUILDERS.has(value.type)) {
      const inner = writtenCredential(value.type === 'await_expression' || value.type === 'await' ? value.namedChild(0) ?? value : value, minimumLength, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** How a message names the fallback: the literal, or the constant (under the squiggle) that holds one. */
function staticCredential(name: string | undefined): string {
  return name ? 'the hardcoded credential this constant holds ({{secret}})' : 'a hardcoded credential ({{secret}})';
}

/** After a logical operator: a quoted literal long enough to be a credential, with no spaces (group 1), or a name (group 2). */
const FALLBACK_OPERAND = /[ \t(]*(?:(['"`])[^\s'"`\\]{1,300}\1|([A-Za-z_$][\w$]{0,63})(?![\w$(.[]))/y;

/**
 * Offsets of `||` and `??` (JS/TS) or ` or ` (Python) on a line after a credential word (`words`,
 * sorted starts), followed by a literal that could be a credential or a name the file binds to
 * one: `getOidcToken() || STATIC_KEY`. `x || ''` and `opts.auth || DEFAULTS` are left before any
 * parse. Each stretch of a line is read once, and the operand after an operator is bounded, so
 * the work is linear in the text and proportional to the credential words.
 */
function logicalSites(text: string, words: readonly number[], python: boolean, minimumLength: number, bindings: () => Set<string>): number[] {
  const sites: number[] = [];
  const operators = python ? [' or '] : ['||', '??'];
  let readTo = 0;
  for (const word of words) {
    const from = Math.max(word, readTo);
    let to = Math.min(text.length, word + LINE_REACH);
    const lineEnd = text.indexOf('\n', from);
    if (lineEnd !== -1 && lineEnd < to) to = lineEnd;
    if (from >= to) continue;
    readTo = to;
    // Searched in the window's own text: indexOf on the whole text would run on past the line.
    const line = text.slice(from, to);
    for (const operator of operators) {
      for (let found = line.indexOf(operator); found !== -1; found = line.indexOf(operator, found + operator.length)) {
        const at = from + found;
        if (!python && text[at + 2] === '=') continue; // `||=`, `??=`
        FALLBACK_OPERAND.lastIndex = at + operator.length;
        const operand = FALLBACK_OPERAND.exec(text);
        if (!operand) continue;
        const literal = operand[1] ? operand[0].slice(operand[0].indexOf(operand[1]) + 1, -1) : undefined;
        // Letters with digits: words and settings (`'unknown_error'`, `'same-origin'`) are left unparsed.
        const credential = literal !== undefined && literal.length >= minimumLength && /\d/.test(literal) && /[A-Za-z]/.test(literal) && looksLikeSecretLiteral(literal);
        if (literal !== undefined ? credential : bindings().has(operand[2]!)) sites.push(at);
      }
    }
  }
  return sites.sort((a, b) => a - b);
}

/**
 * `primary || fallback`, `primary ?? fallback`, `primary or fallback`: when the primary path is a
 * call or name that obtains a credential and the fallback is a credential literal (or a name
 * bound to one). Reading an environment variable is code-env-literal-fallback's.
 */
function logicalFallback(root: SyntaxNode, site: number, text: string, minimumLength: number): Fallback | undefined {
  let expression: SyntaxNode | null = nodeAt(root.tree, site);
  for (let depth = 0; expression && !LOGICAL_EXPRESSIONS.has(expression.type) && depth < 3; depth++) expression = parentOf(expression);
  if (!expression || !LOGICAL_EXPRESSIONS.has(expression.type)) return undefined;
  const operator = expression.childForFieldName('operator')?.text;
  if (operator !== '||' && operator !== '??' && operator !== 'or') return undefined;
  const primary = credentialSource(expression.childForFieldName('left'));
  const fallback = expression.childForFieldName('right');
  if (!primary || !fallback) return undefined;
  const handed = resolved(root, fallback, text);
  const literal = credentialLiteral(handed.value, [primary.name, handed.name], minimumLength);
  // A default beside a credential-named value is often a setting (`credentials ?? 'same-origin'`): the literal must read as a secret.
  if (literal === undefined || !looksLikeSecretLiteral(literal)) return undefined;
  const node = unwrapExpression(fallback)!;
  const shown = primary.node.text.length > 40 ? 'the credential lookup' : primary.node.text;
  return {
    node,
    secret: literal,
    construct: `${primary.node.text} ${operator}`,
    message: `When ${shown} yields no credential, \`${operator}\` falls back to ${staticCredential(handed.name)} instead of failing: the static secret silently becomes the access path.`,
    // JavaScript can throw in an expression: fail closed where the fallback was.
    ...(operator === 'or'
      ? {}
      : {
          edit: { span: [node.startIndex, node.endIndex] as const, newText: `(() => { throw new Error('${primary.name.replace(/['\\]/g, '')} yielded no credential; there is no fallback by design'); })()` },
          title: 'Fail closed: throw instead of falling back',
        }),
  };
}

/** The primary path of a logical fallback: a call or a name that obtains a credential, not an environment read. */
function credentialSource(node: SyntaxNode | null | undefined): { node: SyntaxNode; name: string } | undefined {
  let current = unwrapExpression(node);
  while (current && (current.type === 'await_expression' || current.type === 'await')) current = unwrapExpression(current.namedChild(0));
  if (!current) return undefined;
  // `a || b || FALLBACK`: any operand of the chain before it.
  if (LOGICAL_EXPRESSIONS.has(current.type)) return credentialSource(current.childForFieldName('right')) ?? credentialSource(current.childForFieldName('left'));
  const callee = current.type === 'call_expression' || current.type === 'call' ? current.childForFieldName('function') : current;
  if (!callee || envVariableName(callee) !== undefined || envVariableName(current) !== undefined || /^(?:os\.(?:getenv|environ)|process\.env|import\.meta\.env|Deno\.env)\b/.test(callee.text)) return undefined;
  const name = callee.type === 'member_expression' ? callee.childForFieldName('property')?.text : callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee.type === 'identifier' ? callee.text : undefined;
  if (!name) return undefined;
  return namesCredential(name) || nameWords(name).some((word) => SOURCE_WORDS.has(word)) ? { node: current, name } : undefined;
}

/** `new ChainedTokenCredential(new ManagedIdentityCredential(), new ClientSecretCredential(…))` (JS/TS, Python). */
function chainedCredential(node: SyntaxNode): Fallback[] {
  let call: SyntaxNode | null = parentOf(node);
  if (call?.type === 'member_expression' || call?.type === 'attribute') call = parentOf(call);
  if (!call || (call.type !== 'new_expression' && call.type !== 'call')) return [];
  const argumentList = call.childForFieldName('arguments');
  const args = named(argumentList);
  const credentialName = (arg: SyntaxNode) => {
    const ctor = arg.type === 'new_expression' ? arg.childForFieldName('constructor') : arg.type === 'call' ? arg.childForFieldName('function') : undefined;
    return ctor?.text.split('.').pop();
  };
  const firstIdentity = args.findIndex((arg) => IDENTITY_CREDENTIALS.has(credentialName(arg) ?? ''));
  if (firstIdentity === -1) return [];
  const found: Fallback[] = [];
  args.forEach((arg, position) => {
    const name = credentialName(arg);
    if (position <= firstIdentity || !name || !SECRET_CREDENTIALS.has(name)) return;
    // Remove the argument with the comma before it, so the chain keeps only identity credentials.
    const previous = args[position - 1]!;
    found.push({
      node: arg.type === 'new_expression' ? arg.childForFieldName('constructor')! : arg.childForFieldName('function')!,
      message: `${name} after ${credentialName(args[firstIdentity]!)} in a ChainedTokenCredential: when workload identity fails, the chain silently signs in with a stored secret instead of failing.`,
      edit: { span: [previous.endIndex, arg.endIndex], newText: '' },
      title: `Fail closed: remove ${name} from the chain`,
    });
  });
  return found;
}
