import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { addMember, constantValue, jsStringValue, named, nodeAt, numberProduct, parentOf, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/** A presigning call: SDK v3 / v2 (JS/TS), boto3. Literal names followed by `(`, so linear. */
const CANDIDATE = /\b(?:getSignedUrl(?:Promise)?|createPresignedPost|generate_presigned_(?:url|post))[ \t]*\(/g;

/** SigV4 presigned URLs cannot outlive 7 days; S3 rejects longer ones. */
const SIGV4_MAX_SECONDS = 604800;

interface PresignCall {
  api: string;
  /** The option or argument that sets the lifetime. */
  key: string;
  value?: SyntaxNode;
  /** The SDK's lifetime when the call does not set one. */
  defaultSeconds: number;
  /** Where the option goes when it is missing; undefined when it cannot be added safely. */
  container?: SyntaxNode;
  /** Text that adds the option to `container`. */
  member?: (seconds: number) => string;
  callee: SyntaxNode;
}

export default defineRule({
  id: 'code-s3-presign-long',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['javascript', 'typescript', 'python'],
  keywords: ['getsignedurl', 'presigned'],
  pattern: CANDIDATE,
  syntax: 'code',
  options: {
    maxSeconds: { type: 'number', default: 3600, description: 'Longest acceptable presigned URL lifetime, in seconds (boto3 and the AWS CLI default to 3600; the JS v3 presigner to 900).' },
  },
  docs,
  check({ document, options, report }) {
    const root = document.tree(document.codeLanguage!).rootNode;
    const maxSeconds = Number(options.maxSeconds);
    for (const match of document.text.matchAll(CANDIDATE)) {
      const call = presignCall(root, match.index, match[0].replace(/[ \t(]/g, ''));
      if (!call) continue;
      let seconds: number | undefined;
      if (call.value) {
        const value = call.value.type === 'identifier' ? constantValue(root, call.value, call.value.text, document.text) : call.value;
        seconds = numberProduct(unwrapExpression(value));
      } else {
        seconds = call.defaultSeconds;
      }
      if (seconds === undefined || seconds <= maxSeconds) continue;
      let edits: TextEdit[] | undefined;
      if (call.value) edits = [{ span: [call.value.startIndex, call.value.endIndex], newText: String(maxSeconds) }];
      else if (call.container && call.member) edits = addMember(document.text, call.container, call.member(maxSeconds), call.container.type === 'object' ? ' ' : '');
      const overLimit = seconds > SIGV4_MAX_SECONDS;
      report({
        span: call.value ? [call.value.startIndex, call.value.endIndex] : [call.callee.startIndex, call.callee.endIndex],
        severity: overLimit ? 'error' : undefined,
        message: call.value
          ? `${call.api} signs a URL valid for ${describe(seconds)}, longer than the ${describe(maxSeconds)} this project allows: anyone holding the link can use it that long.${overLimit ? ' SigV4 presigned URLs cannot exceed 7 days (604800 s); S3 rejects them.' : ''}`
          : `${call.api} without ${call.key} signs a URL valid for the SDK default of ${describe(seconds)}, longer than the ${describe(maxSeconds)} this project allows.`,
        data: edits ? { edits, key: call.key, maxSeconds } : {},
        fixable: edits !== undefined,
      });
    }
  },
  fix({ finding }) {
    const { edits, key, maxSeconds } = finding.data as { edits: TextEdit[]; key: string; maxSeconds: number };
    return [{ title: `Set ${key} to ${maxSeconds}`, edits, isPreferred: true }];
  },
});

function describe(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds} s (${seconds / 86400} d)`;
  return seconds >= 3600 && seconds % 3600 === 0 ? `${seconds} s (${seconds / 3600} h)` : `${seconds} s`;
}

function pair(object: SyntaxNode, key: string): SyntaxNode | undefined {
  return named(object).find((member) => member.type === 'pair' && (member.childForFieldName('key')?.text === key || jsStringValue(member.childForFieldName('key')) === key))?.childForFieldName('value') ?? undefined;
}

/**
 * The presigning call whose name starts at `index`:
 * - `getSignedUrl(client, command, { expiresIn })` (SDK v3, default 900 s);
 * - `s3.getSignedUrl('getObject', { Bucket, Key, Expires })` / `getSignedUrlPromise` (SDK v2, default 900 s);
 * - `createPresignedPost(client, { Bucket, Key, Expires })` (v3 presigned POST, default 3600 s);
 * - `s3.generate_presigned_url('get_object', Params=…, ExpiresIn=…)` / `generate_presigned_post(…)` (boto3, default 3600 s).
 */
function presignCall(root: SyntaxNode, index: number, name: string): PresignCall | undefined {
  const identifier = nodeAt(root.tree, index);
  if (!identifier || identifier.startIndex !== index) return undefined;
  const parent = parentOf(identifier);
  const callee = parent && (parent.type === 'member_expression' || parent.type === 'attribute') ? parent : identifier;
  const call = parentOf(callee);
  if (!call || call.childForFieldName('function')?.id !== callee.id) return undefined;
  const argumentList = call.childForFieldName('arguments');
  const args = named(argumentList);
  if (call.type === 'call') {
    if (args.some((arg) => arg.type === 'dictionary_splat' || arg.type === 'list_splat')) return undefined;
    // generate_presigned_url(ClientMethod, Params=None, ExpiresIn=3600, HttpMethod=None);
    // generate_presigned_post(Bucket, Key, Fields=None, Conditions=None, ExpiresIn=3600).
    const position = name === 'generate_presigned_url' ? 2 : 4;
    const keyword = args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'ExpiresIn');
    const positional = args.filter((arg) => arg.type !== 'keyword_argument');
    const value = keyword?.childForFieldName('value') ?? positional[position];
    return { api: name, key: 'ExpiresIn', defaultSeconds: 3600, callee, container: argumentList!, member: (s) => `ExpiresIn=${s}`, ...(value ? { value } : {}) };
  }
  if (call.type !== 'call_expression') return undefined;
  if (name === 'createPresignedPost') {
    const params = unwrapExpression(args[1]);
    if (params?.type !== 'object' || named(params).some((m) => m.type === 'spread_element')) return undefined;
    const value = pair(params, 'Expires');
    return { api: name, key: 'Expires', defaultSeconds: 3600, callee, container: params, member: (s) => `Expires: ${s}`, ...(value ? { value } : {}) };
  }
  if (name === 'generate_presigned_url' || name === 'generate_presigned_post') return undefined;
  if (jsStringValue(args[0]) !== undefined) {
    // SDK v2: s3.getSignedUrl(operation, params[, callback]).
    const params = unwrapExpression(args[1]);
    if (callee.type !== 'member_expression' || params?.type !== 'object' || named(params).some((m) => m.type === 'spread_element')) return undefined;
    const value = pair(params, 'Expires');
    return { api: name, key: 'Expires', defaultSeconds: 900, callee, container: params, member: (s) => `Expires: ${s}`, ...(value ? { value } : {}) };
  }
  if (name !== 'getSignedUrl' || args.length < 2) return undefined;
  // SDK v3: getSignedUrl(client, command[, options]).
  const options = unwrapExpression(args[2]);
  if (options && (options.type !== 'object' || named(options).some((m) => m.type === 'spread_element'))) return undefined;
  const value = options ? pair(options, 'expiresIn') : undefined;
  return {
    api: name,
    key: 'expiresIn',
    defaultSeconds: 900,
    callee,
    ...(options ? { container: options, member: (s: number) => `expiresIn: ${s}` } : {}),
    ...(value ? { value } : {}),
  };
}
