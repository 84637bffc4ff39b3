import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode, Tree } from '../../server/src/engine/parse/tree-sitter';
import type { Fix } from '../../server/src/engine/types';
import { durationSeconds, parseDuration } from '../lib/duration';
import { addMember, jsStringValue, localValue, nodeAt, nodesAtText, parentOf } from '../lib/syntax';
import docs from './docs.md';
import { checkGo, fixGo } from './go';
import { checkJava, fixJava } from './java';
import { checkJose, fixJose, LOADS_JOSE } from './jose';
import { checkPython, fixPython } from './python';

const MODULE = 'jsonwebtoken';
/** `from 'jsonwebtoken'`, `require("jsonwebtoken")`, `import('jsonwebtoken')`. */
const LOADS_JSONWEBTOKEN = /(?:from|require|import)[\s(]*['"`]jsonwebtoken['"`]/;
const SIGN_CALL = /\bsign[ \t]*\(/g;
/**
 * A file that loads a JWT library: jsonwebtoken or jose (JS/TS), PyJWT (`import jwt`, `from jwt import`),
 * golang-jwt and its predecessors, jjwt (`Jwts.builder`) or auth0's java-jwt (`com.auth0.jwt`).
 * Each alternative starts at a word the prefilter locates (what comes before it is a lookbehind),
 * so the pattern runs only there; plain alternation and bounded runs, so linear.
 */
const JWT_LIBRARY = {
  keywords: ['jsonwebtoken', 'jose', 'jwt', 'golang-jwt/jwt', 'dgrijalva/jwt-go', 'form3tech-oss/jwt-go', 'com.auth0.jwt'],
  pattern:
    /(?<=(?:from|require|import)[\s(]*['"`])(?:jsonwebtoken|jose)['"`]|(?<=^[ \t]*import[ \t]+)jwt\b|(?<=^[ \t]*from[ \t]+)jwt[ \t]+import\b|(?<=github\.com\/)(?:golang-jwt\/jwt|dgrijalva\/jwt-go|form3tech-oss\/jwt-go)|(?<!\w)(?:Jwts[ \t]*\.[ \t]*builder|com\.auth0\.jwt)\b/my,
};

export default defineRule({
  id: 'code-jwt-no-expiry',
  category: 'missing-ttl',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python', 'go', 'java'],
  keywords: JWT_LIBRARY.keywords,
  locatesKeywords: true,
  syntax: 'code',
  options: {
    maxSeconds: { type: 'number', default: 3600, description: 'Longest acceptable `expiresIn`, in seconds.' },
    fixExpiresIn: { type: 'string', default: '15m', description: 'The `expiresIn` the quick fix inserts (in Python, Go and Java, the lifetime of the expiry it writes).' },
  },
  docs,
  check(context) {
    const { document, options, report } = context;
    const maxSeconds = Number(options.maxSeconds);
    if (document.keywordMatches(JWT_LIBRARY.keywords, JWT_LIBRARY.pattern).next().done) return;
    if (document.codeLanguage === 'python') return checkPython(context, maxSeconds);
    if (document.codeLanguage === 'go') return checkGo(context, maxSeconds);
    if (document.codeLanguage === 'java') return checkJava(context, maxSeconds);
    if (LOADS_JOSE.test(document.text)) checkJose(context, maxSeconds, setsExpiry);
    if (!LOADS_JSONWEBTOKEN.test(document.text)) return;
    // Only files that load jsonwebtoken and call something named `sign` are parsed; each
    // `sign(` in the text is then checked on the syntax tree.
    const signCalls = [...document.text.matchAll(SIGN_CALL)];
    if (signCalls.length === 0) return;
    const tree = document.tree(document.codeLanguage!);
    const { namespaces, signFunctions } = jsonwebtokenBindings(tree, document.text);
    for (const match of signCalls) {
      const call = enclosingCall(tree.rootNode, match.index);
      const callee = call?.childForFieldName('function');
      // The callee must end at this `sign` (not `sign` passed as an argument to another call).
      if (!call || !callee || callee.endIndex !== match.index + 4 || !isSignCall(callee, namespaces, signFunctions)) continue;
      const args = call.childForFieldName('arguments')?.namedChildren.filter((n): n is SyntaxNode => n !== null) ?? [];
      const [payload, , options3] = args;
      if (!payload || setsExpiry(payload, document.text)) continue;
      const optionsObject = options3?.type === 'object' ? options3 : undefined;
      if (options3 && !optionsObject && !isFunction(options3)) continue; // options built elsewhere: unknown
      const expiresIn = optionsObject && objectKey(optionsObject, 'expiresIn');
      // Without an explicit expiresIn, a spread (`...defaults`) may carry one: unknown, so no finding.
      if (!expiresIn && optionsObject?.namedChildren.some((child) => child?.type === 'spread_element')) continue;
      if (!expiresIn) {
        report({
          span: [callee.startIndex, callee.endIndex],
          message: 'jwt.sign() without expiresIn issues a token that is valid forever; set expiresIn (jsonwebtoken has no default).',
          construct: `sign:${payload.text}`,
          data: { callStart: call.startIndex },
          // jsonwebtoken rejects expiresIn for string payloads; such a token needs a redesign, not a flag.
          fixable: payload.type !== 'string' && payload.type !== 'template_string',
        });
        continue;
      }
      const seconds = durationSeconds(expiresIn.childForFieldName('value'));
      if (seconds !== undefined && seconds > Number(options.maxSeconds)) {
        report({
          span: [expiresIn.startIndex, expiresIn.endIndex],
          severity: 'warning',
          message: `expiresIn is ${seconds} s, longer than the ${options.maxSeconds} s this project allows for tokens.`,
          construct: `sign-ttl:${payload.text}`,
          data: { callStart: call.startIndex },
        });
      }
    }
  },
  fix(context) {
    const { document, finding, options } = context;
    const language = (finding.data as { language?: string }).language;
    if (language !== undefined) {
      const fixSeconds = parseDuration(String(options.fixExpiresIn)) ?? 900;
      if (language === 'python') return fixPython(context, fixSeconds);
      if (language === 'go') return fixGo(context, fixSeconds);
      if (language === 'jose') return fixJose(context, String(options.fixExpiresIn));
      return fixJava(context, fixSeconds);
    }
    const call = findCall(document.tree(document.codeLanguage!).rootNode, finding.data!.callStart as number);
    const args = call?.childForFieldName('arguments');
    if (!call || !args) return [];
    const ttl = `'${String(options.fixExpiresIn)}'`;
    const list = args.namedChildren.filter((n): n is SyntaxNode => n !== null);
    const options3 = list[2];
    let fix: Fix['edits'];
    if (options3?.type === 'object') {
      const existing = objectKey(options3, 'expiresIn');
      fix = existing
        ? [{ span: [existing.childForFieldName('value')!.startIndex, existing.childForFieldName('value')!.endIndex], newText: ttl }]
        : addMember(document.text, options3, `expiresIn: ${ttl}`);
    } else if (list[1]) {
      fix = [{ span: [list[1].endIndex, list[1].endIndex], newText: `, { expiresIn: ${ttl} }` }];
    } else {
      return [];
    }
    return [{ title: `Set expiresIn: ${ttl}`, edits: fix, isPreferred: true }];
  },
});

const IMPORTS = new Set(['import_statement', 'variable_declarator']);

/**
 * Names under which this file binds jsonwebtoken, read from the syntax tree:
 * `import jwt from`, `import * as jwt from`, `import { sign as s } from`, `const jwt = require(...)`,
 * `const { sign } = require(...)`.
 */
function jsonwebtokenBindings(tree: Tree, text: string): { namespaces: Set<string>; signFunctions: Set<string> } {
  const namespaces = new Set<string>();
  const signFunctions = new Set<string>();
  for (const node of nodesAtText(tree, text, MODULE, IMPORTS)) {
    if (node.type === 'import_statement') {
      if (jsStringValue(node.childForFieldName('source')) !== MODULE) continue;
      const clause = node.namedChildren.find((child) => child?.type === 'import_clause');
      for (const part of clause?.namedChildren ?? []) {
        if (part?.type === 'identifier') namespaces.add(part.text);
        else if (part?.type === 'namespace_import') namespaces.add(part.namedChild(0)?.text ?? '');
        else if (part?.type === 'named_imports') {
          for (const specifier of part.namedChildren) {
            if (specifier?.childForFieldName('name')?.text !== 'sign') continue;
            signFunctions.add((specifier.childForFieldName('alias') ?? specifier.childForFieldName('name'))!.text);
          }
        }
      }
      continue;
    }
    const value = node.childForFieldName('value');
    if (value?.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require') continue;
    const argument = value.childForFieldName('arguments')?.namedChild(0);
    if (jsStringValue(argument) !== MODULE) continue;
    const name = node.childForFieldName('name');
    if (name?.type === 'identifier') namespaces.add(name.text);
    else if (name?.type === 'object_pattern') {
      for (const property of name.namedChildren) {
        if (property?.type === 'shorthand_property_identifier_pattern' && property.text === 'sign') signFunctions.add('sign');
        if (property?.type === 'pair_pattern' && property.childForFieldName('key')?.text === 'sign') {
          signFunctions.add(property.childForFieldName('value')?.text ?? 'sign');
        }
      }
    }
  }
  return { namespaces, signFunctions };
}

function isSignCall(callee: SyntaxNode, namespaces: Set<string>, signFunctions: Set<string>): boolean {
  if (callee.type === 'identifier') return signFunctions.has(callee.text);
  if (callee.type !== 'member_expression') return false;
  return callee.childForFieldName('property')?.text === 'sign' && namespaces.has(callee.childForFieldName('object')?.text ?? '');
}

function objectKey(object: SyntaxNode, key: string): SyntaxNode | undefined {
  for (const child of object.namedChildren) {
    if (child?.type !== 'pair') continue;
    const name = child.childForFieldName('key');
    if (name && (name.text === key || jsStringValue(name) === key)) return child;
  }
  return object.namedChildren.find((c) => c?.type === 'shorthand_property_identifier' && c.text === key) ?? undefined;
}

/** A computed key that names the expiry claim: `[JwtConstants.EXPIRATION_TIME]`, `[CLAIMS.exp]`. */
const EXPIRY_CONSTANT = /(?:^|[.\s_])(?:exp|expiration(?:_?time)?|expires(?:_?at)?)\]$/i;

/**
 * Whether the payload carries its own `exp` claim: an object literal with an `exp` key (or a
 * computed key naming the expiry), written at the call or assigned to the local passed there.
 */
function setsExpiry(payload: SyntaxNode, text: string): boolean {
  const object = payload.type === 'identifier' ? localValue(payload, payload.text, text) : payload;
  if (object?.type !== 'object') return false;
  if (objectKey(object, 'exp')) return true;
  return object.namedChildren.some((child) => {
    const key = child?.type === 'pair' ? child.childForFieldName('key') : undefined;
    return key?.type === 'computed_property_name' && EXPIRY_CONSTANT.test(key.text);
  });
}

function isFunction(node: SyntaxNode): boolean {
  return node.type === 'arrow_function' || node.type === 'function_expression' || node.type === 'function';
}

/** The call expression whose callee ends at the `sign` found at `index`. */
function enclosingCall(root: SyntaxNode, index: number): SyntaxNode | undefined {
  let node: SyntaxNode | null = nodeAt(root.tree, index);
  for (let depth = 0; node && depth < 4; depth++, node = parentOf(node)) {
    if (node.type === 'call_expression') return node;
  }
  return undefined;
}

function findCall(root: SyntaxNode, start: number): SyntaxNode | undefined {
  let node: SyntaxNode | null = nodeAt(root.tree, start);
  while (node && !(node.type === 'call_expression' && node.startIndex === start)) node = parentOf(node);
  return node ?? undefined;
}
