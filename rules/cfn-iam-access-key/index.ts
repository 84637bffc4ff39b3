import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
import type { Fix } from '../../server/src/engine/types';
import { cfnLiteral, cfnPath, cfnRefTarget, cfnResources, readsAttribute, type CfnResource } from '../lib/cloudformation';
import { OWNER_PLACEHOLDER, REPO_PLACEHOLDER } from '../lib/trust-templates';
import { nameWords } from '../lib/credential-names';
import docs from './docs.md';

/** Words in a user name that suggest the account's most powerful identity. */
const ADMIN_WORDS = new Set(['root', 'admin', 'administrator', 'superuser', 'superadmin']);

interface KeyUser {
  /** How the message names the user, e.g. `IAM user 'ci-deployer'`. */
  readonly description: string;
  /** Same value for every key of one user, to count keys per user. */
  readonly identity: string;
  readonly adminLike: boolean;
}

export default defineRule({
  id: 'cfn-iam-access-key',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['cloudformation'],
  keywords: ['aws::iam::accesskey'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const yaml of document.yaml()) {
      const root = yaml.contents;
      const resources = cfnResources(root);
      const keys = resources.filter((resource) => resource.type === 'AWS::IAM::AccessKey');
      if (keys.length === 0) continue;
      const byId = new Map(resources.map((resource) => [resource.logicalId, resource] as const));
      const users = new Map(keys.map((key) => [key, keyUser(text, key, byId)] as const));
      const keysPerUser = new Map<string, number>();
      for (const user of users.values()) if (user) keysPerUser.set(user.identity, (keysPerUser.get(user.identity) ?? 0) + 1);
      const outputs = mapEntries(valueOf(root, 'Outputs'));

      for (const key of keys) {
        const span = nodeSpan(key.keyNode);
        if (!span) continue;
        const user = users.get(key);
        const status = cfnLiteral(text, cfnPath(key.properties, 'Status'))?.value;
        const inactive = status === 'Inactive';
        const count = user ? (keysPerUser.get(user.identity) ?? 1) : 1;
        // Where the template hands the secret on: stack outputs (DescribeStacks) and resource
        // metadata such as cfn-init authentication (DescribeStackResource), both plain text.
        const exposing = outputs.filter(({ pair }) => readsAttribute(pair.value, key.logicalId, 'SecretAccessKey'));
        const exposedIn = exposing.map(({ key: name }) => `'${name}'`);
        const exported = exposing.some(({ pair }) => cfnPath(pair.value, 'Export') !== undefined);
        const metadataOf = resources
          .filter((other) => other.metadata && readsAttribute(other.metadata, key.logicalId, 'SecretAccessKey'))
          .map((other) => `'${other.logicalId}'`);
        const handedOn = [
          ...(exposedIn.length > 0
            ? [`output${exposedIn.length > 1 ? 's' : ''} ${exposedIn.join(', ')} publish${exposedIn.length > 1 ? '' : 'es'} its secret access key to everyone who can call cloudformation:DescribeStacks${exported ? ' (and, exported, to cloudformation:ListExports and every stack that imports it)' : ''}`]
            : []),
          ...(metadataOf.length > 0
            ? [`the metadata of ${metadataOf.join(', ')} carries its secret access key to everyone who can call cloudformation:DescribeStackResource`]
            : []),
        ];
        const who = user
          ? ` for ${user.description}${user.adminLike ? ', whose name suggests root or administrator rights' : ''}`
          : '';
        report({
          span,
          // An inactive key cannot sign requests, but one API call turns it back on.
          ...(inactive ? { severity: 'warning' as const } : {}),
          message:
            `${key.logicalId} (AWS::IAM::AccessKey) creates a long-term access key${inactive ? ' (inactive, but it can be reactivated)' : ''}${who}` +
            `${count > 1 ? `, one of ${count} keys this template creates for that user` : ''}: it never expires` +
            `${handedOn.length > 0 ? `, and ${handedOn.join(', and ')}` : ''}; ` +
            'give the workload an IAM role it assumes with temporary credentials (OIDC web identity, EKS Pod Identity, an instance profile or task role) instead.',
          construct: `Resources.${key.logicalId}`,
          // The companion template names its resources after the key's logical id.
          fixable: LOGICAL_ID.test(key.logicalId),
        });
      }
    }
  },
  // Like tf-aws-iam-access-key: deleting the key is the user's call (something may still use it,
  // and outputs or secrets of the template may read it); what a fix can do is create the role that
  // replaces it, as a new template beside this one. The template itself is left unchanged.
  fix({ document, finding }) {
    for (const yaml of document.yaml()) {
      const root = yaml.contents;
      const resources = cfnResources(root);
      const key = resources.find((resource) => resource.type === 'AWS::IAM::AccessKey' && nodeSpan(resource.keyNode)?.[0] === finding.span[0]);
      if (!key || !LOGICAL_ID.test(key.logicalId)) continue;
      const json = isMap(root) && root.flow === true;
      const fix = companionFix(document.text, document.path, json, key, resources);
      return fix ? [fix] : [];
    }
    return [];
  },
});

