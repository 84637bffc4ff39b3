import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { applyEdits, diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { mapEntries, valueOf, yamlEditKeepsParsing } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { cfnDeclaredNames, cfnLiteral, cfnPath, cfnResources, type CfnLiteral } from '../lib/cloudformation';
import { isSettingValue, namesCredential } from '../lib/credential-names';
import docs from './docs.md';

/**
 * Literal credentials in the CloudFormation properties made to hold one, where the template
 * should read them at deploy time (a dynamic reference) or not need them at all (a role):
 *
 * - `AWS::CloudFormation::Authentication` blocks in resource metadata (cfn-init): `accessKeyId`,
 *   `secretKey`, `password`;
 * - `AWS::Amplify::App` `OauthToken`, `AccessToken` and basic-auth passwords, and
 *   `AWS::Amplify::Branch` basic-auth passwords;
 * - Lambda functions (and SAM functions and their `Globals`) whose environment sets the AWS SDK's
 *   credential variables, which Lambda fills from the execution role.
 *
 * A value in a vendor's token format is left to the rule for that vendor (sec-aws, sec-github,
 * sec-provider-tokens), so one value gives one finding. The catch-all sec-password-assignment
 * finding on the same value is dropped by the engine in favour of this one.
 */

/** The AWS SDKs' credential variables (the first three are reserved by Lambda for the execution role). */
const AWS_CREDENTIAL_VARIABLES = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'AWS_SECURITY_TOKEN']);
const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);
const AUTHENTICATION_FIELDS = ['accessKeyId', 'secretKey', 'password'];

/**
 * Formats other rules report wherever they appear: AWS key IDs (sec-aws, sec-vendor-tokens),
 * GitHub, GitLab and Slack tokens, JSON Web Tokens (sec-provider-tokens).
 */
const VENDOR_FORMAT = /^(?:(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}$|gh[pousr]_[A-Za-z0-9]{30}|github_pat_|glpat-|xox[abpr]-|eyJ[\w-]{8,}\.eyJ[\w-]{4,}\.)/;
/** sec-aws also reports a 40-character secret under an `aws_secret_access_key`-like name. */
const AWS_SECRET_NAME = /^(?:aws)?_?secret_?access_?key$/i;
const AWS_SECRET_VALUE = /^[A-Za-z0-9/+=]{40}$/;

/** Stand-ins that documentation and local stacks (LocalStack, MinIO) use where a credential goes. */
const PLACEHOLDER_VALUES = new Set([
  'string', 'number', 'test', 'testing', 'local', 'localstack', 'minioadmin', 'foo', 'bar', 'foobar', 'secret', 'password', 'token',
  'key', 'accesskey', 'secretkey', 'oauthtoken', 'accesstoken', 'changeit', 'unused', 'notused', 'none', 'n/a', 'na', 'tbd',
]);

/** The Secrets Manager secret (name or ARN) and the JSON key in its SecretString the user fills in. */
export const SECRET_ID_PLACEHOLDER = '<SECRET_ID>';
export const JSON_KEY_PLACEHOLDER = '<JSON_KEY>';
const DYNAMIC_REFERENCE = `{{resolve:secretsmanager:${SECRET_ID_PLACEHOLDER}:SecretString:${JSON_KEY_PLACEHOLDER}}}`;

type YMap = YAMLMap<unknown, unknown>;

/** Where a Lambda credential variable sits: `owner.Environment.Variables.NAME`. */
interface LambdaEnvironment {
  /** `Properties` of the function, or SAM's `Globals.Function`. */
  readonly owner: YMap;
  readonly environment: YMap;
  readonly variables: YMap;
}

interface Candidate {
  /** The resource's logical id, or `Globals` for SAM's template-wide function settings. */
  readonly resource: string;
  /** Where in the resource, for the message and the fingerprint: `BasicAuthConfig.Password`. */
  readonly where: string;
  /** The property or variable name. */
  readonly name: string;
  readonly literal: CfnLiteral;
  readonly kind: 'authentication' | 'amplify' | 'lambda';
  readonly lambda?: LambdaEnvironment;
}

