import type { Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { nodeSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Report, Span } from '../../server/src/engine/types';
import { cfnPath, cfnResources } from '../lib/cloudformation';
import { hclAttribute, hclBlocks, hclBodyOf, hclChildBlocks, hclLiteral } from '../lib/hcl';
import docs from './docs.md';

/**
 * The AWS Config managed rule `access-keys-rotated` (identifier ACCESS_KEYS_ROTATED) set to allow
 * IAM access keys older than the limit through its `maxAccessKeyAge` parameter: in CloudFormation
 * (`AWS::Config::ConfigRule`, `AWS::Config::OrganizationConfigRule`) and Terraform
 * (`aws_config_config_rule`, `aws_config_organization_managed_rule`). Without the parameter the
 * rule uses AWS's default of 90 days, which is fine.
 */
const IDENTIFIER = 'ACCESS_KEYS_ROTATED';

/**
 * `maxAccessKeyAge` and its number, in every way the parameters are written: a YAML or JSON map,
 * a JSON string (escaped or not), `jsonencode({ maxAccessKeyAge = 100 })`, a heredoc.
 */
const MAX_AGE = /maxAccessKeyAge(?:\\?["'])?[ \t]*[:=][ \t]*(?:\\?["'])?(\d{1,7})(?!\d)/;

type Say = (report: Report) => void;

export default defineRule({
  id: 'iac-access-key-rotation-age',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['cloudformation', 'terraform'],
  keywords: ['access_keys_rotated'],
  pattern: /ACCESS_KEYS_ROTATED/,
  // Reads the YAML tree for CloudFormation and the HCL tree (loaded below) for Terraform.
  syntax: 'yaml',
  options: {
    maxDays: {
      type: 'number',
      default: 90,
      description: 'Oldest acceptable IAM access key age in days (the managed rule\'s own default, and CIS AWS Foundations: rotate access keys every 90 days or less); the quick fix sets maxAccessKeyAge to this value.',
    },
  },
  docs,
  async check({ document, options, report }) {
    const maxDays = Number(options.maxDays);
    if (document.codeLanguage === 'hcl') {
      await ensureLanguage('hcl');
      checkTerraform(document, maxDays, report);
    } else if (document.hasKind('cloudformation')) {
      checkCloudFormation(document, maxDays, report);
    }
  },
  fix({ finding, options }) {
    const days = String(Number(options.maxDays));
    return [{ title: `Set maxAccessKeyAge to ${days} days`, edits: [{ span: finding.span, newText: days }] }];
  },
});

function checkCloudFormation(document: ParsedDocument, maxDays: number, report: Say): void {
  for (const yaml of document.yaml()) {
    for (const resource of cfnResources(yaml.contents)) {
      let parameters: Node | null | undefined;
      if (resource.type === 'AWS::Config::ConfigRule') {
        const owner = scalarString(cfnPath(resource.properties, 'Source', 'Owner'));
        const identifier = scalarString(cfnPath(resource.properties, 'Source', 'SourceIdentifier'));
        if (owner !== 'AWS' || identifier !== IDENTIFIER) continue;
        parameters = cfnPath(resource.properties, 'InputParameters');
      } else if (resource.type === 'AWS::Config::OrganizationConfigRule') {
        const metadata = cfnPath(resource.properties, 'OrganizationManagedRuleMetadata');
        if (scalarString(cfnPath(metadata, 'RuleIdentifier')) !== IDENTIFIER) continue;
        parameters = cfnPath(metadata, 'InputParameters');
      } else {
        continue;
      }
      const span = nodeSpan(parameters);
      if (span) judge(document.text, span, resource.logicalId, maxDays, report);
    }
  }
}

function checkTerraform(document: ParsedDocument, maxDays: number, report: Say): void {
  for (const block of hclBlocks(document.tree('hcl'))) {
    if (block.type !== 'resource') continue;
    const type = block.labels[0];
    let identifier: unknown;
    if (type === 'aws_config_config_rule') {
      const source = hclChildBlocks(block.body, 'source')[0];
      const body = hclBodyOf(source);
      const owner = hclAttribute(body, 'owner');
      if (!owner || hclLiteral(owner.value) !== 'AWS') continue;
      const sourceIdentifier = hclAttribute(body, 'source_identifier');
      identifier = sourceIdentifier && hclLiteral(sourceIdentifier.value);
    } else if (type === 'aws_config_organization_managed_rule') {
      const ruleIdentifier = hclAttribute(block.body, 'rule_identifier');
      identifier = ruleIdentifier && hclLiteral(ruleIdentifier.value);
    } else {
      continue;
    }
    if (identifier !== IDENTIFIER) continue;
    const parameters = hclAttribute(block.body, 'input_parameters');
    if (parameters) judge(document.text, [parameters.value.startIndex, parameters.value.endIndex], `${type}.${block.labels[1] ?? ''}`, maxDays, report);
  }
}

/** Reports `maxAccessKeyAge` inside the parameters at `span` when it is a number over the limit. */
function judge(text: string, span: Span, name: string, maxDays: number, report: Say): void {
  const match = MAX_AGE.exec(text.slice(span[0], span[1]));
  if (!match) return;
  const days = Number(match[1]);
  if (days <= maxDays) return;
  const start = span[0] + match.index + match[0].length - match[1]!.length;
  report({
    span: [start, start + match[1]!.length],
    message: `${name} lets IAM access keys reach ${days} days before AWS Config reports them (maxAccessKeyAge), over the ${maxDays}-day limit: a leaked key stays valid and unflagged that long. Lower it to ${maxDays} days or less, and move the workloads that use keys to roles.`,
    construct: name,
  });
}