/** CloudFormation logical ids: alphanumeric. */
const LOGICAL_ID = /^[A-Za-z0-9]+$/;
export const BRANCH_PLACEHOLDER = '<BRANCH>';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_AUDIENCE = 'sts.amazonaws.com';
const SUBJECT = `repo:${OWNER_PLACEHOLDER}/${REPO_PLACEHOLDER}:ref:refs/heads/${BRANCH_PLACEHOLDER}`;
const PROVIDER_ID = 'GitHubOidcProvider';

/** What the role gets of the key's user: policies literal in the template, and notes on the rest. */
interface Permissions {
  readonly managedPolicyArns: unknown[];
  readonly policies: unknown[];
  readonly notes: string[];
}

/**
 * A new template (YAML for a YAML template, JSON for JSON) with the GitHub OIDC provider and a role
 * only one repository's branch can assume, holding the permissions of the key's user. The fix is
 * offered only when that text parses back to the template it was meant to be.
 */
function companionFix(text: string, path: string, json: boolean, key: CfnResource, resources: readonly CfnResource[]): Fix | undefined {
  const base = key.logicalId.replace(/(?:Access)?Key$/, '') || key.logicalId;
  const roleId = `${base}GitHubRole`;
  const extension = json ? 'json' : /\.yml$/i.test(path) ? 'yml' : 'yaml';
  const file = `github-oidc-${base.replace(/([a-z0-9])(?=[A-Z])/g, '$1-').toLowerCase()}.${extension}`;
  const permissions = userPermissions(text, key, resources);
  const header = [
    'GitHub Actions assumes this role with a short-lived OIDC token (aws-actions/configure-aws-credentials',
    `with role-to-assume set to the ${roleId}Arn output and \`permissions: id-token: write\`), so no access key has to exist.`,
    `The identity provider is created once per AWS account: if yours has it, remove ${PROVIDER_ID} and use its ARN as Federated.`,
    `Once the workflow uses the role, delete ${key.logicalId} (and what reads its secret) from ${path.replace(/^.*\//, '')}.`,
  ];
  const description = `GitHub Actions OIDC role to replace the access key ${key.logicalId}`;
  const body = json
    ? jsonTemplate(description, header, roleId, permissions)
    : yamlTemplate(description, header, roleId, permissions);
  if (!parsesAsCompanion(body, json, roleId)) return undefined;
  return {
    title: `Create a GitHub Actions OIDC role to replace the key (new file ${file}); switch the workflow to the role, then delete ${key.logicalId}`,
    edits: [],
    createFiles: [{ path: file, text: body }],
    placeholders: [OWNER_PLACEHOLDER, REPO_PLACEHOLDER, BRANCH_PLACEHOLDER],
  };
}

