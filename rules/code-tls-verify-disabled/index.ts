import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { enclosingErrorHandler, enclosingScope, envVariableName, named, nodeAt, parentOf, stringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * Where certificate verification can be turned off, one alternative per construct: Node's
 * `rejectUnauthorized: false` and `NODE_TLS_REJECT_UNAUTHORIZED`, Python's `verify=False`,
 * `_create_unverified_context`, `CERT_NONE` and `check_hostname = False`, Go's
 * `InsecureSkipVerify: true`, Java's trust-all `checkServerTrusted` and host name verifiers.
 * Each alternative starts with a literal word, the one the prefilter locates, and has one bounded
 * gap, so the matching is linear; it runs only where the prefilter found a keyword.
 */
const CANDIDATE =
  /(?<!\w)(?:rejectUnauthorized['"]?[ \t]*[:=][ \t]*false\b|NODE_TLS_REJECT_UNAUTHORIZED\b|verify[ \t]*=[ \t]*False\b|_create_unverified_context\b|CERT_NONE\b|check_hostname[ \t]*=[ \t]*False\b|InsecureSkipVerify[ \t]*[:=][ \t]*true\b|checkServerTrusted\b)|[Hh]ostnameVerifier\b/y;
/** The words the alternatives start with, in order. */
const KEYWORDS = ['rejectunauthorized', 'node_tls_reject_unauthorized', 'verify', '_create_unverified_context', 'cert_none', 'check_hostname', 'insecureskipverify', 'checkservertrusted', 'hostnameverifier'];

type Kind = 'node-option' | 'node-env' | 'py-verify' | 'py-unverified-context' | 'py-cert-none' | 'py-check-hostname' | 'go-skip-verify' | 'java-trust-all' | 'java-hostname';

interface Candidate {
  kind: Kind;
  /** What the finding underlines. */
  node: SyntaxNode;
  /** The minimal edit that turns verification back on, when there is one. */
  edit?: TextEdit;
  what: string;
}

export default defineRule({
  id: 'code-tls-verify-disabled',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python', 'go', 'java'],
  keywords: KEYWORDS,
  locatesKeywords: true,
  syntax: 'code',
  docs,
  check({ document, report }) {
    let root: SyntaxNode | undefined;
    const seen = new Set<number>();
    for (const match of document.keywordMatches(KEYWORDS, CANDIDATE)) {
      root ??= document.tree(document.codeLanguage!).rootNode;
      const found = candidateAt(root, match.index, match[0], document.text);
      if (!found || seen.has(found.node.startIndex)) continue;
      seen.add(found.node.startIndex);
      const handler = enclosingErrorHandler(found.node);
      report({
        span: [found.node.startIndex, found.node.endIndex],
        // Both are errors (the catalog's rating); the message says when it is the worse case, a
        // silent fallback that turns a failed verification into an unverified connection.
        severity: 'error',
        message: handler
          ? `${found.what} turns off TLS certificate verification as a fallback when the verified connection fails: an attacker in the middle only has to make verification fail to receive the credentials sent over it.`
          : `${found.what} turns off TLS certificate verification: anyone in the network path can impersonate the server and read the credentials sent to it.`,
        data: found.edit ? { start: found.edit.span[0], end: found.edit.span[1], newText: found.edit.newText } : {},
        fixable: found.edit !== undefined,
      });
    }
  },
  fix({ finding }) {
    const { start, end, newText } = finding.data as { start: number; end: number; newText: string };
    return [{ title: `Verify certificates again (${newText})`, edits: [{ span: [start, end], newText }], isPreferred: true }];
  },
});

function candidateAt(root: SyntaxNode, index: number, text: string, source: string): Candidate | undefined {
  const node = nodeAt(root.tree, index);
  if (!node) return undefined;
  if (text.startsWith('rejectUnauthorized')) return nodeOption(node);
  if (text === 'NODE_TLS_REJECT_UNAUTHORIZED') return nodeEnv(node);
  if (text.startsWith('verify')) return pythonVerify(node);
  if (text === '_create_unverified_context') return pythonUnverifiedContext(node);
  if (text === 'CERT_NONE') return pythonCertNone(node);
  if (text.startsWith('check_hostname')) return pythonCheckHostname(node, source);
  if (text.startsWith('InsecureSkipVerify')) return goSkipVerify(node, source);
  if (text === 'checkServerTrusted') return javaTrustAll(node);
  if (text.endsWith('ostnameVerifier')) return javaHostnameVerifier(node);
  return undefined;
}

const isFalse = (node: SyntaxNode | null | undefined) => node?.type === 'false';
const isTrue = (node: SyntaxNode | null | undefined) => node?.type === 'true';

/** `{ rejectUnauthorized: false }` or `agent.options.rejectUnauthorized = false`. */
function nodeOption(node: SyntaxNode): Candidate | undefined {
  const parent = node.type === 'property_identifier' || node.type === 'string_fragment' ? (node.type === 'string_fragment' ? parentOf(parentOf(node)) : parentOf(node)) : undefined;
  if (parent?.type === 'pair') {
    const value = unwrapExpression(parent.childForFieldName('value'));
    if (!isFalse(value)) return undefined;
    return { kind: 'node-option', node: parent, what: 'rejectUnauthorized: false', edit: { span: [value!.startIndex, value!.endIndex], newText: 'true' } };
  }
  const assignment = parentOf(parent);
  if (parent?.type === 'member_expression' && assignment?.type === 'assignment_expression' && assignment.childForFieldName('left')?.id === parent.id) {
    const value = unwrapExpression(assignment.childForFieldName('right'));
    if (!isFalse(value)) return undefined;
    return { kind: 'node-option', node: assignment, what: 'rejectUnauthorized = false', edit: { span: [value!.startIndex, value!.endIndex], newText: 'true' } };
  }
  return undefined;
}

/** `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` (or `0`, or `process.env['…']`). */
function nodeEnv(node: SyntaxNode): Candidate | undefined {
  let target: SyntaxNode | null = node;
  for (let depth = 0; target && envVariableName(target) !== 'NODE_TLS_REJECT_UNAUTHORIZED' && depth < 3; depth++) target = parentOf(target);
  const assignment = parentOf(target);
  if (!target || assignment?.type !== 'assignment_expression' || assignment.childForFieldName('left')?.id !== target.id) return undefined;
  const value = unwrapExpression(assignment.childForFieldName('right'));
  const literal = stringValue(value) ?? (value?.type === 'number' ? value.text : undefined);
  if (literal !== '0') return undefined;
  const newText = value!.type === 'number' ? '1' : `${value!.text[0]}1${value!.text[0]}`;
  return { kind: 'node-env', node: assignment, what: 'NODE_TLS_REJECT_UNAUTHORIZED=0', edit: { span: [value!.startIndex, value!.endIndex], newText } };
}

/** `requests.get(url, verify=False)`, `httpx.Client(verify=False)`, `session.verify = False`. */
function pythonVerify(node: SyntaxNode): Candidate | undefined {
  const parent = parentOf(node);
  if (node.type !== 'identifier' || !parent) return undefined;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) {
    const value = parent.childForFieldName('value');
    if (!isFalse(value)) return undefined;
    return { kind: 'py-verify', node: parent, what: 'verify=False', edit: { span: [value!.startIndex, value!.endIndex], newText: 'True' } };
  }
  const assignment = parent.type === 'attribute' ? parentOf(parent) : undefined;
  if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.id === parent.id && parent.childForFieldName('attribute')?.id === node.id) {
    const value = assignment.childForFieldName('right');
    if (!isFalse(value)) return undefined;
    return { kind: 'py-verify', node: assignment, what: `${parent.text} = False`, edit: { span: [value!.startIndex, value!.endIndex], newText: 'True' } };
  }
  return undefined;
}

/** `ssl._create_unverified_context()`, or installing it as the default HTTPS context. */
function pythonUnverifiedContext(node: SyntaxNode): Candidate | undefined {
  const parent = parentOf(node);
  const reference = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id ? parent : node;
  if (node.type !== 'identifier') return undefined;
  const holder = parentOf(reference);
  // `def _create_unverified_context(…)`: where the function is defined (the standard library's
  // `ssl`, a shim), not where it is used.
  if (holder?.type === 'function_definition' && holder.childForFieldName('name')?.id === reference.id) return undefined;
  const call = holder?.type === 'call' && holder.childForFieldName('function')?.id === reference.id ? holder : undefined;
  // `_create_unverified_context(cert_reqs=…, …)` takes arguments `create_default_context` does not.
  const canSwap = !call || named(call.childForFieldName('arguments')).length === 0;
  return {
    kind: 'py-unverified-context',
    node: call ?? reference,
    what: `${reference.text}${call ? '()' : ''}`,
    ...(canSwap ? { edit: { span: [node.startIndex, node.endIndex] as const, newText: 'create_default_context' } } : {}),
  };
}

/** `ctx.verify_mode = ssl.CERT_NONE`, `cert_reqs=ssl.CERT_NONE`, `cert_reqs="CERT_NONE"`. */
function pythonCertNone(node: SyntaxNode): Candidate | undefined {
  const parent = parentOf(node);
  let value: SyntaxNode | null = parent?.type === 'attribute' || node.type === 'string_content' ? parent : node;
  if (value?.type === 'attribute' && value.childForFieldName('attribute')?.text !== 'CERT_NONE') return undefined;
  if (value?.type === 'string' && stringValue(value) !== 'CERT_NONE') return undefined;
  const holder = parentOf(value);
  const target = holder?.type === 'keyword_argument' ? holder.childForFieldName('name') : holder?.type === 'assignment' ? holder.childForFieldName('left') : undefined;
  const name = target?.type === 'attribute' ? target.childForFieldName('attribute')?.text : target?.text;
  if (!holder || !value || (name !== 'cert_reqs' && name !== 'verify_mode')) return undefined;
  const at = value.type === 'string' ? node : value.type === 'attribute' ? value.childForFieldName('attribute')! : value;
  return { kind: 'py-cert-none', node: holder, what: holder.text.replace(/\s+/g, ' '), edit: { span: [at.startIndex, at.endIndex], newText: 'CERT_REQUIRED' } };
}

/** `ctx.check_hostname = False`. */
function pythonCheckHostname(node: SyntaxNode, source: string): Candidate | undefined {
  const attribute = parentOf(node);
  const assignment = parentOf(attribute);
  if (attribute?.type !== 'attribute' || assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== attribute.id) return undefined;
  const value = assignment.childForFieldName('right');
  if (!isFalse(value)) return undefined;
  // Turning host name checks back on while `verify_mode = CERT_NONE` stays raises ValueError: that
  // one is fixed with the CERT_NONE finding, so this one only gets a fix when CERT_NONE is not nearby.
  const scope = enclosingScope(assignment);
  const certNoneNearby = source.slice(scope.startIndex, scope.endIndex).includes('CERT_NONE');
  return {
    kind: 'py-check-hostname',
    node: assignment,
    what: `${attribute.text} = False`,
    ...(certNoneNearby ? {} : { edit: { span: [value!.startIndex, value!.endIndex] as const, newText: 'True' } }),
  };
}

/** `tls.Config{InsecureSkipVerify: true}` or `cfg.InsecureSkipVerify = true`, unless custom verification is set. */
function goSkipVerify(node: SyntaxNode, source: string): Candidate | undefined {
  let holder: SyntaxNode | null = node;
  for (let depth = 0; holder && holder.type !== 'keyed_element' && holder.type !== 'assignment_statement' && depth < 4; depth++) holder = parentOf(holder);
  if (!holder) return undefined;
  let value: SyntaxNode | undefined;
  let customVerification: boolean;
  if (holder.type === 'keyed_element') {
    value = named(named(holder)[1])[0] ?? named(holder)[1];
    const literal = parentOf(holder);
    customVerification = named(literal).some((element) => /^(?:VerifyPeerCertificate|VerifyConnection)\b/.test(element.text));
  } else {
    const left = named(holder.childForFieldName('left'));
    const right = named(holder.childForFieldName('right'));
    if (left.length !== 1 || !left[0]!.text.endsWith('InsecureSkipVerify')) return undefined;
    value = right[0];
    const scope = enclosingScope(holder);
    customVerification = /\b(?:VerifyPeerCertificate|VerifyConnection)\b/.test(source.slice(scope.startIndex, scope.endIndex));
  }
  if (!isTrue(value) || customVerification) return undefined;
  return { kind: 'go-skip-verify', node: holder, what: 'InsecureSkipVerify: true', edit: { span: [value!.startIndex, value!.endIndex], newText: 'false' } };
}

/** An `X509TrustManager.checkServerTrusted` that accepts every certificate (an empty body). */
function javaTrustAll(node: SyntaxNode): Candidate | undefined {
  const method = parentOf(node);
  if (method?.type !== 'method_declaration' || method.childForFieldName('name')?.id !== node.id) return undefined;
  const body = method.childForFieldName('body');
  if (!body || named(body).length > 0) return undefined;
  return { kind: 'java-trust-all', node, what: 'A checkServerTrusted() that accepts every certificate' };
}

/** `-> true` or `-> { return true; }`. */
function returnsTrue(body: SyntaxNode | null | undefined): boolean {
  if (isTrue(body)) return true;
  const statements = named(body);
  return body?.type === 'block' && statements.length === 1 && statements[0]!.type === 'return_statement' && isTrue(named(statements[0])[0]);
}

/**
 * A host name verifier that accepts every host: `NoopHostnameVerifier`, a lambda returning
 * `true` given to `setHostnameVerifier` / `setDefaultHostnameVerifier` / `hostnameVerifier`, or
 * an anonymous `HostnameVerifier` whose `verify` returns `true`.
 */
function javaHostnameVerifier(node: SyntaxNode): Candidate | undefined {
  if (node.type !== 'identifier' && node.type !== 'type_identifier') return undefined;
  const parent = parentOf(node);
  if (node.text === 'NoopHostnameVerifier' && (parent?.type === 'field_access' || parent?.type === 'object_creation_expression')) {
    return { kind: 'java-hostname', node: parent, what: 'NoopHostnameVerifier (accepts every host name)' };
  }
  if (parent?.type === 'method_invocation' && parent.childForFieldName('name')?.id === node.id) {
    const lambda = named(parent.childForFieldName('arguments'))[0];
    if (lambda?.type === 'lambda_expression' && returnsTrue(lambda.childForFieldName('body'))) {
      return { kind: 'java-hostname', node: parent, what: 'A host name verifier that accepts every host' };
    }
    return undefined;
  }
  // `new HostnameVerifier() { public boolean verify(…) { return true; } }`
  const creation = parent?.type === 'object_creation_expression' ? parent : undefined;
  const body = named(creation).find((child) => child.type === 'class_body');
  const verify = named(body).find((member) => member.type === 'method_declaration' && member.childForFieldName('name')?.text === 'verify');
  if (creation && verify && returnsTrue(verify.childForFieldName('body'))) {
    return { kind: 'java-hostname', node: creation.childForFieldName('type') ?? creation, what: 'A host name verifier that accepts every host' };
  }
  return undefined;
}
