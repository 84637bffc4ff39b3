import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { looksLikeSecretLiteral } from '../lib/credential-names';
import { jsStringValue, named, nodeAt, parentOf, removeItems, stringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * Names that only appear where SDK credentials are spelled out: the AWS secret key (JS option,
 * boto3 keyword), Azure's client-secret credential, Go's and Java's static AWS credential
 * constructors. One alternation of literal words, so linear.
 */
const CANDIDATE =
  /\b(?:secretAccessKey|aws_secret_access_key|ClientSecretCredential|NewStaticCredentialsProvider|AwsBasicCredentials|AwsSessionCredentials|BasicAWSCredentials|BasicSessionCredentials)\b/g;

/** A quoted literal on one line, up to 512 characters: the text gate before parsing. */
const NEARBY_LITERAL = /'[^'\\\r\n]{8,512}'|"[^"\\\r\n]{8,512}"|`[^`\\]{8,512}`/;
const AFTER = 400;

const AWS_JS_KEYS = new Set(['accessKeyId', 'secretAccessKey', 'sessionToken']);
const AWS_PY_KEYWORDS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
const JAVA_STATIC = new Set(['AwsBasicCredentials', 'AwsSessionCredentials', 'BasicAWSCredentials', 'BasicSessionCredentials']);

interface Found {
  node: SyntaxNode;
  secret: string;
  /** Where the secret is used: the client or credential it is given to. */
  construct: string;
  message: string;
  edits?: TextEdit[];
  title?: string;
}

export default defineRule({
  id: 'code-hardcoded-sdk-credentials',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python', 'go', 'java'],
  keywords: ['secretaccesskey', 'aws_secret_access_key', 'clientsecretcredential', 'newstaticcredentialsprovider', 'awsbasiccredentials', 'awssessioncredentials', 'basicawscredentials', 'basicsessioncredentials'],
  pattern: CANDIDATE,
  syntax: 'code',
  docs,
  check({ document, report }) {
    // `secretAccessKey: process.env.…` is the common, safe spelling: parse only when some
    // candidate is followed closely by a quoted literal long enough to be a credential.
    if (!worthParsing(document.text)) return;
    const root = document.tree(document.codeLanguage!).rootNode;
    const seen = new Set<number>();
    for (const match of document.text.matchAll(CANDIDATE)) {
      const found = credentialsAt(root, match.index, match[0], document.text);
      if (!found || seen.has(found.node.startIndex)) continue;
      seen.add(found.node.startIndex);
      report({
        span: [found.node.startIndex, found.node.endIndex],
        message: found.message,
        secret: found.secret,
        construct: found.construct,
        data: found.edits ? { edits: found.edits, title: found.title } : {},
        fixable: found.edits !== undefined,
      });
    }
  },
  fix({ finding }) {
    const { edits, title } = finding.data as { edits: TextEdit[]; title: string };
    return [{ title, edits, isPreferred: true }];
  },
});

function worthParsing(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    if (NEARBY_LITERAL.test(text.slice(match.index, match.index + AFTER))) return true;
  }
  return false;
}

/** A literal credential value: a string literal with the texture of a secret. */
function secretLiteral(node: SyntaxNode | null | undefined): string | undefined {
  const value = stringValue(unwrapExpression(node));
  return value !== undefined && looksLikeSecretLiteral(value) ? value : undefined;
}

function credentialsAt(root: SyntaxNode, index: number, name: string, text: string): Found | undefined {
  const node = nodeAt(root.tree, index);
  if (!node || node.startIndex > index) return undefined;
  switch (name) {
    case 'secretAccessKey':
      return jsAwsObject(node, text);
    case 'aws_secret_access_key':
      return pythonAwsKeywords(node, text);
    case 'ClientSecretCredential':
      return azureClientSecret(node);
    case 'NewStaticCredentialsProvider':
      return goStaticProvider(node, text);
    default:
      return JAVA_STATIC.has(name) ? javaStatic(node, name) : undefined;
  }
}

const CHAIN_ADVICE = 'so the SDK default chain (workload identity, IRSA / Pod Identity, instance role, SSO) supplies short-lived credentials';

