import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, valueOf } from '../../server/src/engine/parse/yaml';
import { cfnLiteral, cfnPath, cfnRefTarget, cfnResources, readsAttribute, type CfnResource } from '../lib/cloudformation';
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
        });
      }
    }
  },
});

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
