import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclAttributes, hclChildBlocks, hclStringSpan, type HclBlock } from '../lib/hcl';
import { attributeLine, indentAt, insertAtBodyEnd, insertLinesAfter } from '../lib/hcl-edit';
import type { TrustCondition, TrustStatement } from './trust';

/**
 * Quick fixes for trust policies written as `aws_iam_policy_document` statements, and for Google
 * workload identity pool providers and Vault JWT roles. Values only the user knows (the owner,
 * repository, project, namespace) are written as `<PLACEHOLDER>`s; JSON policies (`jsonencode`,
 * heredocs) are left to the user.
 */

export type Issuer = 'GitHub Actions' | 'CircleCI' | 'EKS' | 'GitLab';

/** Marked values the fixes write, in the order a front end visits them. */
const PLACEHOLDERS = ['<OWNER>', '<REPO>', '<GROUP>', '<PROJECT>', '<ORG_ID>', '<PROJECT_ID>', '<NAMESPACE>', '<SERVICE_ACCOUNT>'];

function placeholdersIn(edits: readonly TextEdit[]): string[] {
  return PLACEHOLDERS.filter((placeholder) => edits.some((edit) => edit.newText.includes(placeholder)));
}

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/**
 * The `sub` a fix writes for an issuer: one repository (project, namespace) and one branch. For
 * CircleCI the subject ends in the user who started the job, so its pattern keeps `user/*` and
 * needs StringLike; the org and project ids still pin it.
 */
export function subjectFor(issuer: Issuer, prefix: string): { test: string; value: string } {
  switch (issuer) {
    case 'GitHub Actions':
      return { test: 'StringEquals', value: 'repo:<OWNER>/<REPO>:ref:refs/heads/main' };
    case 'GitLab':
      return { test: 'StringEquals', value: 'project_path:<GROUP>/<PROJECT>:ref_type:branch:ref:main' };
    case 'CircleCI':
      return { test: 'StringLike', value: `org/${circleOrg(prefix) ?? '<ORG_ID>'}/project/<PROJECT_ID>/user/*` };
    case 'EKS':
      return { test: 'StringEquals', value: 'system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>' };
  }
}

/** The CircleCI organization id in an issuer such as `oidc.circleci.com/org/<id>`. */
function circleOrg(prefix: string): string | undefined {
  return /oidc\.circleci\.com\/org\/([\w-]+)$/.exec(prefix)?.[1];
}

/** The audience an issuer's tokens carry for AWS, unless the provider's client id list says otherwise. */
function defaultAudience(issuer: Issuer, prefix: string): string {
  switch (issuer) {
    case 'GitHub Actions':
    case 'EKS':
      return 'sts.amazonaws.com';
    case 'GitLab':
      // GitLab's AWS guide: the audience is the instance URL.
      return `https://${prefix.split('/')[0]}`;
    case 'CircleCI':
      return circleOrg(prefix) ?? '<ORG_ID>';
  }
}

/** What the fixes of one statement need to know about its issuer, worked out by the rule. */
export interface IssuerFacts {
  readonly issuer: Issuer;
  /** The condition-key prefix (`token.actions.githubusercontent.com`, `oidc.eks.<region>.amazonaws.com/id/<id>`). */
  readonly prefix: string | undefined;
  /** The client id list of the `aws_iam_openid_connect_provider` the statement trusts, when it is in the file. */
  readonly clientIds: readonly string[] | undefined;
}

