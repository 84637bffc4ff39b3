import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Report, RuleOptions } from '../../server/src/engine/types';
import { bicepResources, type BicepEntry } from '../lib/bicep';
import { hclAttribute, hclBlocks, hclChildBlocks, hclExpiry, hclHeaderSpan } from '../lib/hcl';
import docs from './docs.md';

/**
 * Azure Key Vault secrets and keys created without an expiry, or with one further away than the
 * limit: Terraform `azurerm_key_vault_secret` / `azurerm_key_vault_key` (`expiration_date`), ARM
 * JSON templates and Bicep files (`Microsoft.KeyVault/vaults/secrets` and `/keys`, also as child
 * resources of a vault, with `properties.attributes.exp`).
 */
const DAY = 86400;
const TF_RESOURCES: Readonly<Record<string, Kind>> = { azurerm_key_vault_secret: 'secret', azurerm_key_vault_key: 'key' };
const ARM_TYPES: Readonly<Record<string, Kind>> = { 'microsoft.keyvault/vaults/secrets': 'secret', 'microsoft.keyvault/vaults/keys': 'key' };

type Kind = 'secret' | 'key';
type Say = (report: Report) => void;

const limitOf = (kind: Kind, options: RuleOptions) => Number(kind === 'secret' ? options.maxSecretDays : options.maxKeyDays);
const noun = (kind: Kind) => (kind === 'secret' ? 'secret' : 'key');

export default defineRule({
  id: 'iac-keyvault-secret-expiry',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  // Terraform, ARM JSON templates (their `$schema` names a deployment template) and Bicep files,
  // which have no file kind of their own (only `text`) and are recognised by extension below.
  fileKinds: ['terraform', 'json', 'text'],
  keywords: ['azurerm_key_vault_secret', 'azurerm_key_vault_key', 'microsoft.keyvault/vaults'],
  secondaryKeywords: ['deploymenttemplate'],
  pattern: /resource[ \t]+"?azurerm_key_vault_(?:secret|key)\b|Microsoft\.KeyVault\/vaults/i,
  // Reads the HCL tree (loaded below) for Terraform, the YAML parser's tree for ARM JSON.
  syntax: 'yaml',
  options: {
    maxSecretDays: {
      type: 'number',
      default: 60,
      description: 'Longest acceptable lifetime of a Key Vault secret in days (Microsoft recommends rotating secrets at least every 60 days).',
    },
    maxKeyDays: {
      type: 'number',
      default: 730,
      description: 'Longest acceptable lifetime of a Key Vault key in days (Microsoft recommends rotating encryption keys at least every two years).',
    },
  },
  docs,
  async check({ document, options, report }) {
    if (document.path.toLowerCase().endsWith('.bicep')) {
      checkBicep(document.text, options, report);
      return;
    }
    if (document.codeLanguage === 'hcl') {
      // Only a resource block is reported: mentions elsewhere (outputs, comments) do not pay for a parse.
      if (!TF_RESOURCE_HEADER.test(document.text)) return;
      await ensureLanguage('hcl');
      checkTerraform(document, options, report);
      return;
    }
    if (document.hasKind('json') && document.containsKeyword('deploymenttemplate')) checkArm(document, options, report);
  },
  fix({ finding, options }) {
    const start = finding.data?.start as number | undefined;
    const end = finding.data?.end as number | undefined;
    const kind = finding.data?.kind as Kind | undefined;
    if (start === undefined || end === undefined || !kind) return [];
    const hours = `${limitOf(kind, options) * 24}h`;
    return [{ title: `Shorten the ${noun(kind)}'s lifetime to ${hours}`, edits: [{ span: [start, end], newText: hours }] }];
  },
});

const TF_RESOURCE_HEADER = /resource[ \t]+"?azurerm_key_vault_(?:secret|key)\b/;

