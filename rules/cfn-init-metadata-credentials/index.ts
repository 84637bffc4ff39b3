import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { keySpan, mapEntries, scalarString, yamlEditKeepsParsing } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix } from '../../server/src/engine/types';
import { cfnGetAttTarget, cfnLiteral, cfnPath, cfnRefTarget, cfnResources, readsAttribute, type CfnResource } from '../lib/cloudformation';
import docs from './docs.md';

/**
 * cfn-init authentication (`AWS::CloudFormation::Authentication` in resource metadata) whose
 * access keys or password the template computes (`!Ref` a parameter, `!GetAtt Key.SecretAccessKey`,
 * `Fn::ImportValue`, ...). CloudFormation resolves them into the metadata, which it never redacts
 * (NoEcho masks parameters, not metadata): `cloudformation:DescribeStackResource` returns the
 * credential in plain text. S3 downloads have a keyless way, the instance profile's role
 * (`roleName`); the fix switches to it when the template names that role.
 *
 * Literal values are cfn-embedded-credentials' findings; dynamic references (`{{resolve:...}}`)
 * are not resolved in metadata, so nothing secret reaches it.
 */

const KEY_FIELDS = ['accessKeyId', 'secretKey'];
const FIELDS = [...KEY_FIELDS, 'password'];

interface Candidate {
  readonly resource: CfnResource;
  readonly block: string;
  /** The authentication block itself: where the fix edits. */
  readonly blockMap: Node;
  readonly field: string;
  readonly pair: Pair<Node, Node | null>;
  /** How the message names where the value comes from: `parameter 'X'`, `'Key.SecretAccessKey'`. */
  readonly source: string;
  readonly s3: boolean;
}

export default defineRule({
  id: 'cfn-init-metadata-credentials',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: ['cloudformation'],
  keywords: ['aws::cloudformation::authentication'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const candidate of candidates(document)) {
      const span = keySpan(candidate.pair);
      if (!span) continue;
      const { resource, block, field, source } = candidate;
      const where = `cfn-init authentication '${block}' of ${resource.logicalId}`;
      report({
        span,
        message: KEY_FIELDS.includes(field)
          ? `${where} signs S3 requests with an access key (${field} from ${source}): an IAM user's key never expires, and CloudFormation writes the resolved ${field} into resource metadata, ` +
            'which cloudformation:DescribeStackResource returns in plain text (NoEcho does not mask metadata); name the instance profile\'s role in roleName instead.'
          : `${where} takes its password from ${source}: CloudFormation resolves it into resource metadata, which cloudformation:DescribeStackResource returns in plain text ` +
            'to everyone who can read the stack (NoEcho does not mask metadata); fetch the password on the instance from Secrets Manager with the instance role instead.',
        construct: `Resources.${resource.logicalId}.Metadata.'${block}'.${field}`,
        data: { offset: span[0] },
        fixable: candidate.s3 && KEY_FIELDS.includes(field) && roleNameFix(document, candidate) !== undefined,
      });
    }
  },
  fix({ document, finding }) {
    const candidate = candidates(document).find((c) => keySpan(c.pair)?.[0] === finding.data?.offset);
    const fix = candidate ? roleNameFix(document, candidate)?.() : undefined;
    return fix ? [fix] : [];
  },
});

function candidates(document: ParsedDocument): Candidate[] {
  const found: Candidate[] = [];
  const text = document.text;
  for (const yaml of document.yaml()) {
    const root = yaml.contents;
    const parameters = new Set(mapEntries(cfnPath(root, 'Parameters')).map(({ key }) => key));
    for (const resource of cfnResources(root)) {
      for (const { key: block, pair } of mapEntries(cfnPath(resource.metadata, 'AWS::CloudFormation::Authentication'))) {
        const blockMap = pair.value;
        if (!isMap(blockMap)) continue;
        const s3 = scalarString(cfnPath(blockMap, 'type'))?.toLowerCase() === 's3';
        for (const { key: field, pair: entry } of mapEntries(blockMap)) {
          if (!FIELDS.includes(field)) continue;
          const source = computedSource(text, entry.value, parameters);
          if (source) found.push({ resource, block, blockMap, field, pair: entry, source, s3 });
        }
      }
    }
  }
  return found;
}

