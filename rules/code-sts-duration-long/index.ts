import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { addMember, constantValue, jsStringValue, named, nodeAt, numberProduct, parentOf, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * An STS call that mints a session: SDK v3 commands, SDK v2 and boto3 methods. One alternation of
 * literal names followed by `(`, so linear.
 */
const CANDIDATE =
  /\b(?:AssumeRole(?:WithWebIdentity|WithSAML)?Command|GetSessionTokenCommand|assumeRole(?:WithWebIdentity|WithSAML)?|getSessionToken|assume_role(?:_with_web_identity|_with_saml)?|get_session_token)[ \t]*\(/g;

/** The duration STS uses when the call does not say: AssumeRole* 1 hour, GetSessionToken 12 hours. */
const DEFAULT_SECONDS = { assume: 3600, session: 43200 } as const;

interface StsCall {
  api: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML' | 'GetSessionToken';
  /** The `DurationSeconds` value node, when the call sets it. */
  value?: SyntaxNode;
  /** Where `DurationSeconds` goes when it is missing: the params object or the argument list. */
  container?: SyntaxNode;
  python: boolean;
  callee: SyntaxNode;
}

export default defineRule({
  id: 'code-sts-duration-long',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['javascript', 'typescript', 'python'],
  keywords: ['assumerole', 'assume_role', 'getsessiontoken', 'get_session_token'],
  pattern: CANDIDATE,
  syntax: 'code',
  options: {
    maxSeconds: { type: 'number', default: 3600, description: 'Longest acceptable STS session (`DurationSeconds`), in seconds; the STS default for AssumeRole.' },
    errorSeconds: { type: 'number', default: 43200, description: 'AssumeRole durations above this (the 12-hour API maximum) are errors.' },
  },
  docs,
  check({ document, options, report }) {
    const root = document.tree(document.codeLanguage!).rootNode;
    const maxSeconds = Number(options.maxSeconds);
    const errorSeconds = Number(options.errorSeconds);
    for (const match of document.text.matchAll(CANDIDATE)) {
      const call = stsCall(root, match.index, match[0].replace(/[ \t(]/g, ''));
      if (!call) continue;
      const assume = call.api !== 'GetSessionToken';
      let seconds: number | undefined;
      if (call.value) {
        const value = call.value.type === 'identifier' ? constantValue(root, call.value, call.value.text, document.text) : call.value;
        seconds = numberProduct(unwrapExpression(value));
      } else {
        seconds = assume ? DEFAULT_SECONDS.assume : DEFAULT_SECONDS.session;
      }
      if (seconds === undefined || seconds <= maxSeconds) continue;
      const name = call.python ? 'DurationSeconds=' : 'DurationSeconds: ';
      let edits: TextEdit[] | undefined;
      if (call.value) edits = [{ span: [call.value.startIndex, call.value.endIndex], newText: String(maxSeconds) }];
      else if (call.container?.type === 'arguments') edits = addMember(document.text, call.container, `{ ${name}${maxSeconds} }`, '');
      else if (call.container) edits = addMember(document.text, call.container, `${name}${maxSeconds}`, call.container.type === 'object' ? ' ' : '');
      report({
        span: call.value ? [call.value.startIndex, call.value.endIndex] : [call.callee.startIndex, call.callee.endIndex],
        severity: assume && seconds > errorSeconds ? 'error' : undefined,
        message: call.value
          ? `${call.api} asks for a session of ${describe(seconds)}, longer than the ${describe(maxSeconds)} this project allows: a leaked session key stays valid that long.${assume && seconds > errorSeconds ? ` STS rejects more than ${describe(errorSeconds)}.` : ''}`
          : `${call.api} without DurationSeconds gets the STS default of ${describe(seconds)}, longer than the ${describe(maxSeconds)} this project allows: a leaked session key stays valid that long.`,
        data: edits ? { edits, maxSeconds } : {},
        fixable: edits !== undefined,
      });
    }
  },
  fix({ finding }) {
    const { edits, maxSeconds } = finding.data as { edits: TextEdit[]; maxSeconds: number };
    return [{ title: `Set DurationSeconds to ${maxSeconds}`, edits, isPreferred: true }];
  },
});

function describe(seconds: number): string {
  return seconds >= 3600 && seconds % 3600 === 0 ? `${seconds} s (${seconds / 3600} h)` : `${seconds} s`;
}

const API_NAMES: Record<string, StsCall['api']> = {
  AssumeRoleCommand: 'AssumeRole', assumeRole: 'AssumeRole', assume_role: 'AssumeRole',
  AssumeRoleWithWebIdentityCommand: 'AssumeRoleWithWebIdentity', assumeRoleWithWebIdentity: 'AssumeRoleWithWebIdentity', assume_role_with_web_identity: 'AssumeRoleWithWebIdentity',
  AssumeRoleWithSAMLCommand: 'AssumeRoleWithSAML', assumeRoleWithSAML: 'AssumeRoleWithSAML', assume_role_with_saml: 'AssumeRoleWithSAML',
  GetSessionTokenCommand: 'GetSessionToken', getSessionToken: 'GetSessionToken', get_session_token: 'GetSessionToken',
};

/**
 * The STS call whose name starts at `index`: `new AssumeRoleCommand({ … })` or
 * `sts.assumeRole({ … })` (JS/TS), `sts.assume_role(…, DurationSeconds=…)` (Python).
 */
function stsCall(root: SyntaxNode, index: number, name: string): StsCall | undefined {
  const api = API_NAMES[name];
  const identifier = nodeAt(root.tree, index);
  if (!api || !identifier || identifier.startIndex !== index) return undefined;
  const parent = parentOf(identifier);
  const calleeNode = parent && (parent.type === 'member_expression' || parent.type === 'attribute') ? parent : identifier;
  const call = parentOf(calleeNode);
  if (!call) return undefined;
  if (call.type === 'call' && call.childForFieldName('function')?.id === calleeNode.id) {
    // boto3: keyword arguments only.
    const args = call.childForFieldName('arguments')!;
    if (named(args).some((arg) => arg.type === 'dictionary_splat' || arg.type === 'list_splat')) return undefined;
    const duration = named(args).find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'DurationSeconds');
    return { api, python: true, callee: calleeNode, container: args, ...(duration ? { value: duration.childForFieldName('value')! } : {}) };
  }
  const isNew = call.type === 'new_expression' && call.childForFieldName('constructor')?.id === calleeNode.id && name.endsWith('Command');
  const isMethod = call.type === 'call_expression' && call.childForFieldName('function')?.id === calleeNode.id && calleeNode.type === 'member_expression' && !name.endsWith('Command');
  if (!isNew && !isMethod) return undefined;
  const args = call.childForFieldName('arguments');
  const params = unwrapExpression(named(args)[0]);
  if (!params) {
    // `new GetSessionTokenCommand()`: the params object goes into the empty argument list.
    return args ? { api, python: false, callee: calleeNode, ...(api === 'GetSessionToken' ? { container: args } : {}) } : undefined;
  }
  if (params.type !== 'object' || named(params).some((member) => member.type === 'spread_element')) return undefined;
  const duration = named(params).find((member) => member.type === 'pair' && (member.childForFieldName('key')?.text === 'DurationSeconds' || jsStringValue(member.childForFieldName('key')) === 'DurationSeconds'));
  return { api, python: false, callee: calleeNode, container: params, ...(duration ? { value: duration.childForFieldName('value')! } : {}) };
}