export default defineRule({
  id: 'cfn-embedded-credentials',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['cloudformation'],
  keywords: ['aws::cloudformation::authentication', 'aws::amplify::', 'aws_access_key', 'aws_secret', 'aws_session_token', 'aws_security_token'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const candidate of reported(document)) {
      report({
        span: candidate.literal.span,
        secret: candidate.literal.value,
        message: messageFor(candidate),
        construct: `${candidate.resource === 'Globals' ? '' : 'Resources.'}${candidate.resource}.${candidate.where}`,
        data: { offset: candidate.literal.span[0] },
        // cfn-init authentication is resource metadata, where CloudFormation does not resolve
        // dynamic references for secrets: the credential has to leave the template another way.
        fixable: planFix(document.text, candidate) !== undefined,
      });
    }
  },
  fix({ document, finding }) {
    for (const candidate of reported(document)) {
      if (candidate.literal.span[0] !== finding.data?.offset) continue;
      const fix = planFix(document.text, candidate)?.();
      return fix ? [fix] : [];
    }
    return [];
  },
});

/** The candidates this rule reports (the others are placeholders, or another rule's finding). */
function* reported(document: ParsedDocument): Generator<Candidate> {
  const text = document.text;
  for (const yaml of document.yaml()) {
    const root = yaml.contents;
    const declared = cfnDeclaredNames(root);
    for (const candidate of candidates(text, root)) {
      const { value } = candidate.literal;
      if (!plausibleCredential(candidate.name, value, declared)) continue;
      if (VENDOR_FORMAT.test(value) || (AWS_SECRET_NAME.test(candidate.name) && AWS_SECRET_VALUE.test(value))) continue;
      yield candidate;
    }
  }
}

/**
 * The fix for a candidate, in two steps: whether there is one is decided from the parsed tree
 * alone (the scan asks it of every finding to mark it fixable), and the returned function builds
 * the edits and checks that the template still parses, only when a client asks for the fix.
 */
function planFix(text: string, candidate: Candidate): (() => Fix | undefined) | undefined {
  if (candidate.kind === 'amplify') return dynamicReferenceFix(text, candidate);
  if (candidate.kind === 'lambda') return removeVariablesFix(text, candidate);
  return undefined;
}

/** The fix, when the edited template still parses. */
function verified(text: string, edits: readonly TextEdit[] | undefined, fix: Omit<Fix, 'edits'>): Fix | undefined {
  if (!edits || edits.length === 0 || !yamlEditKeepsParsing(text, applyEdits(text, edits))) return undefined;
  return { ...fix, edits };
}

/**
 * The literal becomes a Secrets Manager dynamic reference, which CloudFormation resolves at deploy
 * time in any resource property (not in metadata). The scalar keeps its quotes; a plain YAML
 * scalar is single-quoted, since `{{` would start a flow mapping. Not preferred: the secret must
 * exist in Secrets Manager first, and the placeholders name it.
 */
function dynamicReferenceFix(text: string, candidate: Candidate): (() => Fix | undefined) | undefined {
  const [start, end] = candidate.literal.span;
  const source = text.slice(start, end);
  if (source.includes('\n') || source.startsWith('|') || source.startsWith('>')) return undefined;
  const quote = text[start - 1];
  const quoted = (quote === '"' || quote === "'") && text[end] === quote;
  const edit: TextEdit = { span: [start, end], newText: quoted ? DYNAMIC_REFERENCE : `'${DYNAMIC_REFERENCE}'` };
  return () =>
    verified(text, [edit], {
      title: `Read ${candidate.resource} ${candidate.where} from Secrets Manager (a {{resolve:secretsmanager:...}} dynamic reference; store the value as a secret first)`,
      placeholders: [SECRET_ID_PLACEHOLDER, JSON_KEY_PLACEHOLDER],
    });
}

