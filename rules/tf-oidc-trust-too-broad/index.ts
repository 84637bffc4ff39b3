import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { hclAttribute, hclBlocks, hclChildBlocks, hclFunctionCall, hclHeaderSpan, hclLiteral, type HclBlock } from '../lib/hcl';
import docs from './docs.md';
import { attributeStrings, documentStatements, hclValue, heredocText, jsonStatements, type TrustStatement, type Value } from './trust';

/** CI and cluster OIDC issuers this rule knows the subject claim of, by a piece of their issuer URL. */
const ISSUERS: ReadonlyArray<readonly [string, string]> = [
  ['token.actions.githubusercontent.com', 'GitHub Actions'],
  ['oidc.circleci.com', 'CircleCI'],
  ['oidc.eks.', 'EKS'],
  ['gitlab', 'GitLab'],
];
const PROVIDER_ADDRESS = /(?:data\.)?aws_iam_openid_connect_provider\.[\w-]{1,128}/;

function issuerOf(text: string): string | undefined {
  const lower = text.toLowerCase();
  return ISSUERS.find(([needle]) => lower.includes(needle))?.[1];
}

/** True for a subject pattern that any repository (or project, or namespace) of an owner matches. */
function broadSubject(value: string): boolean {
  const subject = value.trim();
  if (subject === '' || subject.startsWith('*')) return true;
  for (const prefix of ['repo:', 'project_path:']) {
    if (subject.startsWith(prefix)) return (subject.slice(prefix.length).split(':')[0] ?? '').includes('*');
  }
  if (subject.startsWith('system:serviceaccount:')) return (subject.split(':')[2] ?? '').includes('*');
  return false;
}

const lastPart = (variable: string) => variable.trim().toLowerCase();