/** The condition-key prefix from a provider URL or a literal provider ARN. */
export function prefixFromUrl(url: string): string | undefined {
  let prefix = url.trim().replace(/^https:\/\//, '');
  while (prefix.endsWith('/')) prefix = prefix.slice(0, -1);
  return prefix !== '' && !prefix.includes('${') && !/\s/.test(prefix) ? prefix : undefined;
}

export function prefixFromArn(arn: string): string | undefined {
  const at = arn.indexOf(':oidc-provider/');
  return at === -1 ? undefined : prefixFromUrl(arn.slice(at + ':oidc-provider/'.length));
}

export function prefixFromVariable(variable: string): string | undefined {
  const colon = variable.lastIndexOf(':');
  return colon > 0 ? variable.slice(0, colon) : undefined;
}

/** The prefix for a statement: from its own condition keys, else its provider, else GitHub's fixed issuer. */
export function githubFallback(issuer: Issuer): string | undefined {
  return issuer === 'GitHub Actions' ? GITHUB_ISSUER : undefined;
}

/** Indentation of a statement's body and one level deeper, as the file writes them. */
function bodyIndents(text: string, statement: SyntaxNode): { inner: string; unit: string } {
  const body = statement.namedChildren.find((child) => child?.type === 'body');
  const first = body?.namedChildren.find((child) => child !== null);
  const outer = indentAt(text, statement.startIndex);
  const inner = first ? indentAt(text, first.startIndex) : `${outer}  `;
  const unit = inner.startsWith(outer) && inner.length > outer.length ? inner.slice(outer.length) : '  ';
  return { inner, unit };
}

function conditionLines(indent: string, unit: string, test: string, variable: string, value: string): string[] {
  return [`${indent}condition {`, `${indent}${unit}test     = "${test}"`, `${indent}${unit}variable = "${variable}"`, `${indent}${unit}values   = ["${value}"]`, `${indent}}`];
}

/** Inserts condition blocks into a statement: after its last condition, else its principals, else its last attribute. */
function insertConditions(text: string, statement: SyntaxNode, blocks: ReadonlyArray<readonly [test: string, variable: string, value: string]>): TextEdit | undefined {
  const body = statement.namedChildren.find((child) => child?.type === 'body') ?? undefined;
  const anchor = hclChildBlocks(body, 'condition').at(-1) ?? hclChildBlocks(body, 'principals').at(-1) ?? hclAttributes(body).at(-1)?.node;
  const { inner, unit } = bodyIndents(text, statement);
  const lines = blocks.flatMap(([test, variable, value]) => conditionLines(anchor ? indentAt(text, anchor.startIndex) : inner, unit, test, variable, value));
  if (anchor) return insertLinesAfter(text, anchor, lines);
  return insertAtBodyEnd(
    text,
    statement,
    lines.map((line) => line.slice(inner.length)),
  );
}

/** The aud value to write, and whether it merely restates the provider's only client id (safe without review). */
function audienceOf(facts: IssuerFacts, prefix: string): { value: string; restates: boolean } {
  if (facts.clientIds?.length === 1 && !facts.clientIds[0]!.includes('${')) return { value: facts.clientIds[0]!, restates: true };
  return { value: defaultAudience(facts.issuer, prefix), restates: false };
}

/** No `:sub` condition: adds one (and the `:aud` one when that is missing too) with a placeholder subject. */
export function noSubFix(text: string, statement: TrustStatement, facts: IssuerFacts, audienceMissing: boolean): Fix[] {
  const prefix = facts.prefix;
  if (!prefix) return [];
  const subject = subjectFor(facts.issuer, prefix);
  const audience = audienceOf(facts, prefix);
  const blocks: Array<readonly [string, string, string]> = [];
  if (audienceMissing) blocks.push(['StringEquals', `${prefix}:aud`, audience.value]);
  blocks.push([subject.test, `${prefix}:sub`, subject.value]);
  const edit = insertConditions(text, statement.node, blocks);
  if (!edit) return [];
  return [
    {
      title: `Restrict the role to one ${facts.issuer === 'EKS' ? 'service account' : facts.issuer === 'GitHub Actions' ? 'repository and branch' : 'project and branch'}: add a ${subject.test} condition on ${prefix}:sub${audienceMissing ? ` and one on :aud (${audience.value})` : ''}`,
      edits: [edit],
      placeholders: placeholdersIn([edit]),
    },
  ];
}

/** No `:aud` condition: adds it, after the statement's conditions. */
export function noAudFix(text: string, statement: TrustStatement, facts: IssuerFacts): Fix[] {
  const prefix = facts.prefix;
  if (!prefix) return [];
  const audience = audienceOf(facts, prefix);
  const edit = insertConditions(text, statement.node, [['StringEquals', `${prefix}:aud`, audience.value]]);
  if (!edit) return [];
  const placeholders = placeholdersIn([edit]);
  return [
    {
      title: `Add a StringEquals condition on ${prefix}:aud = "${audience.value}"${audience.restates ? " (the provider's only client id)" : ''}`,
      edits: [edit],
      // Restating the provider's only client id cannot reject a token the provider accepts.
      ...(audience.restates && placeholders.length === 0 ? { isPreferred: true } : {}),
      ...(placeholders.length > 0 ? { placeholders } : {}),
    },
  ];
}

/** The `test` and `values` attributes of an HCL condition block, with the string spans a fix edits. */
function conditionParts(condition: SyntaxNode): { test: { value: string; start: number; end: number }; values: SyntaxNode; items: Array<{ value: string; start: number; end: number } | undefined> } | undefined {
  const body = condition.namedChildren.find((child) => child?.type === 'body') ?? undefined;
  const test = hclAttribute(body, 'test');
  const values = hclAttribute(body, 'values');
  const testSpan = test ? hclStringSpan(test.value) : undefined;
  if (!testSpan || !values) return undefined;
  let tuple: SyntaxNode | null = values.value;
  while (tuple && (tuple.type === 'expression' || tuple.type === 'collection_value') && tuple.namedChildCount === 1) tuple = tuple.namedChild(0);
  if (tuple?.type !== 'tuple') return undefined;
  const items = tuple.namedChildren.filter((child): child is SyntaxNode => child?.type === 'expression').map((item) => hclStringSpan(item));
  return { test: testSpan, values: tuple, items };
}

/**
 * A wildcard `StringLike` subject: the broad values become one placeholder subject, and the test
 * StringEquals unless other values keep wildcards (then the operator stays, without
 * `ForAllValues:`). Needs review: the placeholder must name the repository and branch that use the role.
 */
export function broadSubFix(condition: TrustCondition, facts: IssuerFacts, broad: (value: string) => boolean): Fix[] {
  const parts = conditionParts(condition.node);
  if (!parts || parts.items.length === 0) return [];
  const prefix = facts.prefix ?? prefixFromVariable(condition.variable) ?? '';
  const subject = subjectFor(facts.issuer, prefix);
  const broadItems = parts.items.filter((item) => item === undefined || broad(item.value));
  if (broadItems.some((item) => item === undefined) || broadItems.length === 0) return [];
  const kept = parts.items.filter((item) => !broadItems.includes(item)) as Array<{ value: string }>;
  const wildcards = subject.test === 'StringLike' || kept.some((item) => /[*?]/.test(item.value));
  const edits: TextEdit[] = [];
  const newTest = wildcards ? parts.test.value.replace(/^ForAllValues:/, '') : 'StringEquals';
  if (newTest !== parts.test.value) edits.push({ span: [parts.test.start, parts.test.end], newText: newTest });
  if (broadItems.length === 1) {
    const item = broadItems[0]!;
    edits.push({ span: [item.start, item.end], newText: subject.value });
  } else {
    // Several broad patterns become one subject: the list is rewritten, on its one line only.
    if (parts.values.text.includes('\n')) return [];
    const list = [subject.value, ...kept.map((item) => item.value)].map((value) => `"${value}"`).join(', ');
    edits.push({ span: [parts.values.startIndex, parts.values.endIndex], newText: `[${list}]` });
  }
  return [
    {
      title: `Trust one subject instead of "${broadItems[0]!.value}": ${newTest} "${subject.value}"`,
      edits,
      placeholders: placeholdersIn(edits),
    },
  ];
}

/** `ForAllValues:X` on the single-valued `:sub`/`:aud` claim: `X`, which also fails when the claim is absent. */
export function forAllValuesFix(condition: TrustCondition): Fix[] {
  if (!/:(?:sub|aud)$/i.test(condition.variable.trim())) return [];
  const parts = conditionParts(condition.node);
  if (!parts || !parts.test.value.startsWith('ForAllValues:')) return [];
  const operator = parts.test.value.slice('ForAllValues:'.length);
  return [
    {
      title: `Use ${operator} instead of ${parts.test.value}`,
      edits: [{ span: [parts.test.start, parts.test.end], newText: operator }],
      isPreferred: true,
    },
  ];
}

/** The kind of CI issuer a Google pool provider or Vault backend trusts, from its issuer URL (or other hints). */
export function ciIssuer(text: string | undefined): 'GitHub Actions' | 'GitLab' | undefined {
  const lower = (text ?? '').toLowerCase();
  if (lower.includes(GITHUB_ISSUER)) return 'GitHub Actions';
  if (lower.includes('gitlab')) return 'GitLab';
  return undefined;
}

/** A Google workload identity pool provider without attribute_condition: one that admits a single owner (group). */
export function poolProviderFix(text: string, block: HclBlock, issuer: 'GitHub Actions' | 'GitLab' | undefined): Fix[] {
  if (!issuer) return [];
  const condition = issuer === 'GitHub Actions' ? `"assertion.repository_owner == '<OWNER>'"` : `"assertion.namespace_path == '<GROUP>'"`;
  const anchor = hclAttribute(block.body, 'attribute_mapping')?.node ?? hclAttributes(block.body).at(-1)?.node;
  const edit = anchor
    ? insertLinesAfter(text, anchor, [attributeLine(text, anchor, '', 'attribute_condition', condition)])
    : insertAtBodyEnd(text, block.node, [`attribute_condition = ${condition}`]);
  if (!edit) return [];
  return [{ title: `Add attribute_condition = ${condition}`, edits: [edit], placeholders: placeholdersIn([edit]) }];
}

/** A Vault JWT role with neither bound_subject nor bound_claims: bind it to one repository (project). */
export function vaultRoleFix(text: string, block: HclBlock, issuer: 'GitHub Actions' | 'GitLab' | undefined): Fix[] {
  const claims = issuer === 'GitLab' ? '{ project_path = "<GROUP>/<PROJECT>" }' : '{ repository = "<OWNER>/<REPO>" }';
  const anchor =
    hclAttribute(block.body, 'bound_audiences')?.node ?? hclAttribute(block.body, 'user_claim')?.node ?? hclAttribute(block.body, 'role_type')?.node;
  if (!anchor) return [];
  const edit = insertLinesAfter(text, anchor, [attributeLine(text, anchor, '', 'bound_claims', claims)]);
  if (!edit) return [];
  return [{ title: `Add bound_claims = ${claims}`, edits: [edit], placeholders: placeholdersIn([edit]) }];
}