function yamlTemplate(description: string, header: readonly string[], roleId: string, permissions: Permissions): string {
  const block = (value: unknown, indent: string) =>
    stringify(value, { version: '1.1', singleQuote: true, lineWidth: 0 }).trimEnd().split('\n').map((line) => indent + line);
  const lines = [
    ...header.map((line) => `# ${line}`),
    "AWSTemplateFormatVersion: '2010-09-09'",
    `Description: ${description}`,
    'Resources:',
    `  ${PROVIDER_ID}:`,
    '    Type: AWS::IAM::OIDCProvider',
    '    Properties:',
    `      Url: ${GITHUB_ISSUER}`,
    '      ClientIdList:',
    `        - ${GITHUB_AUDIENCE}`,
    `  ${roleId}:`,
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      AssumeRolePolicyDocument:',
    "        Version: '2012-10-17'",
    '        Statement:',
    '          - Effect: Allow',
    '            Principal:',
    `              Federated: !GetAtt ${PROVIDER_ID}.Arn`,
    '            Action: sts:AssumeRoleWithWebIdentity',
    '            Condition:',
    '              StringEquals:',
    `                token.actions.githubusercontent.com:aud: ${GITHUB_AUDIENCE}`,
    '                # One repository and branch; a wildcard here lets other repositories in.',
    `                token.actions.githubusercontent.com:sub: ${SUBJECT}`,
    '      MaxSessionDuration: 3600',
    ...permissions.notes.map((note) => `      # ${note}`),
    ...(permissions.managedPolicyArns.length > 0 ? ['      ManagedPolicyArns:', ...block(permissions.managedPolicyArns, '        ')] : []),
    ...(permissions.policies.length > 0 ? ['      Policies:', ...block(permissions.policies, '        ')] : []),
    'Outputs:',
    `  ${roleId}Arn:`,
    '    Description: role-to-assume for aws-actions/configure-aws-credentials',
    `    Value: !GetAtt ${roleId}.Arn`,
  ];
  return lines.join('\n') + '\n';
}

function jsonTemplate(description: string, header: readonly string[], roleId: string, permissions: Permissions): string {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description,
    // JSON has no comments: what the YAML form says in comments goes to the template metadata.
    Metadata: { Notes: [`${header[0]} ${header[1]}`, ...header.slice(2), 'The sub condition allows one repository and branch; a wildcard there lets other repositories in.', ...permissions.notes] },
    Resources: {
      [PROVIDER_ID]: {
        Type: 'AWS::IAM::OIDCProvider',
        Properties: { Url: GITHUB_ISSUER, ClientIdList: [GITHUB_AUDIENCE] },
      },
      [roleId]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: { 'Fn::GetAtt': [PROVIDER_ID, 'Arn'] } },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: {
                    'token.actions.githubusercontent.com:aud': GITHUB_AUDIENCE,
                    'token.actions.githubusercontent.com:sub': SUBJECT,
                  },
                },
              },
            ],
          },
          MaxSessionDuration: 3600,
          ...(permissions.managedPolicyArns.length > 0 ? { ManagedPolicyArns: permissions.managedPolicyArns } : {}),
          ...(permissions.policies.length > 0 ? { Policies: permissions.policies } : {}),
        },
      },
    },
    Outputs: {
      [`${roleId}Arn`]: {
        Description: 'role-to-assume for aws-actions/configure-aws-credentials',
        Value: { 'Fn::GetAtt': [roleId, 'Arn'] },
      },
    },
  };
  return JSON.stringify(template, null, 2) + '\n';
}

/** Whether the new template parses, without errors, to a template with the role. */
function parsesAsCompanion(body: string, json: boolean, roleId: string): boolean {
  if (json) {
    try {
      return typeof (JSON.parse(body) as { Resources?: Record<string, unknown> }).Resources?.[roleId] === 'object';
    } catch {
      return false;
    }
  }
  const parsed = parseDocument(body, { customTags: [{ tag: '!GetAtt', resolve: (value: string) => value }] });
  return parsed.errors.length === 0 && cfnResources(parsed.contents).some((resource) => resource.logicalId === roleId && resource.type === 'AWS::IAM::Role');
}

/**
 * The permissions of the key's user when the user is a resource of this template: its managed
 * policy ARNs and inline policies that are literal (no intrinsic function, which could name
 * something of this template), and a note for everything else that grants it permissions.
 */
