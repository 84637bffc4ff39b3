import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, FixContext, RuleContext } from '../../server/src/engine/types';
import { named, nodeAt, parentOf, stringValue } from '../lib/syntax';
import { callBefore, javaLifetime } from './expiry';

/**
 * A Java JWT builder: the call that starts a chain, the call that ends it (signs and encodes),
 * the calls that set the expiry, and those that may bring claims from a map built elsewhere (an
 * `exp` among them: unknown).
 */
interface Flavour {
  readonly library: string;
  /** `Jwts.builder()`: the method and the class it is called on (optionally fully qualified). */
  readonly start: { readonly method: string; readonly on: RegExp };
  readonly end: string;
  readonly expiry: ReadonlySet<string>;
  readonly claim: ReadonlySet<string>;
  readonly opaque: ReadonlySet<string>;
  /** The expiry call the fix adds, given the chain's method names. */
  expiryMethod(names: readonly string[]): string;
}

/** jjwt 0.12 names; a chain using them gets `expiration(…)`, older chains `setExpiration(…)`. */
const MODERN = new Set(['subject', 'issuer', 'issuedAt', 'id', 'audience', 'notBefore', 'header', 'content']);

const FLAVOURS: readonly Flavour[] = [
  {
    library: 'jjwt',
    start: { method: 'builder', on: /^(?:io\.jsonwebtoken\.)?Jwts$/ },
    end: 'compact',
    expiry: new Set(['setExpiration', 'expiration']),
    claim: new Set(['claim', 'setClaim']),
    opaque: new Set(['setClaims', 'addClaims', 'add', 'claims']),
    expiryMethod: (names) => (names.some((name) => MODERN.has(name)) ? 'expiration' : 'setExpiration'),
  },
  {
    // auth0 java-jwt: `JWT.create()…sign(algorithm)`; it adds no expiry by itself either.
    library: 'java-jwt',
    start: { method: 'create', on: /^(?:com\.auth0\.jwt\.)?JWT$/ },
    end: 'sign',
    expiry: new Set(['withExpiresAt']),
    claim: new Set(['withClaim']),
    opaque: new Set(['withPayload']),
    expiryMethod: () => 'withExpiresAt',
  },
];

interface Chain {
  readonly flavour: Flavour;
  /** `Jwts.builder()`, `JWT.create()` */
  readonly root: SyntaxNode;
  /** The calls after it, innermost first, ending with the flavour's end call. */
  readonly calls: SyntaxNode[];
}

/** The builder chain that `end` (a method_invocation) ends, if it starts at the flavour's start call. */
function builderChain(end: SyntaxNode, flavour: Flavour): Chain | undefined {
  const calls: SyntaxNode[] = [];
  let node: SyntaxNode | null = end;
  while (node?.type === 'method_invocation') {
    const object = node.childForFieldName('object');
    if (node.childForFieldName('name')?.text === flavour.start.method && flavour.start.on.test(object?.text ?? '')) {
      return { flavour, root: node, calls: calls.reverse() };
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
    if (chain.flavour.expiry.has(name)) return args[0] ?? null;
    if (chain.flavour.claim.has(name) && stringValue(args[0]) === 'exp') return args[1] ?? null;
  }
  return undefined;
}

function findChain(root: SyntaxNode, start: number, library: string): Chain | undefined {
  const flavour = FLAVOURS.find((candidate) => candidate.library === library);
  const node = parentOf(nodeAt(root.tree, start));
  return flavour && node?.type === 'method_invocation' && nameOf(node) === flavour.end ? builderChain(node, flavour) : undefined;
}

export function checkJava({ document, options, report }: RuleContext, maxSeconds: number): void {
  const root = document.tree('java').rootNode;
  const text = document.text;
  for (const flavour of FLAVOURS) {
    const { end } = flavour;
    for (let at = text.indexOf(end); at !== -1; at = text.indexOf(end, at + 1)) {
      const call = parentOf(nodeAt(root.tree, at));
      if (call?.type !== 'method_invocation' || nameOf(call) !== end || call.childForFieldName('name')!.startIndex !== at) continue;
      const chain = builderChain(call, flavour);
      if (!chain) continue;
      const names = chain.calls.map(nameOf);
      const expiration = expirationArgument(chain);
      if (expiration === undefined) {
        if (chain.calls.some((link) => flavour.opaque.has(nameOf(link)) && named(link.childForFieldName('arguments')).length > 0)) continue;
        report({
          span: [chain.root.startIndex, chain.root.endIndex],
          message: `${chain.root.text}…${end}() without an expiration issues a token that is valid forever; ${flavour.library} adds no expiry by itself.`,
          construct: `${flavour.library}:${names.join('.')}`,
          data: { language: 'java', library: flavour.library, end: at },
        });
        continue;
      }
      const lifetime = javaLifetime(expiration);
      if (lifetime && lifetime.seconds > maxSeconds) {
        report({
          span: [expiration!.startIndex, expiration!.endIndex],
          severity: 'warning',
          message: `The token expires ${lifetime.seconds} s after issue, longer than the ${options.maxSeconds} s this project allows for tokens.`,
          construct: `${flavour.library}-ttl:${names.join('.')}`,
          data: { language: 'java', library: flavour.library, end: at, exp: true },
        });
      }
    }
  }
}

export function fixJava({ document, finding }: FixContext, fixSeconds: number): Fix[] {
  const root = document.tree('java').rootNode;
  const text = document.text;
  const data = finding.data as { library: string; end: number; exp?: boolean };
  const chain = findChain(root, data.end, data.library);
  if (!chain) return [];
  if (data.exp) {
    const lifetime = javaLifetime(expirationArgument(chain));
    if (!lifetime) return [];
    return [{ title: `Shorten the expiration to ${fixSeconds} s after issue`, edits: [{ span: lifetime.span, newText: lifetime.rewrite(fixSeconds) }], isPreferred: true }];
  }
  const method = chain.flavour.expiryMethod(chain.calls.map(nameOf));
  const date = /^import[ \t]+java\.util\.(?:Date|\*)[ \t]*;/m.test(text) ? 'Date' : 'java.util.Date';
  const call = `.${method}(new ${date}(System.currentTimeMillis() + ${fixSeconds * 1000}L))`;
  const last = chain.calls[chain.calls.length - 1]!;
  const edit = callBefore(text, last.childForFieldName('object')!.endIndex, last.childForFieldName('name')!.startIndex, call);
  return [{ title: `Add ${method}(…) ${fixSeconds} s after issue`, edits: [edit], isPreferred: true }];
}