/**
 * Lambda gives a function temporary credentials from its execution role, so the static AWS
 * credential variables are removed, all of them in that `Variables` map (a key ID without its
 * secret is no use to anyone) and nothing else; a dynamic reference would still put the secret
 * into the function configuration, and Lambda rejects the reserved names anyway. When no other
 * variable is left, `Variables` goes, and `Environment` when it held nothing else. Not
 * preferred: a key that belongs to another account (a partner's bucket) needs a role the
 * function can assume there before it can go.
 */
function removeVariablesFix(text: string, candidate: Candidate): (() => Fix | undefined) | undefined {
  const lambda = candidate.lambda;
  if (!lambda) return undefined;
  const names = mapEntries(lambda.variables).filter(({ key }) => AWS_CREDENTIAL_VARIABLES.has(key)).map(({ key }) => key);
  if (names.length === 0) return undefined;
  let target: { map: YMap; keys: string[] } = { map: lambda.variables, keys: names };
  if (names.length === lambda.variables.items.length) target = { map: lambda.environment, keys: ['Variables'] };
  if (target.map === lambda.environment && lambda.environment.items.length === 1) target = { map: lambda.owner, keys: ['Environment'] };
  if (target.map.items.length <= target.keys.length) return undefined;
  const owner = candidate.resource === 'Globals' ? 'the SAM Globals' : candidate.resource;
  return () =>
    verified(text, removeKeys(text, target.map, target.keys), {
      title: `Remove ${names.join(', ')} from ${owner}: Lambda gives the function its execution role's credentials (review: the role must be granted what the key allowed)`,
    });
}

/** Removes `keys` from a map: through the YAML CST for a block map, comma-aware for a flow map (JSON). */
function removeKeys(text: string, map: YMap, keys: readonly string[]): TextEdit[] | undefined {
  const offset = map.range?.[0];
  if (offset === undefined) return undefined;
  if (!map.flow) {
    const editor = new YamlCstEditor(text);
    const cst = editor.blockMapAt(offset);
    if (!cst || editor.removeKeys(cst, keys) === -1) return undefined;
    return diffToEdits(text, editor.toString());
  }
  const items = map.items;
  const drop = items.map((item) => isScalar(item.key) && keys.includes(String(item.key.value)));
  const start = (index: number) => (items[index]!.key as Node | null)?.range?.[0];
  const end = (index: number) => (items[index]!.value as Node | null)?.range?.[1];
  const separated = (from: number | undefined, to: number | undefined) => from !== undefined && to !== undefined && /^\s*,\s*$/.test(text.slice(from, to));
  const edits: TextEdit[] = [];
  for (let a = 0; a < items.length; a++) {
    if (!drop[a]) continue;
    let b = a;
    while (b + 1 < items.length && drop[b + 1]) b++;
    if (b + 1 < items.length) {
      // Up to the next kept key: the run's separators go with it.
      if (!separated(end(b), start(b + 1))) return undefined;
      edits.push({ span: [start(a)!, start(b + 1)!], newText: '' });
    } else {
      // The run ends the map: from the end of the kept item before it, taking its comma.
      if (a === 0 || !separated(end(a - 1), start(a)) || end(b) === undefined) return undefined;
      edits.push({ span: [end(a - 1)!, end(b)!], newText: '' });
    }
    a = b;
  }
  return edits;
}

