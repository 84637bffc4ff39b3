import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, FixContext, RuleContext } from '../../server/src/engine/types';
import { nodeAt, parentOf, stringValue } from '../lib/syntax';
import { javaLifetime } from './expiry';

const named = (node: SyntaxNode | null | undefined): SyntaxNode[] => node?.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment') ?? [];

/** Builder calls that may bring claims from a map built elsewhere (an `exp` among them): unknown. */
const OPAQUE_CLAIMS = new Set(['setClaims', 'addClaims', 'add', 'claims']);
/** jjwt 0.12 names; a chain using them gets `expiration(…)`, older chains `setExpiration(…)`. */
const MODERN = new Set(['subject', 'issuer', 'issuedAt', 'id', 'audience', 'notBefore', 'header', 'content']);

interface Chain {
  /** `Jwts.builder()` */
  root: SyntaxNode;
  /** The calls after it, innermost first, ending with `compact()`. */
  calls: SyntaxNode[];
}

/** The jjwt builder chain that `compact` (a method_invocation) ends, if it starts at `Jwts.builder()`. */
function builderChain(compact: SyntaxNode): Chain | undefined {
  const calls: SyntaxNode[] = [];
  let node: SyntaxNode | null = compact;
  while (node?.type === 'method_invocation') {
    const object = node.childForFieldName('object');
    if (node.childForFieldName('name')?.text === 'builder' && /^(?:io\.jsonwebtoken\.)?Jwts$/.test(object?.text ?? '')) {
      return { root: node, calls: calls.reverse() };
    }
    calls.push(node);
    node = object;
  }
  return undefined;
}

const nameOf = (call: SyntaxNode) => call.childForFieldName('name')?.text ?? '';

function expirationArgument(chain: Chain): SyntaxNode | undefined | null {
  for (const call of chain.calls) {
    const name = nameOf(call);
    const args = named(call.childForFieldName('arguments'));
    if (name === 'setExpiration' || name === 'expiration') return args[0] ?? null;
    if ((name === 'claim' || name === 'setClaim') && stringValue(args[0]) === 'exp') return args[1] ?? null;
  }
  return undefined;
}

function findChain(root: SyntaxNode, start: number): Chain | undefined {
  const node = parentOf(nodeAt(root.tree, start));
  return node?.type === 'method_invocation' && nameOf(node) === 'compact' ? builderChain(node) : undefined;
}

export function checkJava({ document, options, report }: RuleContext, maxSeconds: number): void {
  const root = document.tree('java').rootNode;
  const text = document.text;
  for (let at = text.indexOf('compact'); at !== -1; at = text.indexOf('compact', at + 1)) {
    const compact = parentOf(nodeAt(root.tree, at));
    if (compact?.type !== 'method_invocation' || nameOf(compact) !== 'compact' || compact.childForFieldName('name')!.startIndex !== at) continue;
    const chain = builderChain(compact);
    if (!chain) continue;
    const expiration = expirationArgument(chain);
    if (expiration === undefined) {
      if (chain.calls.some((call) => OPAQUE_CLAIMS.has(nameOf(call)) && named(call.childForFieldName('arguments')).length > 0)) continue;
      report({
        span: [chain.root.startIndex, chain.root.endIndex],
        message: 'Jwts.builder()…compact() without an expiration issues a token that is valid forever; jjwt adds no expiry by itself.',
        construct: `jjwt:${chain.calls.map(nameOf).join('.')}`,
        data: { language: 'java', compact: at },
      });
      continue;
    }
    const lifetime = javaLifetime(expiration);
    if (lifetime && lifetime.seconds > maxSeconds) {
      report({
        span: [expiration!.startIndex, expiration!.endIndex],
        severity: 'warning',
        message: `The token expires ${lifetime.seconds} s after issue, longer than the ${options.maxSeconds} s this project allows for tokens.`,
        construct: `jjwt-ttl:${chain.calls.map(nameOf).join('.')}`,
        data: { language: 'java', compact: at, exp: true },
      });
    }
  }
}

export function fixJava({ document, finding }: FixContext, fixSeconds: number): Fix[] {
  const root = document.tree('java').rootNode;
  const text = document.text;
  const data = finding.data as { compact: number; exp?: boolean };
  const chain = findChain(root, data.compact);
  if (!chain) return [];
  if (data.exp) {
    const lifetime = javaLifetime(expirationArgument(chain));
    if (!lifetime) return [];
    return [{ title: `Shorten the expiration to ${fixSeconds} s after issue`, edits: [{ span: lifetime.span, newText: lifetime.rewrite(fixSeconds) }], isPreferred: true }];
  }
  const method = chain.calls.some((call) => MODERN.has(nameOf(call))) ? 'expiration' : 'setExpiration';
  const date = /^import[ \t]+java\.util\.(?:Date|\*)[ \t]*;/m.test(text) ? 'Date' : 'java.util.Date';
  const call = `.${method}(new ${date}(System.currentTimeMillis() + ${fixSeconds * 1000}L))`;
  const compact = chain.calls[chain.calls.length - 1]!;
  const object = compact.childForFieldName('object')!;
  const gap = text.slice(object.endIndex, compact.childForFieldName('name')!.startIndex);
  let newText = call;
  if (gap.includes('\n')) {
    // `.compact()` on a line of its own: the expiration goes on its own line above it, same indent.
    const lineStart = text.lastIndexOf('\n', compact.childForFieldName('name')!.startIndex) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const eol = text[lineStart - 2] === '\r' ? '\r\n' : '\n';
    newText = `${eol}${indent}${call}`;
  }
  return [{ title: `Add ${method}(…) ${fixSeconds} s after issue`, edits: [{ span: [object.endIndex, object.endIndex], newText }], isPreferred: true }];
}
