import { isMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, valueOf } from '../../server/src/engine/parse/yaml';
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

interface Candidate {
  /** The resource's logical id, or `Globals` for SAM's template-wide function settings. */
  readonly resource: string;
  /** Where in the resource, for the message and the fingerprint: `BasicAuthConfig.Password`. */
  readonly where: string;
  /** The property or variable name. */
  readonly name: string;
  readonly literal: CfnLiteral;
  readonly kind: 'authentication' | 'amplify' | 'lambda';
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
    const text = document.text;
    for (const yaml of document.yaml()) {
      const root = yaml.contents;
      const declared = cfnDeclaredNames(root);
      for (const candidate of candidates(text, root)) {
        const { value } = candidate.literal;
        if (!plausibleCredential(candidate.name, value, declared)) continue;
        if (VENDOR_FORMAT.test(value) || (AWS_SECRET_NAME.test(candidate.name) && AWS_SECRET_VALUE.test(value))) continue;
        report({
          span: candidate.literal.span,
          secret: value,
          message: messageFor(candidate),
          construct: `${candidate.resource === 'Globals' ? '' : 'Resources.'}${candidate.resource}.${candidate.where}`,
        });
      }
    }
  },
});

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
    if (FUNCTION_TYPES.has(resource.type)) yield* lambdaVariables(text, id, cfnPath(resource.properties, 'Environment', 'Variables'));
  }
  // SAM: variables every function of the template inherits.
  yield* lambdaVariables(text, 'Globals', cfnPath(valueOf(root, 'Globals'), 'Function', 'Environment', 'Variables'), 'Function.');
}

function* lambdaVariables(text: string, resource: string, variables: unknown, prefix = ''): Generator<Candidate> {
  for (const { key: name, pair } of mapEntries(variables)) {
    if (!AWS_CREDENTIAL_VARIABLES.has(name)) continue;
    const value = cfnLiteral(text, pair.value);
    if (value) yield { resource, where: `${prefix}Environment.Variables.${name}`, name, literal: value, kind: 'lambda' };
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
