import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { TextEdit } from '../../server/src/engine/types';
import { looksLikeRandomKey, namesCredential } from '../lib/credential-names';
import { isFunctionNode, named, nodeAt, parentOf, stringValue, unwrapExpression } from '../lib/syntax';
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

interface Fallback {
  node: SyntaxNode;
  secret?: string;
  message: string;
  edit?: TextEdit;
  title?: string;
}

export default defineRule({
  id: 'code-credential-chain-static-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python'],
  keywords: ['catch', 'except', 'chainedtokencredential'],
  locatesKeywords: true,
  syntax: 'code',
  options: {
    minimumLength: { type: 'number', default: 8, description: 'Shortest literal treated as a credential.' },
  },
  docs,
  check({ document, options, report }) {
    const minimumLength = Number(options.minimumLength);
    // `catch` is in nearly every JavaScript file; parsing is the cost, so only files where a
    // candidate has what a finding needs nearby are parsed.
    const matches = candidates(document);
    if (!worthParsing(document.text, matches, minimumLength)) return;
    const root = document.tree(document.codeLanguage!).rootNode;
    const seen = new Set<number>();
    for (const match of matches) {
      for (const found of fallbacksAt(root, match.index, document.text, minimumLength)) {
        if (seen.has(found.node.startIndex)) continue;
        seen.add(found.node.startIndex);
        report({
          span: [found.node.startIndex, found.node.endIndex],
          message: found.message,
          ...(found.secret !== undefined ? { secret: found.secret } : {}),
          data: found.edit ? { edits: [found.edit], title: found.title } : {},
          fixable: found.edit !== undefined,
        });
      }
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
function worthParsing(text: string, matches: readonly RegExpExecArray[], minimumLength: number): boolean {
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
    const found = promiseCatch(grandparent, minimumLength);
    return found ? [found] : [];
  }
  // `try { … } catch (error) { token = 'literal'; }`
  if (node.text === 'catch' && parent?.type === 'catch_clause') return handlerAssignments(parent, parent.childForFieldName('body'), text, minimumLength, false);
  // `try: … except SomeError: token = "literal"`
  if (node.text === 'except' && parent && (parent.type === 'except_clause' || parent.type === 'except_group_clause')) {
    return handlerAssignments(parent, named(parent).find((child) => child.type === 'block'), text, minimumLength, true);
  }
  if (node.text === 'ChainedTokenCredential') return chainedCredential(node);
  return [];
}

function promiseCatch(call: SyntaxNode, minimumLength: number): Fallback | undefined {
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
  const literal = credentialLiteral(value, [source, destination], minimumLength);
  if (literal === undefined || !value) return undefined;
  return {
    node: unwrapExpression(value)!,
    secret: literal,
    message: `When ${promise.text.length > 40 ? 'the credential lookup' : promise.text} fails, .catch() hands out a hardcoded credential ({{secret}}) instead of failing: the static secret silently becomes the access path.`,
    // Without the `.catch(…)` the rejection reaches the caller: fail closed.
    edit: { span: [promise.endIndex, call.endIndex], newText: '' },
    title: 'Fail closed: remove the .catch() fallback',
  };
}

/** Assignments of credential literals (and `return 'literal'`) directly in a catch/except body. */
function handlerAssignments(handler: SyntaxNode, body: SyntaxNode | null | undefined, text: string, minimumLength: number, python: boolean): Fallback[] {
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
    const literal = credentialLiteral(value, names, minimumLength);
    if (literal === undefined || !value) continue;
    // Replace the whole statement on its line, keeping indentation and any trailing comment.
    const replacement = python ? 'raise' : errorName && /^[A-Za-z_$][\w$]*$/.test(errorName) ? `throw ${errorName};` : `throw new Error('${(names[0] ?? 'credential').replace(/'/g, '')} is unavailable and has no fallback by design');`;
    const end = text[statement.endIndex] === ';' ? statement.endIndex + 1 : statement.endIndex;
    found.push({
      node: unwrapExpression(value)!,
      secret: literal,
      message: `This ${python ? 'except' : 'catch'} block falls back to a hardcoded credential ({{secret}}) when obtaining the real one fails: the static secret silently becomes the access path.`,
      edit: { span: [statement.startIndex, end], newText: replacement },
      title: python ? 'Fail closed: re-raise instead of using the literal' : 'Fail closed: throw instead of using the literal',
    });
  }
  return found;
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