/** `{ accessKeyId: 'AKIA…', secretAccessKey: '…' }` in JS/TS, as `credentials` of a client or as v2 client options. */
function jsAwsObject(node: SyntaxNode, text: string): Found | undefined {
  let key: SyntaxNode | null = node;
  if (key.type !== 'property_identifier') key = parentOf(key);
  const pair = parentOf(key);
  if (!pair || pair.type !== 'pair' || pair.childForFieldName('key')?.id !== key?.id) return undefined;
  const secret = secretLiteral(pair.childForFieldName('value'));
  const object = parentOf(pair);
  if (secret === undefined || !object || object.type !== 'object') return undefined;
  const keyName = (member: SyntaxNode) => {
    const k = member.childForFieldName('key');
    return k?.type === 'property_identifier' ? k.text : jsStringValue(k);
  };
  const members = named(object);
  if (!members.some((member) => member.type === 'pair' && keyName(member) === 'accessKeyId')) return undefined;
  const found: Found = {
    node: unwrapExpression(pair.childForFieldName('value'))!,
    secret,
    construct: `${enclosingConstructor(object) ?? 'object'}:secretAccessKey`,
    message: 'AWS credentials hardcoded in the SDK client ({{secret}}): a long-lived access key in the source, in every clone and build. Remove the explicit credentials ' + CHAIN_ADVICE + ', and revoke this key.',
  };
  // `new S3Client({ …, credentials: { … } })`: drop the `credentials` option.
  const holder = parentOf(object);
  const options = parentOf(holder);
  if (holder?.type === 'pair' && keyName(holder) === 'credentials' && options?.type === 'object' && isConstructorArgument(options)) {
    const edits = removeItems(text, named(options), new Set([holder.id]));
    if (edits) return { ...found, edits, title: 'Remove the hardcoded credentials (use the default credential chain)' };
  }
  // `new AWS.S3({ accessKeyId: …, secretAccessKey: …, region })`: drop the key members.
  if (isConstructorArgument(object)) {
    const remove = new Set(members.filter((member) => member.type === 'pair' && AWS_JS_KEYS.has(keyName(member) ?? '')).map((member) => member.id));
    const edits = removeItems(text, members, remove);
    if (edits) return { ...found, edits, title: 'Remove the hardcoded credentials (use the default credential chain)' };
  }
  return found;
}

/** The constructor of the `new X({ … })` an object (or the object holding it as `credentials`) is given to. */
function enclosingConstructor(object: SyntaxNode): string | undefined {
  const holder = parentOf(object);
  const target = holder?.type === 'pair' ? parentOf(holder) : object;
  const call = parentOf(parentOf(target));
  return call?.type === 'new_expression' ? call.childForFieldName('constructor')?.text : undefined;
}

/** The object is the first argument of `new SomeClient(…)`. */
function isConstructorArgument(object: SyntaxNode): boolean {
  const args = parentOf(object);
  const call = parentOf(args);
  if (args?.type !== 'arguments' || call?.type !== 'new_expression') return false;
  const constructor = call.childForFieldName('constructor')?.text ?? '';
  return named(args)[0]?.id === object.id && /Client$|^AWS\.[A-Z]/.test(constructor) && !/Credentials/.test(constructor);
}

/** `boto3.client("s3", aws_access_key_id="AKIA…", aws_secret_access_key="…")`. */
function pythonAwsKeywords(node: SyntaxNode, text: string): Found | undefined {
  const keyword = parentOf(node);
  if (keyword?.type !== 'keyword_argument' || keyword.childForFieldName('name')?.id !== node.id) return undefined;
  const secret = secretLiteral(keyword.childForFieldName('value'));
  const args = parentOf(keyword);
  if (secret === undefined || args?.type !== 'argument_list') return undefined;
  const items = named(args);
  const remove = new Set(items.filter((item) => item.type === 'keyword_argument' && AWS_PY_KEYWORDS.has(item.childForFieldName('name')?.text ?? '')).map((item) => item.id));
  const edits = removeItems(text, items, remove);
  return {
    node: unwrapExpression(keyword.childForFieldName('value'))!,
    secret,
    construct: `${parentOf(args)?.childForFieldName('function')?.text ?? 'call'}:aws_secret_access_key`,
    message: 'AWS credentials hardcoded in the boto3 call ({{secret}}): a long-lived access key in the source, in every clone and build. Remove the aws_* arguments ' + CHAIN_ADVICE + ', and revoke this key.',
    ...(edits ? { edits, title: 'Remove the hardcoded credentials (use the default credential chain)' } : {}),
  };
}