/**
 * Where a computed value comes from, for the message; undefined for literals (another rule's),
 * empty values, dynamic references and `!Ref AWS::NoValue` (the property is dropped).
 */
function computedSource(text: string, node: Node | null, parameters: ReadonlySet<string>): string | undefined {
  if (!node || cfnLiteral(text, node)) return undefined;
  if (isScalar(node)) {
    // An untagged scalar is written, not computed: a literal, a number, or empty.
    if (node.tag === undefined || node.value === null || node.value === '') return undefined;
    if (text.slice(node.range?.[0] ?? 0, node.range?.[1] ?? 0).includes('{{resolve:')) return undefined;
  }
  const target = cfnRefTarget(node);
  if (target === 'AWS::NoValue') return undefined;
  if (target !== undefined) return parameters.has(target) ? `parameter '${target}'` : `'${target}'`;
  const attribute = cfnGetAttTarget(node);
  if (attribute) return `'${attribute}'`;
  return 'an intrinsic function';
}

/**
 * The role of the resource's instance profile, as YAML for `roleName`: the profile is an
 * `AWS::IAM::InstanceProfile` of this template (by `!Ref` or `!GetAtt X.Arn`) with one role, and
 * the role is a `!Ref` (kept as one) or a literal name (quoted).
 */
function instanceRole(resource: CfnResource, resources: readonly CfnResource[], text: string): string | undefined {
  const properties = resource.properties;
  const profileNodes = [
    cfnPath(properties, 'IamInstanceProfile'),
    cfnPath(properties, 'LaunchTemplateData', 'IamInstanceProfile', 'Name'),
    cfnPath(properties, 'LaunchTemplateData', 'IamInstanceProfile', 'Arn'),
  ].filter((node): node is Node => node !== undefined && node !== null);
  const profile = resources.find(
    (candidate) =>
      candidate.type === 'AWS::IAM::InstanceProfile' &&
      profileNodes.some((node) => cfnRefTarget(node) === candidate.logicalId || readsAttribute(node, candidate.logicalId, 'Arn')),
  );
  const roles = cfnPath(profile?.properties, 'Roles');
  if (!isSeq(roles) || roles.items.length !== 1) return undefined;
  const role = roles.items[0];
  const target = cfnRefTarget(role);
  if (target !== undefined) return /^[A-Za-z0-9]+$/.test(target) ? `!Ref ${target}` : undefined;
  // An IAM role name, double-quoted: a plain scalar may not start with `@`.
  const literal = cfnLiteral(text, role)?.value;
  return literal !== undefined && /^[\w+=,.@-]{1,64}$/.test(literal) ? JSON.stringify(literal) : undefined;
}

/**
 * `accessKeyId` and `secretKey` go, and `roleName` names the instance profile's role in their
 * place (kept if the block already has one): cfn-init then signs with the instance's temporary
 * credentials. Block-style YAML only (a JSON template gets the advice, not an edit). Not
 * preferred: the role needs read access to the bucket before the keys can go.
 */
function roleNameFix(document: ParsedDocument, candidate: Candidate): (() => Fix | undefined) | undefined {
  const text = document.text;
  const offset = candidate.blockMap.range?.[0];
  if (offset === undefined || (candidate.blockMap as { flow?: boolean }).flow) return undefined;
  const resources = document.yaml().flatMap((yaml) => cfnResources(yaml.contents));
  const role = instanceRole(candidate.resource, resources, text);
  if (!role) return undefined;
  const keyed = mapEntries(candidate.blockMap).map(({ key }) => key);
  return () => {
    const editor = new YamlCstEditor(text);
    const map = editor.blockMapAt(offset);
    if (!map) return undefined;
    const at = editor.removeKeys(map, KEY_FIELDS.filter((field) => keyed.includes(field)));
    if (at === -1) return undefined;
    if (!keyed.includes('roleName')) editor.insertEntries(map, `roleName: ${role}\n`, at);
    const fixed = editor.toString();
    if (!yamlEditKeepsParsing(text, fixed)) return undefined;
    return {
      title: `Authenticate '${candidate.block}' with the instance role (roleName: ${role}) instead of access keys (review: the role needs read access to the bucket)`,
      edits: diffToEdits(text, fixed),
    };
  };
}
