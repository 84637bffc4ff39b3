import { defineRule } from '../../server/src/engine/define-rule';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, Report } from '../../server/src/engine/types';
import { hclAttribute, hclBlocks, hclBodyOf, hclChildBlocks, hclFunctionCall, hclHeaderSpan, hclLiteral, type HclBlock } from '../lib/hcl';
import docs from './docs.md';
import {
  broadSubFix,
  ciIssuer,
  forAllValuesFix,
  githubFallback,
  noAudFix,
  noSubFix,
  poolProviderFix,
  prefixFromArn,
  prefixFromUrl,
  prefixFromVariable,
  vaultRoleFix,
  type Issuer,
  type IssuerFacts,
} from './fix';
import { attributeStrings, documentStatements, hclValue, heredocText, jsonStatements, type TrustStatement, type Value } from './trust';

/** CI and cluster OIDC issuers this rule knows the subject claim of, by a piece of their issuer URL. */
const ISSUERS: ReadonlyArray<readonly [string, Issuer]> = [
  ['token.actions.githubusercontent.com', 'GitHub Actions'],
  ['oidc.circleci.com', 'CircleCI'],
  ['oidc.eks.', 'EKS'],
  ['gitlab', 'GitLab'],
];
const PROVIDER_ADDRESS = /(?:data\.)?aws_iam_openid_connect_provider\.[\w-]{1,128}/;

function issuerOf(text: string): Issuer | undefined {
  const lower = text.toLowerCase();
  return ISSUERS.find(([needle]) => lower.includes(needle))?.[1];
}

/**
 * True for a subject pattern that any repository (or project, or namespace) of an owner matches.
 * A subject a quick fix wrote (`repo:<OWNER>/<REPO>:...`) names one repository, so it is specific.
 */
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

type ProblemKind = 'no-sub' | 'broad-sub' | 'no-aud' | 'for-all-values' | 'no-attribute-condition' | 'no-bound-claims';

/** One finding and the fixes it gets (built only when asked). */
interface Problem {
  readonly report: Report & { readonly data: { readonly kind: ProblemKind } };
  readonly fixes: () => Fix[];
}

