import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, FixContext, RuleContext } from '../../server/src/engine/types';
import { addMember, localValue, named, nodeAt, parentOf, stringValue } from '../lib/syntax';
import { goLifetime } from './expiry';

/** golang-jwt (v3 to v5) and its predecessors, which share the claims API. */
const JWT_PATHS = /^github\.com\/(?:golang-jwt\/jwt|dgrijalva\/jwt-go|form3tech-oss\/jwt-go)(?:\/v\d+)?$/;

/** The package names this file imports: golang-jwt under its name (default `jwt`), and `time`. */
function goImports(root: SyntaxNode): { jwt: string | undefined; time: string | undefined } {
  let jwt: string | undefined;
  let time: string | undefined;
  for (const spec of root.descendantsOfType('import_spec')) {
    const path = stringValue(spec?.childForFieldName('path'));
    const alias = spec?.childForFieldName('name')?.text;
    if (path && JWT_PATHS.test(path)) jwt = alias ?? 'jwt';
    if (path === 'time') time = alias ?? 'time';
  }
  return { jwt, time };
}

type ClaimsKind = 'map' | 'registered' | 'standard';

/** Keyed elements of a composite literal as `key → element`. */
function keyedElements(literal: SyntaxNode): Map<string, SyntaxNode> {
  const elements = new Map<string, SyntaxNode>();
  for (const element of named(literal.childForFieldName('body'))) {
    if (element.type !== 'keyed_element') continue;
    const key = named(element.childForFieldName('key') ?? element.namedChild(0))[0];
    const name = key?.type === 'identifier' || key?.type === 'field_identifier' ? key.text : stringValue(key);
    if (name !== undefined) elements.set(name, element);
  }
  return elements;
}

const elementValue = (element: SyntaxNode | undefined) => named(element?.childForFieldName('value') ?? element?.namedChild(1))[0];

/**
 * The claims literal that decides the expiry: `jwt.MapClaims{…}`, `jwt.RegisteredClaims{…}`,
 * `jwt.StandardClaims{…}`, or a custom struct's `RegisteredClaims: jwt.RegisteredClaims{…}`.
 */
function claimsLiteral(node: SyntaxNode | undefined, jwt: string): { literal: SyntaxNode; kind: ClaimsKind } | undefined {
  if (node?.type !== 'composite_literal') return undefined;
  const type = node.childForFieldName('type')?.text.replace(/\s+/g, '');
  if (type === `${jwt}.MapClaims`) return { literal: node, kind: 'map' };
  if (type === `${jwt}.RegisteredClaims`) return { literal: node, kind: 'registered' };
  if (type === `${jwt}.StandardClaims`) return { literal: node, kind: 'standard' };
  const elements = keyedElements(node);
  const embedded = elements.get('RegisteredClaims') ?? elements.get('StandardClaims');
  return embedded ? claimsLiteral(elementValue(embedded), jwt) : undefined;
}

const expiryKey = (kind: ClaimsKind) => (kind === 'map' ? 'exp' : 'ExpiresAt');

export function checkGo({ document, options, report }: RuleContext, maxSeconds: number): void {
  const root = document.tree('go').rootNode;
  const text = document.text;
  const { jwt, time } = goImports(root);
  if (!jwt) return;
  const callee = `${jwt}.NewWithClaims`;
  for (let at = text.indexOf(callee); at !== -1; at = text.indexOf(callee, at + 1)) {
    if (/[\w.]/.test(text[at - 1] ?? '')) continue;
    let call: SyntaxNode | null = nodeAt(root.tree, at);
    for (let depth = 0; call && call.type !== 'call_expression' && depth < 3; depth++) call = parentOf(call);
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== callee) continue;
    let claims: SyntaxNode | undefined = named(call.childForFieldName('arguments'))[1];
    if (claims?.type === 'unary_expression' && claims.childForFieldName('operator')?.text === '&') claims = claims.childForFieldName('operand') ?? undefined;
    let anchor: SyntaxNode | undefined;
    if (claims?.type === 'identifier') {
      let value = localValue(call, claims.text, text);
      if (value?.type === 'unary_expression') value = value.childForFieldName('operand') ?? undefined;
      if (value?.type !== 'composite_literal') continue;
      anchor = value.childForFieldName('type') ?? undefined;
      claims = value;
    }
    const found = claimsLiteral(claims, jwt);
    if (!found) continue;
    anchor ??= call.childForFieldName('function')!;
    const expiry = keyedElements(found.literal).get(expiryKey(found.kind));
    if (!expiry) {
      // A positional literal (`jwt.RegisteredClaims{"a", …}`) has no keys to read: unknown.
      if (named(found.literal.childForFieldName('body')).some((element) => element.type !== 'keyed_element')) continue;
      report({
        span: [anchor.startIndex, anchor.endIndex],
        message: `${callee}() with claims that have no ${found.kind === 'map' ? '"exp"' : 'ExpiresAt'} issues a token that is valid forever; golang-jwt adds no expiry by itself.`,
        construct: `NewWithClaims:${found.literal.text}`,
        data: { language: 'go', literal: found.literal.startIndex, kind: found.kind },
        fixable: time !== undefined,
      });
      continue;
    }
    const lifetime = goLifetime(elementValue(expiry));
    if (lifetime && lifetime.seconds > maxSeconds) {
      report({
        span: [expiry.startIndex, expiry.endIndex],
        severity: 'warning',
        message: `The token expires ${lifetime.seconds} s after issue, longer than the ${options.maxSeconds} s this project allows for tokens.`,
        construct: `NewWithClaims-ttl:${found.literal.text}`,
        data: { language: 'go', literal: found.literal.startIndex, kind: found.kind, exp: true },
      });
    }
  }
}

export function fixGo({ document, finding }: FixContext, fixSeconds: number): Fix[] {
  const root = document.tree('go').rootNode;
  const data = finding.data as { literal: number; kind: ClaimsKind; exp?: boolean };
  let literal: SyntaxNode | null = nodeAt(root.tree, data.literal);
  while (literal && !(literal.type === 'composite_literal' && literal.startIndex === data.literal)) literal = parentOf(literal);
  const { jwt, time } = goImports(root);
  if (!literal || !jwt) return [];
  if (data.exp) {
    const lifetime = goLifetime(elementValue(keyedElements(literal).get(expiryKey(data.kind))));
    if (!lifetime) return [];
    return [{ title: `Shorten the expiry to ${fixSeconds} s after issue`, edits: [{ span: lifetime.span, newText: lifetime.rewrite(fixSeconds) }], isPreferred: true }];
  }
  if (!time) return [];
  const duration = fixSeconds % 60 === 0 ? `${fixSeconds / 60} * ${time}.Minute` : `${fixSeconds} * ${time}.Second`;
  const at = `${time}.Now().Add(${duration})`;
  const member = data.kind === 'map' ? `"exp": ${at}.Unix()` : data.kind === 'registered' ? `ExpiresAt: ${jwt}.NewNumericDate(${at})` : `ExpiresAt: ${at}.Unix()`;
  const body = literal.childForFieldName('body');
  if (!body) return [];
  return [{ title: `Add ${data.kind === 'map' ? '"exp"' : 'ExpiresAt'} ${fixSeconds} s after issue`, edits: addMember(document.text, body, member, ''), isPreferred: true }];
}