function checkTerraform(document: ParsedDocument, options: RuleOptions, report: Say): void {
  for (const block of hclBlocks(document.tree('hcl'))) {
    const kind = block.type === 'resource' ? TF_RESOURCES[block.labels[0] ?? ''] : undefined;
    if (!kind) continue;
    const name = `${block.labels[0]}.${block.labels[1] ?? ''}`;
    const maxDays = limitOf(kind, options);
    const expiration = hclAttribute(block.body, 'expiration_date');
    if (!expiration) {
      const rotation = kind === 'key' && hclChildBlocks(block.body, 'rotation_policy').length > 0;
      report({
        span: hclHeaderSpan(block),
        message:
          `${name} has no expiration_date, so the ${noun(kind)} never expires: whoever copies it can use it for as long as it exists. ` +
          (rotation ? "Its rotation_policy's expire_after applies only to versions created by rotation, not to this one. " : '') +
          `Set an expiration date at most ${maxDays} days ahead, derived from a time_rotating resource so it moves with each rotation.`,
        construct: `${name}:no-expiration`,
        fixable: false,
      });
      continue;
    }
    const expiry = hclExpiry(expiration.value);
    if (expiry && 'date' in expiry) {
      if (expiry.days > maxDays) {
        report({
          span: [expiration.node.startIndex, expiration.node.endIndex],
          message: `${name} expires on ${expiry.date.slice(0, 10)}, ${Math.round(expiry.days)} days from now and over the ${maxDays}-day limit; a fixed far date is never moved, so the ${noun(kind)} is not rotated. Derive the date from a time_rotating resource instead.`,
          construct: `${name}:expiration_date`,
          fixable: false,
        });
      }
      continue;
    }
    // expiration_date = timeadd(<start>, "<duration>")
    if (expiry && 'seconds' in expiry && expiry.seconds > maxDays * DAY) {
      const { duration, seconds } = expiry;
      report({
        span: [expiration.node.startIndex, expiration.node.endIndex],
        message: `${name} keeps the ${noun(kind)} for ${Math.round(seconds / DAY)} days (timeadd of "${duration.value}"), over the ${maxDays}-day limit; a leaked ${noun(kind)} stays usable that long.`,
        construct: `${name}:expiration_date`,
        data: { start: duration.start, end: duration.end, kind },
      });
    }
  }
}

/** Where `properties.attributes.exp` stops: the missing step's parent, or the value to judge. */
interface Expiry {
  readonly missing?: 'properties' | 'attributes' | 'exp';
  /** What to point at: the deepest part of the path that exists. */
  readonly span: readonly [number, number];
  /** `exp` as a literal Unix time (seconds). */
  readonly exp?: number;
}

function judge(name: string, kind: Kind, expiry: Expiry | undefined, maxDays: number, report: Say, where: string): void {
  if (!expiry) return;
  if (expiry.missing) {
    const path = expiry.missing === 'properties' ? 'no properties' : expiry.missing === 'attributes' ? 'no properties.attributes' : 'no attributes.exp';
    report({
      span: expiry.span,
      message: `${where} ${kind} '${name}' has ${path}, so it never expires: whoever copies it can use it for as long as it exists. Set attributes.exp (Unix time) at most ${maxDays} days ahead, and rotate it.`,
      construct: `${name}:no-exp`,
      fixable: false,
    });
    return;
  }
  if (expiry.exp === undefined) return;
  const days = (expiry.exp * 1000 - Date.now()) / (DAY * 1000);
  if (days > maxDays) {
    report({
      span: expiry.span,
      message: `${where} ${kind} '${name}' expires on ${new Date(expiry.exp * 1000).toISOString().slice(0, 10)}, ${Math.round(days)} days from now and over the ${maxDays}-day limit; a fixed far date is never moved, so the ${kind} is not rotated.`,
      construct: `${name}:exp`,
      fixable: false,
    });
  }
}