/** Azure `new ClientSecretCredential(tenant, client, "literal")` (JS/TS) or `ClientSecretCredential(…, client_secret="…")` (Python). */
function azureClientSecret(node: SyntaxNode): Found | undefined {
  let callee: SyntaxNode | null = node;
  const parent = parentOf(node);
  if (parent?.type === 'member_expression' || parent?.type === 'attribute') callee = parent;
  const call = parentOf(callee);
  if (!call) return undefined;
  const isCall = (call.type === 'new_expression' && call.childForFieldName('constructor')?.id === callee?.id) || (call.type === 'call' && call.childForFieldName('function')?.id === callee?.id);
  if (!isCall) return undefined;
  const args = named(call.childForFieldName('arguments'));
  const keyword = args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'client_secret');
  const value = keyword ? keyword.childForFieldName('value') : args[2]?.type === 'keyword_argument' ? undefined : args[2];
  const secret = secretLiteral(value);
  if (secret === undefined || !value) return undefined;
  return {
    node: unwrapExpression(value)!,
    secret,
    construct: 'ClientSecretCredential:client_secret',
    message: 'Azure client secret hardcoded in ClientSecretCredential ({{secret}}): a long-lived service-principal secret in the source. Use DefaultAzureCredential, WorkloadIdentityCredential or ManagedIdentityCredential instead, and rotate this secret.',
  };
}

/** Go `credentials.NewStaticCredentialsProvider("AKIA…", "…", "")`, removed from `config.LoadDefaultConfig(…)` by the fix. */
function goStaticProvider(node: SyntaxNode, text: string): Found | undefined {
  let callee: SyntaxNode | null = node;
  const parent = parentOf(node);
  if (parent?.type === 'selector_expression') callee = parent;
  const call = parentOf(callee);
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== callee?.id) return undefined;
  const value = named(call.childForFieldName('arguments'))[1];
  const secret = secretLiteral(value);
  if (secret === undefined || !value) return undefined;
  const found: Found = {
    node: value,
    secret,
    construct: 'NewStaticCredentialsProvider:secret',
    message: 'AWS credentials hardcoded in NewStaticCredentialsProvider ({{secret}}): a long-lived access key in the source, in every clone and build. Drop the static provider ' + CHAIN_ADVICE + ', and revoke this key.',
  };
  // `config.LoadDefaultConfig(ctx, config.WithCredentialsProvider(credentials.NewStatic…(…)))`
  const withArgs = parentOf(call);
  const withCall = parentOf(withArgs);
  const outerArgs = parentOf(withCall);
  const load = parentOf(outerArgs);
  if (
    withArgs?.type === 'argument_list' && named(withArgs).length === 1 && withCall?.type === 'call_expression' &&
    /(?:^|\.)WithCredentialsProvider$/.test(withCall.childForFieldName('function')?.text ?? '') &&
    outerArgs?.type === 'argument_list' && load?.type === 'call_expression' && /(?:^|\.)LoadDefaultConfig$/.test(load.childForFieldName('function')?.text ?? '')
  ) {
    const edits = removeItems(text, named(outerArgs), new Set([withCall.id]));
    if (edits) return { ...found, edits, title: 'Remove the static credentials provider (use the default credential chain)' };
  }
  return found;
}

/** Java `AwsBasicCredentials.create("AKIA…", "…")`, v1 `new BasicAWSCredentials("AKIA…", "…")`. */
function javaStatic(node: SyntaxNode, name: string): Found | undefined {
  let call = parentOf(node);
  if (call?.type === 'scoped_type_identifier' || call?.type === 'generic_type') call = parentOf(call);
  let args: SyntaxNode | null | undefined;
  if (call?.type === 'method_invocation' && call.childForFieldName('object')?.id === node.id && call.childForFieldName('name')?.text === 'create') args = call.childForFieldName('arguments');
  else if (call?.type === 'object_creation_expression') args = call.childForFieldName('arguments');
  const value = named(args)[1];
  const secret = secretLiteral(value);
  if (secret === undefined || !value) return undefined;
  return {
    node: value,
    secret,
    construct: `${name}:secret`,
    message: `AWS credentials hardcoded in ${name} ({{secret}}): a long-lived access key in the source, in every clone and build. Build the client without a credentials provider ${CHAIN_ADVICE}, and revoke this key.`,
  };
}