export default defineRule({
  id: 'tf-oidc-trust-too-broad',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ['assumerolewithwebidentity', 'google_iam_workload_identity_pool_provider', 'vault_jwt_auth_backend_role'],
  syntax: 'code',
  docs,
  check({ document, report }) {
    const blocks = hclBlocks(document.tree('hcl'));
    // OIDC provider address -> its url, built once.
    const providers = new Map<string, string>();
    for (const block of blocks) {
      if ((block.type !== 'resource' && block.type !== 'data') || block.labels[0] !== 'aws_iam_openid_connect_provider') continue;
      const url = attributeStrings(block.body).get('url')?.[0];
      const address = `${block.type === 'data' ? 'data.' : ''}aws_iam_openid_connect_provider.${block.labels[1] ?? ''}`;
      if (url) providers.set(address, url);
    }
    const issuerFor = (statement: TrustStatement): string | undefined => {
      for (const identifier of statement.federated) {
        const direct = issuerOf(identifier);
        if (direct) return direct;
        const address = PROVIDER_ADDRESS.exec(identifier)?.[0];
        const url = address ? providers.get(address) : undefined;
        if (url && issuerOf(url)) return issuerOf(url);
      }
      for (const condition of statement.conditions) {
        const fromVariable = issuerOf(condition.variable);
        if (fromVariable) return fromVariable;
      }
      return undefined;
    };

    const checkStatements = (owner: string, statements: readonly TrustStatement[]) => {
      statements.forEach((statement, index) => {
        if (statement.effect.toLowerCase() === 'deny') return;
        if (!statement.actions.some((action) => action.toLowerCase() === 'sts:assumerolewithwebidentity')) return;
        if (statement.federated.length === 0) return;
        const issuer = issuerFor(statement);
        if (!issuer) return;
        const construct = `${owner}:statement[${index}]`;
        const header = statementSpan(statement.node);
        const subjects = statement.conditions.filter((condition) => lastPart(condition.variable).endsWith(':sub'));
        const audiences = statement.conditions.filter((condition) => lastPart(condition.variable).endsWith(':aud'));
        if (subjects.length === 0) {
          report({
            span: header,
            severity: 'error',
            message: `${owner} lets ${issuer} OIDC tokens assume the role with no condition on the subject (":sub"), so a workflow in any repository or project that can get a token from that issuer can take the role. Add a StringEquals condition on ":sub" naming the repository and branch or environment${audiences.length === 0 ? ', and one on ":aud"' : ''}.`,
            construct: `${construct}:no-sub`,
          });
        } else {
          for (const condition of subjects) {
            const like = condition.test.toLowerCase().includes('like');
            const broad = like ? condition.values.filter(broadSubject) : [];
            if (broad.length === 0) continue;
            report({
              span: [condition.node.startIndex, condition.node.endIndex],
              severity: 'warning',
              message: `${owner} trusts the subject pattern "${broad[0]}", which every repository, project or namespace of the owner matches, so any of them can assume this role. Use StringEquals with the exact repository and a branch or environment, e.g. "repo:my-org/my-repo:environment:prod".`,
              construct: `${construct}:broad-sub`,
            });
          }
          if (audiences.length === 0) {
            report({
              span: header,
              severity: 'warning',
              message: `${owner} checks the ${issuer} token's subject but not its audience (":aud"), so tokens minted for other services are accepted. Add a StringEquals condition on ":aud" (for AWS, "sts.amazonaws.com").`,
              construct: `${construct}:no-aud`,
            });
          }
        }
        for (const condition of statement.conditions) {
          if (!condition.test.startsWith('ForAllValues:')) continue;
          report({
            span: [condition.node.startIndex, condition.node.endIndex],
            severity: 'warning',
            message: `${owner} uses ${condition.test} in an Allow statement; ForAllValues operators return true when the claim is absent or misspelled, so the condition may not restrict anything. Use a single-valued operator such as StringEquals.`,
            construct: `${construct}:for-all-values:${condition.variable}`,
          });
        }
      });
    };

    for (const block of blocks) {
      const kind = block.labels[0] ?? '';
      const name = `${kind}.${block.labels[1] ?? ''}`;
      if (block.type === 'data' && kind === 'aws_iam_policy_document') {
        checkStatements(`data.${name}`, documentStatements(block.body));
      } else if (block.type === 'resource' && kind === 'aws_iam_role') {
        const policy = hclAttribute(block.body, 'assume_role_policy');
        const parsed = policy ? jsonPolicy(policy.value) : undefined;
        if (policy && parsed !== undefined) checkStatements(name, jsonStatements(parsed, policy.node));
      } else if (block.type === 'resource' && kind === 'google_iam_workload_identity_pool_provider') {
        checkPoolProvider(block, name);
      } else if (block.type === 'resource' && kind === 'vault_jwt_auth_backend_role') {
        checkVaultRole(block, name);
      }
    }

    function checkPoolProvider(block: HclBlock, name: string) {
      if (hclChildBlocks(block.body, 'oidc').length === 0 || hclAttribute(block.body, 'attribute_condition')) return;
      report({
        span: hclHeaderSpan(block),
        severity: 'error',
        message: `${name} federates an OIDC issuer with no attribute_condition, so tokens of every repository or project that issuer serves are accepted by the pool. Add an attribute_condition such as "assertion.repository_owner == 'my-org'".`,
        construct: `${name}:no-attribute-condition`,
      });
    }

    function checkVaultRole(block: HclBlock, name: string) {
      const roleType = hclAttribute(block.body, 'role_type');
      if (!roleType || hclLiteral(roleType.value) !== 'jwt') return;
      if (hclAttribute(block.body, 'bound_subject') || hclAttribute(block.body, 'bound_claims')) return;
      report({
        span: hclHeaderSpan(block),
        severity: 'error',
        message: `${name} is a jwt role with neither bound_subject nor bound_claims, so any token from the auth backend's issuer with a matching audience can log in. Bind the subject or claims such as repository and ref.`,
        construct: `${name}:no-bound-claims`,
      });
    }
  },
});

/** The first line of a statement: `statement {` or the opening of its JSON object. */
function statementSpan(node: SyntaxNode): [number, number] {
  const text = node.text;
  const newline = text.indexOf('\n');
  return [node.startIndex, node.startIndex + (newline < 0 ? text.length : newline)];
}

/** The policy of `jsonencode({...})` or of a JSON heredoc, else undefined. */
function jsonPolicy(expression: SyntaxNode): Value | undefined {
  const call = hclFunctionCall(expression);
  if (call?.name === 'jsonencode' && call.args[0]) return hclValue(call.args[0]);
  const heredoc = heredocText(expression);
  if (heredoc === undefined) return undefined;
  try {
    return JSON.parse(heredoc) as Value;
  } catch {
    return undefined;
  }
}