function userPermissions(text: string, key: CfnResource, resources: readonly CfnResource[]): Permissions {
  const managedPolicyArns: unknown[] = [];
  const policies: unknown[] = [];
  const notes: string[] = [];
  const userName = cfnPath(key.properties, 'UserName');
  const target = cfnRefTarget(userName);
  const literalName = cfnLiteral(text, userName)?.value;
  const user = resources.find((resource) =>
    resource.type === 'AWS::IAM::User' &&
    (target !== undefined ? resource.logicalId === target : literalName !== undefined && cfnLiteral(text, cfnPath(resource.properties, 'UserName'))?.value === literalName),
  );
  if (!user) {
    notes.push('The key\'s user is not declared in its template: attach the policies the workflow needs (ManagedPolicyArns, Policies).');
    return { managedPolicyArns, policies, notes };
  }
  const computed: string[] = [];
  seqItems(cfnPath(user.properties, 'ManagedPolicyArns')).forEach((item, index) => {
    const value = literalValue(item);
    if (value === COMPUTED) computed.push(`ManagedPolicyArns[${index}]`);
    else managedPolicyArns.push(value);
  });
  seqItems(cfnPath(user.properties, 'Policies')).forEach((item, index) => {
    const value = literalValue(item);
    if (value !== COMPUTED) policies.push(value);
    else {
      const name = cfnLiteral(text, cfnPath(item, 'PolicyName'))?.value;
      computed.push(name !== undefined ? `policy '${name}'` : `Policies[${index}]`);
    }
  });
  if (computed.length > 0) notes.push(`Copy from ${user.logicalId}, adapted to this template (it uses intrinsic functions): ${computed.join(', ')}.`);
  if (cfnPath(user.properties, 'Groups') !== undefined) notes.push(`Attach the policies of ${user.logicalId}'s Groups too.`);
  const attached = resources
    .filter((other) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::UserToGroupAddition'].includes(other.type))
    .filter((other) => seqItems(cfnPath(other.properties, 'Users')).some((item) => cfnRefTarget(item) === user.logicalId))
    .map((other) => other.logicalId);
  if (attached.length > 0) notes.push(`Grant the role what ${attached.join(', ')} grant${attached.length > 1 ? '' : 's'} ${user.logicalId} (Roles of AWS::IAM::Policy / ManagedPolicy).`);
  if (managedPolicyArns.length === 0 && policies.length === 0 && notes.length === 0) notes.push(`${user.logicalId} has no policies in its template: attach the policies the workflow needs.`);
  return { managedPolicyArns, policies, notes };
}

const COMPUTED = Symbol('computed');

/**
 * The plain value of a node made only of literals, or COMPUTED when it holds an intrinsic function
 * (a tag such as `!Sub`, a `Ref` or `Fn::` key) or an alias; bounded by a node budget.
 */
function literalValue(node: unknown): unknown {
  let budget = 10_000;
  const visit = (current: unknown): unknown => {
    if (--budget < 0) return COMPUTED;
    if (isScalar(current)) {
      if (current.tag !== undefined && current.tag !== 'tag:yaml.org,2002:str' && current.tag !== '!!str') return COMPUTED;
      const value = current.value;
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : COMPUTED;
    }
    if (isSeq(current)) {
      if (current.tag !== undefined) return COMPUTED;
      const items: unknown[] = [];
      for (const item of current.items) {
        const value = visit(item);
        if (value === COMPUTED) return COMPUTED;
        items.push(value);
      }
      return items;
    }
    if (isMap(current)) {
      if (current.tag !== undefined) return COMPUTED;
      const entries = mapEntries(current);
      if (entries.length !== current.items.length) return COMPUTED;
      const result: Record<string, unknown> = {};
      for (const { key, pair } of entries) {
        if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return COMPUTED;
        const value = visit(pair.value);
        if (value === COMPUTED) return COMPUTED;
        result[key] = value;
      }
      return result;
    }
    return COMPUTED;
  };
  return visit(node);
}

/** Who the key is for: a literal user name, a user resource of the template, or a parameter. */
function keyUser(text: string, key: CfnResource, byId: ReadonlyMap<string, CfnResource>): KeyUser | undefined {
  const userName = cfnPath(key.properties, 'UserName');
  const literal = cfnLiteral(text, userName)?.value;
  if (literal !== undefined) return { description: `IAM user '${literal}'`, identity: `name:${literal}`, adminLike: adminLike(literal) };
  const target = cfnRefTarget(userName);
  if (target === undefined) return undefined;
  const resource = byId.get(target);
  if (resource?.type === 'AWS::IAM::User') {
    const name = cfnLiteral(text, cfnPath(resource.properties, 'UserName'))?.value;
    return {
      description: name !== undefined ? `IAM user '${name}' (${target})` : `IAM user ${target}`,
      identity: name !== undefined ? `name:${name}` : `ref:${target}`,
      adminLike: adminLike(target) || (name !== undefined && adminLike(name)),
    };
  }
  if (resource) return undefined;
  return { description: `the IAM user named by parameter ${target}`, identity: `ref:${target}`, adminLike: adminLike(target) };
}

function adminLike(name: string): boolean {
  return nameWords(name).some((word) => ADMIN_WORDS.has(word));
}
