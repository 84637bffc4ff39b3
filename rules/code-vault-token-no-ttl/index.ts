import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { addMember, named, nodeAt, parentOf, stringValue } from '../lib/syntax';
import docs from './docs.md';

/**
 * Where code mints a Vault token: a Go `api.TokenCreateRequest{…}` literal, or hvac's `create_token(`
 * in Python. Literal words, so linear.
 */
const CANDIDATE = /\bTokenCreateRequest[ \t]*\{|\bcreate_token[ \t]*\(/g;

interface Request {
  /** The node the finding is reported on: the request type or the method name. */
  node: SyntaxNode;
  /** Field or keyword names set, with their value nodes. */
  fields: Map<string, SyntaxNode | undefined>;
  container: SyntaxNode;
  python: boolean;
}

export default defineRule({
  id: 'code-vault-token-no-ttl',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['go', 'python'],
  keywords: ['tokencreaterequest', 'create_token'],
  pattern: CANDIDATE,
  syntax: 'code',
  options: {
    ttl: { type: 'string', default: '1h', description: 'The TTL the quick fix gives a token created without one (the catalog fix example uses 1h).' },
  },
  docs,
  check({ document, options, report }) {
    const root = document.tree(document.codeLanguage!).rootNode;
    const ttl = String(options.ttl).replace(/["\\]/g, '');
    for (const match of document.text.matchAll(CANDIDATE)) {
      const request = match[0].startsWith('TokenCreateRequest') ? goRequest(root, match.index) : pythonRequest(root, match.index);
      if (!request) continue;
      const { fields, python } = request;
      const [ttlName, maxName, periodName] = python ? ['ttl', 'explicit_max_ttl', 'period'] : ['TTL', 'ExplicitMaxTTL', 'Period'];
      const hasTtl = fields.has(ttlName) && !emptyValue(fields.get(ttlName));
      const hasMax = fields.has(maxName) && !emptyValue(fields.get(maxName));
      const periodic = fields.has(periodName) && !emptyValue(fields.get(periodName));
      const what = python ? 'create_token()' : 'TokenCreateRequest';
      if (periodic && !hasMax) {
        report({
          span: [request.node.startIndex, request.node.endIndex],
          message: `${what} sets a period without an explicit max TTL: a periodic token can be renewed forever, so a leaked copy never has to expire. Cap it with ${maxName}, or better, authenticate the workload (JWT, Kubernetes auth) and let the auth role set the TTLs.`,
          construct: `${what}:${periodName}:${shape(request.container)}`,
          fixable: false,
        });
        continue;
      }
      if (hasTtl || hasMax || periodic) continue;
      const member = python ? `${ttlName}="${ttl}"` : `${ttlName}: "${ttl}"`;
      const edits: TextEdit[] = addMember(document.text, request.container, member, '');
      report({
        span: [request.node.startIndex, request.node.endIndex],
        message: `${what} without ${ttlName} or ${maxName}: the token gets the mount's default TTL (32 days unless tuned) and a leaked copy stays valid that long. Set a short ${ttlName}, or better, authenticate the workload (JWT, Kubernetes auth) instead of minting tokens in code.`,
        construct: `${what}:no-ttl:${shape(request.container)}`,
        data: { edits, ttl },
        fixable: true,
      });
    }
  },
  fix({ finding }) {
    const { edits, ttl } = finding.data as { edits: TextEdit[]; ttl: string };
    return [{ title: `Give the token a TTL of ${ttl}`, edits, isPreferred: true }];
  },
});

/** The request's fields without layout, so that two requests in one file have distinct identities. */
function shape(container: SyntaxNode): string {
  return container.text.replace(/\s+/g, '').slice(0, 200);
}

/** `""`, `0`, `None`: a field that is present but sets nothing. */
function emptyValue(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  return stringValue(node) === '' || node.text === '0' || node.text === 'None' || node.text === 'nil';
}

/** Go `&api.TokenCreateRequest{Policies: …, TTL: …}`. */
function goRequest(root: SyntaxNode, index: number): Request | undefined {
  const name = nodeAt(root.tree, index);
  if (!name || name.startIndex !== index) return undefined;
  let type: SyntaxNode | null = parentOf(name);
  if (type?.type !== 'qualified_type') type = name;
  const literal = parentOf(type);
  if (literal?.type !== 'composite_literal' || literal.childForFieldName('type')?.id !== type.id) return undefined;
  const body = literal.childForFieldName('body');
  if (!body) return undefined;
  const fields = new Map<string, SyntaxNode | undefined>();
  for (const element of named(body)) {
    if (element.type !== 'keyed_element') return undefined; // positional fields: not judged
    const [key, value] = named(element);
    fields.set(key?.text ?? '', value?.type === 'literal_element' ? named(value)[0] : value);
  }
  return { node: type, fields, container: body, python: false };
}

/** Python hvac `client.create_token(policies=[…], ttl="1h")`. */
function pythonRequest(root: SyntaxNode, index: number): Request | undefined {
  const name = nodeAt(root.tree, index);
  if (!name || name.startIndex !== index) return undefined;
  const attribute = parentOf(name);
  if (attribute?.type !== 'attribute' || attribute.childForFieldName('attribute')?.id !== name.id) return undefined;
  const call = parentOf(attribute);
  if (call?.type !== 'call' || call.childForFieldName('function')?.id !== attribute.id) return undefined;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return undefined;
  const fields = new Map<string, SyntaxNode | undefined>();
  for (const arg of named(args)) {
    // `**options` may carry the TTL; positional arguments are not judged.
    if (arg.type !== 'keyword_argument') return undefined;
    fields.set(arg.childForFieldName('name')?.text ?? '', arg.childForFieldName('value') ?? undefined);
  }
  return { node: name, fields, container: args, python: true };
}