/** Every problem of a file, for the check (which reports them) and the fix (which picks one). */
function problems(document: ParsedDocument): Problem[] {
  const text = document.text;
  const found: Problem[] = [];
  const add = (kind: ProblemKind, report: Omit<Report, 'data'>, fixes: () => Fix[]) => found.push({ report: { ...report, data: { kind } }, fixes });
  const blocks = hclBlocks(document.tree('hcl'));
  // OIDC provider address -> its url and client ids, built once.
  const providers = new Map<string, { url: string; clientIds: string[] | undefined }>();
  for (const block of blocks) {
    if ((block.type !== 'resource' && block.type !== 'data') || block.labels[0] !== 'aws_iam_openid_connect_provider') continue;
    const attributes = attributeStrings(block.body);
    const url = attributes.get('url')?.[0];
    const address = `${block.type === 'data' ? 'data.' : ''}aws_iam_openid_connect_provider.${block.labels[1] ?? ''}`;
    // A data source's client ids are not in the file.
    if (url) providers.set(address, { url, clientIds: block.type === 'resource' ? attributes.get('client_id_list') : undefined });
  }
  const providerOf = (statement: TrustStatement) => {
    for (const identifier of statement.federated) {
      const address = PROVIDER_ADDRESS.exec(identifier)?.[0];
      const provider = address ? providers.get(address) : undefined;
      if (provider) return provider;
    }
    return undefined;
  };
  const issuerFor = (statement: TrustStatement): Issuer | undefined => {
    for (const identifier of statement.federated) {
      const direct = issuerOf(identifier);
      if (direct) return direct;
      const address = PROVIDER_ADDRESS.exec(identifier)?.[0];
      const url = address ? providers.get(address)?.url : undefined;
      if (url && issuerOf(url)) return issuerOf(url);
    }
    for (const condition of statement.conditions) {
      const fromVariable = issuerOf(condition.variable);
      if (fromVariable) return fromVariable;
    }
    return undefined;
  };
  /** The condition-key prefix: from the statement's own keys, else the provider it trusts, else GitHub's fixed issuer. */
  const factsFor = (statement: TrustStatement, issuer: Issuer): IssuerFacts => {
    const provider = providerOf(statement);
    const fromConditions = statement.conditions.map((condition) => prefixFromVariable(condition.variable)).find((prefix) => prefix !== undefined && issuerOf(prefix) === issuer);
    const fromArn = statement.federated.map(prefixFromArn).find((prefix) => prefix !== undefined && issuerOf(prefix) === issuer);
    const fromProvider = provider ? prefixFromUrl(provider.url) : undefined;
    return { issuer, prefix: fromConditions ?? fromArn ?? fromProvider ?? githubFallback(issuer), clientIds: provider?.clientIds };
  };

  const checkStatements = (owner: string, statements: readonly TrustStatement[], editable: boolean) => {
    statements.forEach((statement, index) => {
      if (statement.effect.toLowerCase() === 'deny') return;
      if (!statement.actions.some((action) => action.toLowerCase() === 'sts:assumerolewithwebidentity')) return;
      if (statement.federated.length === 0) return;
      const issuer = issuerFor(statement);
      if (!issuer) return;
      const construct = `${owner}:statement[${index}]`;
      const header = statementSpan(statement.node);
      const facts = () => factsFor(statement, issuer);
      // Only policy document statements are edited; a JSON policy is left to the user.
      const fixes = (build: () => Fix[]) => (editable ? build : () => []);
      const subjects = statement.conditions.filter((condition) => lastPart(condition.variable).endsWith(':sub'));
      const audiences = statement.conditions.filter((condition) => lastPart(condition.variable).endsWith(':aud'));
      const broadConditions = new Set(subjects.filter((condition) => condition.test.toLowerCase().includes('like') && condition.values.some(broadSubject)));
      if (subjects.length === 0) {
        add(
          'no-sub',
          {
            span: header,
            severity: 'error',
            message: `${owner} lets ${issuer} OIDC tokens assume the role with no condition on the subject (":sub"), so a workflow in any repository or project that can get a token from that issuer can take the role. Add a StringEquals condition on ":sub" naming the repository and branch or environment${audiences.length === 0 ? ', and one on ":aud"' : ''}.`,
            construct: `${construct}:no-sub`,
          },
          fixes(() => noSubFix(document.text, statement, facts(), audiences.length === 0)),
        );
      } else {
        for (const condition of broadConditions) {
          const broad = condition.values.filter(broadSubject);
          add(
            'broad-sub',
            {
              span: [condition.node.startIndex, condition.node.endIndex],
              severity: 'warning',
              message: `${owner} trusts the subject pattern "${broad[0]}", which every repository, project or namespace of the owner matches, so any of them can assume this role. Use StringEquals with the exact repository and a branch or environment, e.g. "repo:my-org/my-repo:environment:prod".`,
              construct: `${construct}:broad-sub`,
            },
            fixes(() => broadSubFix(condition, facts(), broadSubject)),
          );
        }
        if (audiences.length === 0) {
          add(
            'no-aud',
            {
              span: header,
              severity: 'warning',
              message: `${owner} checks the ${issuer} token's subject but not its audience (":aud"), so tokens minted for other services are accepted. Add a StringEquals condition on ":aud" (for AWS, "sts.amazonaws.com").`,
              construct: `${construct}:no-aud`,
            },
            fixes(() => noAudFix(text, statement, facts())),
          );
        }
      }
      for (const condition of statement.conditions) {
        if (!condition.test.startsWith('ForAllValues:')) continue;
        add(
          'for-all-values',
          {
            span: [condition.node.startIndex, condition.node.endIndex],
            severity: 'warning',
            message: `${owner} uses ${condition.test} in an Allow statement; ForAllValues operators return true when the claim is absent or misspelled, so the condition may not restrict anything. Use a single-valued operator such as StringEquals.`,
            construct: `${construct}:for-all-values:${condition.variable}`,
          },
          // A broad subject pattern's own fix rewrites the operator too.
          fixes(() => (broadConditions.has(condition) ? [] : forAllValuesFix(condition))),
        );
      }
    });
  };

  // Vault JWT auth backends: address -> what their issuer settings say.
  const backends = new Map<string, string>();
  for (const block of blocks) {
    if (block.type !== 'resource' || block.labels[0] !== 'vault_jwt_auth_backend') continue;
    const attributes = attributeStrings(block.body);
    backends.set(`vault_jwt_auth_backend.${block.labels[1] ?? ''}`, [attributes.get('oidc_discovery_url'), attributes.get('bound_issuer'), attributes.get('jwks_url')].flat().join(' '));
  }

  for (const block of blocks) {
    const kind = block.labels[0] ?? '';
    const name = `${kind}.${block.labels[1] ?? ''}`;
    if (block.type === 'data' && kind === 'aws_iam_policy_document') {
      checkStatements(`data.${name}`, documentStatements(block.body), true);
    } else if (block.type === 'resource' && kind === 'aws_iam_role') {
      const policy = hclAttribute(block.body, 'assume_role_policy');
      const parsed = policy ? jsonPolicy(policy.value) : undefined;
      if (policy && parsed !== undefined) checkStatements(name, jsonStatements(parsed, policy.node), false);
    } else if (block.type === 'resource' && kind === 'google_iam_workload_identity_pool_provider') {
      checkPoolProvider(block, name);
    } else if (block.type === 'resource' && kind === 'vault_jwt_auth_backend_role') {
      checkVaultRole(block, name);
    }
  }

  function checkPoolProvider(block: HclBlock, name: string) {
    const oidc = hclChildBlocks(block.body, 'oidc');
    if (oidc.length === 0 || hclAttribute(block.body, 'attribute_condition')) return;
    const oidcBody = hclBodyOf(oidc[0]);
    const issuerUri = attributeStrings(oidcBody).get('issuer_uri')?.[0];
    add(
      'no-attribute-condition',
      {
        span: hclHeaderSpan(block),
        severity: 'error',
        message: `${name} federates an OIDC issuer with no attribute_condition, so tokens of every repository or project that issuer serves are accepted by the pool. Add an attribute_condition such as "assertion.repository_owner == 'my-org'".`,
        construct: `${name}:no-attribute-condition`,
      },
      () => poolProviderFix(text, block, ciIssuer(issuerUri)),
    );
  }

  function checkVaultRole(block: HclBlock, name: string) {
    const roleType = hclAttribute(block.body, 'role_type');
    if (!roleType || hclLiteral(roleType.value) !== 'jwt') return;
    if (hclAttribute(block.body, 'bound_subject') || hclAttribute(block.body, 'bound_claims')) return;
    // The backend's issuer when it is in the file, else what the role's audiences and backend name suggest.
    const backend = hclAttribute(block.body, 'backend')?.value.text ?? '';
    const address = /vault_jwt_auth_backend\.[\w-]+/.exec(backend)?.[0];
    const hints = [address ? backends.get(address) : undefined, hclAttribute(block.body, 'bound_audiences')?.value.text, backend].join(' ');
    add(
      'no-bound-claims',
      {
        span: hclHeaderSpan(block),
        severity: 'error',
        message: `${name} is a jwt role with neither bound_subject nor bound_claims, so any token from the auth backend's issuer with a matching audience can log in. Bind the subject or claims such as repository and ref.`,
        construct: `${name}:no-bound-claims`,
      },
      () => vaultRoleFix(text, block, ciIssuer(hints) ?? (/github/i.test(hints) ? 'GitHub Actions' : undefined)),
    );
  }

  return found;
}

export default defineRule({
  id: 'tf-oidc-trust-too-broad',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ['assumerolewithwebidentity', 'google_iam_workload_identity_pool_provider', 'vault_jwt_auth_backend_role'],
  syntax: 'code',
  docs,
  check({ document, report }) {
    for (const problem of problems(document)) report({ ...problem.report, fixable: problem.fixes().length > 0 });
  },
  fix({ document, finding }) {
    const kind = (finding.data as { kind?: ProblemKind } | undefined)?.kind;
    const problem = problems(document).find(
      (candidate) => candidate.report.data.kind === kind && candidate.report.span[0] === finding.span[0] && candidate.report.span[1] === finding.span[1],
    );
    return problem ? problem.fixes() : [];
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