function checkArm(document: ParsedDocument, options: RuleOptions, report: Say): void {
  let budget = 50_000;
  const visit = (node: unknown, parentType: string | undefined, depth: number) => {
    if (--budget < 0 || depth > 64) return;
    if (isSeq(node)) {
      for (const item of node.items) visit(item, parentType, depth + 1);
      return;
    }
    if (!isMap(node)) return;
    const fields = new Map(mapEntries(node).map(({ key, pair }) => [key, pair] as const));
    const typeNode = fields.get('type')?.value;
    const typeText = scalarString(typeNode);
    const isResource = typeText !== undefined && fields.has('apiVersion') && (fields.has('name') || fields.has('properties'));
    let ownType = parentType;
    if (isResource) {
      ownType = typeText.includes('/') || !parentType ? typeText : `${parentType}/${typeText}`;
      const kind = ARM_TYPES[ownType.toLowerCase()];
      const existing = scalarString(fields.get('existing')?.value) === 'true';
      if (kind && !existing) {
        const name = armName(scalarString(fields.get('name')?.value), ownType);
        judge(name, kind, armExpiry(typeNode as Node, fields.get('properties')?.value, fields.get('properties')?.key as Node | undefined), limitOf(kind, options), report, 'ARM template');
      }
    }
    for (const [key, pair] of fields) {
      // A resource's own properties hold no resources; its `resources` (and a nested deployment's template) may.
      if (isResource && key === 'properties' && !isMap(pair.value)) continue;
      visit(pair.value, ownType, depth + 1);
    }
  };
  for (const yaml of document.yaml()) visit(yaml.contents, undefined, 0);
}

/** A readable name: `vault/secret` as written, or the last literal in a `[format(...)]` expression (`'db-password'`). */
function armName(name: string | undefined, type: string): string {
  if (name === undefined) return type;
  if (!name.startsWith('[')) return name;
  const close = name.lastIndexOf("'");
  const open = close > 0 ? name.lastIndexOf("'", close - 1) : -1;
  return open !== -1 && close - open > 1 ? name.slice(open + 1, close) : type;
}

function armExpiry(typeNode: Node, properties: unknown, propertiesKey: Node | undefined): Expiry | undefined {
  if (properties === undefined || properties === null) return spanned({ missing: 'properties' }, nodeSpan(typeNode));
  if (!isMap(properties)) return undefined; // a `[variables('x')]` expression: not ours to evaluate
  const attributes = mapEntries(properties).find((entry) => entry.key === 'attributes')?.pair;
  if (!attributes) return spanned({ missing: 'attributes' }, nodeSpan(propertiesKey));
  if (!isMap(attributes.value)) return undefined;
  const exp = mapEntries(attributes.value).find((entry) => entry.key === 'exp')?.pair;
  if (!exp) return spanned({ missing: 'exp' }, nodeSpan(attributes.key as Node));
  const value = exp.value;
  if (isScalar(value) && typeof value.value === 'number') return spanned({ exp: value.value }, nodeSpan(value));
  return undefined;
}

function spanned(expiry: Omit<Expiry, 'span'>, span: readonly [number, number] | undefined): Expiry | undefined {
  return span ? { ...expiry, span } : undefined;
}

function checkBicep(text: string, options: RuleOptions, report: Say): void {
  for (const resource of bicepResources(text)) {
    const kind = ARM_TYPES[resource.type.toLowerCase()];
    if (!kind || resource.existing) continue;
    const name = resource.symbol;
    const maxDays = limitOf(kind, options);
    const keySpan = (entry: BicepEntry): [number, number] => [entry.keyStart, entry.keyEnd];
    const properties = resource.body.entries.get('properties');
    let expiry: Expiry | undefined;
    // An object that spreads another (`...defaults`) may get the missing key from it: not reported.
    if (!properties) {
      if (!resource.body.spread) expiry = { missing: 'properties', span: [resource.declStart, resource.declEnd] };
    } else if (properties.object) {
      const attributes = properties.object.entries.get('attributes');
      if (!attributes) {
        if (!properties.object.spread) expiry = { missing: 'attributes', span: keySpan(properties) };
      } else if (attributes.object) {
        const exp = attributes.object.entries.get('exp');
        if (exp?.number !== undefined) expiry = { exp: exp.number, span: [exp.valueStart, exp.valueEnd] };
        else if (!exp && !attributes.object.spread) expiry = { missing: 'exp', span: keySpan(attributes) };
      }
    }
    judge(name, kind, expiry, maxDays, report, 'Bicep');
  }
}