function messageFor(candidate: Candidate): string {
  const { resource, where } = candidate;
  switch (candidate.kind) {
    case 'authentication':
      return (
        `cfn-init authentication ${where} of ${resource} is a literal credential ({{secret}}): resource metadata is returned in plain text to everyone who can call ` +
        'cloudformation:DescribeStackResource, and the template keeps it in version control; ' +
        (candidate.name === 'password'
          ? 'fetch the credential on the instance from Secrets Manager with the instance role instead (dynamic references do not resolve in metadata).'
          : "name the instance profile's role in roleName instead of access keys.")
      );
    case 'amplify':
      return (
        `${resource} sets ${where} to a literal credential ({{secret}}): everyone who can read the template or its repository holds it, and it stays valid until revoked; ` +
        'pass it as a Secrets Manager dynamic reference (resolve:secretsmanager) instead.'
      );
    case 'lambda':
      return (
        `${resource === 'Globals' ? 'The SAM Globals set' : `${resource} sets`} ${where} to a literal AWS credential ({{secret}}): it is stored in the template and in the function configuration${/SESSION|SECURITY/.test(candidate.name) ? '' : ' and never expires'}, ` +
        "while Lambda already gives the function temporary credentials from its execution role (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); remove it and grant the execution role the permissions instead."
      );
  }
}

function* candidates(text: string, root: unknown): Generator<Candidate> {
  const literal = (node: unknown) => cfnLiteral(text, node);
  for (const resource of cfnResources(root)) {
    const id = resource.logicalId;
    // cfn-init authentication, in the metadata of any resource (instances, launch templates, ...).
    for (const { key: block, pair } of mapEntries(cfnPath(resource.metadata, 'AWS::CloudFormation::Authentication'))) {
      if (!isMap(pair.value)) continue;
      for (const { key, pair: field } of mapEntries(pair.value)) {
        if (!AUTHENTICATION_FIELDS.includes(key)) continue;
        const value = literal(field.value);
        if (value) yield { resource: id, where: `'${block}'.${key}`, name: key, literal: value, kind: 'authentication' };
      }
    }
    if (resource.type === 'AWS::Amplify::App' || resource.type === 'AWS::Amplify::Branch') {
      const paths: string[][] = [['BasicAuthConfig', 'Password']];
      if (resource.type === 'AWS::Amplify::App') paths.push(['OauthToken'], ['AccessToken'], ['AutoBranchCreationConfig', 'BasicAuthConfig', 'Password']);
      for (const path of paths) {
        const value = literal(cfnPath(resource.properties, ...path));
        if (value) yield { resource: id, where: path.join('.'), name: path[path.length - 1]!, literal: value, kind: 'amplify' };
      }
    }
    if (FUNCTION_TYPES.has(resource.type)) yield* lambdaVariables(text, id, resource.properties);
  }
  // SAM: variables every function of the template inherits.
  yield* lambdaVariables(text, 'Globals', cfnPath(valueOf(root, 'Globals'), 'Function'), 'Function.');
}

function* lambdaVariables(text: string, resource: string, owner: unknown, prefix = ''): Generator<Candidate> {
  const environment = cfnPath(owner, 'Environment');
  const variables = cfnPath(environment, 'Variables');
  const lambda = isMap(owner) && isMap(environment) && isMap(variables) ? { owner: owner as YMap, environment: environment as YMap, variables: variables as YMap } : undefined;
  for (const { key: name, pair } of mapEntries(variables)) {
    if (!AWS_CREDENTIAL_VARIABLES.has(name)) continue;
    const value = cfnLiteral(text, pair.value);
    if (value) yield { resource, where: `${prefix}Environment.Variables.${name}`, name, literal: value, kind: 'lambda', lambda };
  }
}

/**
 * Not a value that stands for a credential: a setting or a placeholder (`String` in AWS's syntax
 * snippets), the name of a parameter or resource written where a `Ref` was meant, or a word that
 * names a credential rather than being one (`ParentPassword`).
 */
function plausibleCredential(name: string, value: string, declared: ReadonlySet<string>): boolean {
  const trimmed = value.trim();
  if (isSettingValue(trimmed) || PLACEHOLDER_VALUES.has(trimmed.toLowerCase()) || declared.has(trimmed)) return false;
  if (/^[A-Za-z_]+$/.test(trimmed) && namesCredential(trimmed)) return false;
  // The property's own name as its value (`password: password`) is a label.
  if (trimmed.toLowerCase() === name.toLowerCase()) return false;
  // A sentence is a description.
  return (trimmed.match(/ /g)?.length ?? 0) < 3;
}
