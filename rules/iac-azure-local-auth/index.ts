import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Report, Severity, Span } from '../../server/src/engine/types';
import { bicepResources } from '../lib/bicep';
import { hclAttribute, hclBlockHolding, hclBlocks, hclHeaderSpan, hclLiteral, type HclBlock } from '../lib/hcl';
import { insertAtBodyEnd } from '../lib/hcl-edit';
import docs from './docs.md';

/**
 * Azure services that accept Microsoft Entra ID and, beside it, their own static keys or local
 * accounts: a second way in that skips Entra ID's conditional access, sign-in logs and token
 * lifetimes. Each entry: the switch in Terraform (azurerm) and in ARM templates and Bicep
 * (`properties.<property>`), the value of each that turns the static path off, whether the service
 * leaves it on when the switch is absent, and what the static path hands out.
 */
interface LocalAuthSwitch {
  readonly attribute: string;
  readonly safe: boolean;
  readonly armType: string;
  readonly property: string;
  readonly propertySafe: boolean;
  readonly onByDefault: boolean;
  readonly credential: string;
  /** Storage accounts keep shared keys unless told otherwise, and most still need them: a note, not a warning. */
  readonly severity?: Severity;
  /** Entra ID data-plane access exists only for some kinds of the resource (its `kind`, absent meaning the default kind). */
  readonly kinds?: { readonly attribute: string; readonly accepted: string; readonly whenAbsent: boolean };
}

const SWITCHES: Readonly<Record<string, LocalAuthSwitch>> = {
  azurerm_container_registry: {
    attribute: 'admin_enabled', safe: false, armType: 'Microsoft.ContainerRegistry/registries', property: 'adminUserEnabled', propertySafe: false,
    onByDefault: false, credential: 'an admin user name and two passwords with push and pull rights on the whole registry',
  },
  azurerm_kubernetes_cluster: {
    attribute: 'local_account_disabled', safe: true, armType: 'Microsoft.ContainerService/managedClusters', property: 'disableLocalAccounts', propertySafe: true,
    onByDefault: true, credential: 'a local cluster-admin kubeconfig (a client certificate) that Entra ID and Kubernetes RBAC through Entra groups never see',
  },
  azurerm_cosmosdb_account: {
    attribute: 'local_authentication_disabled', safe: true, armType: 'Microsoft.DocumentDB/databaseAccounts', property: 'disableLocalAuth', propertySafe: true,
    onByDefault: true, credential: 'primary and secondary account keys with full data access',
    // Entra ID data-plane access exists for the NoSQL API (GlobalDocumentDB) only.
    kinds: { attribute: 'kind', accepted: 'GlobalDocumentDB', whenAbsent: true },
  },
  azurerm_app_configuration: {
    attribute: 'local_auth_enabled', safe: false, armType: 'Microsoft.AppConfiguration/configurationStores', property: 'disableLocalAuth', propertySafe: true,
    onByDefault: true, credential: 'access keys (connection strings) that read, and with the read-write pair change, every setting',
  },
  azurerm_servicebus_namespace: {
    attribute: 'local_auth_enabled', safe: false, armType: 'Microsoft.ServiceBus/namespaces', property: 'disableLocalAuth', propertySafe: true,
    onByDefault: true, credential: 'shared access signature keys that sign tokens for any queue and topic',
  },
  azurerm_eventhub_namespace: {
    attribute: 'local_authentication_enabled', safe: false, armType: 'Microsoft.EventHub/namespaces', property: 'disableLocalAuth', propertySafe: true,
    onByDefault: true, credential: 'shared access signature keys that sign tokens for any event hub',
  },
  azurerm_cognitive_account: {
    attribute: 'local_auth_enabled', safe: false, armType: 'Microsoft.CognitiveServices/accounts', property: 'disableLocalAuth', propertySafe: true,
    onByDefault: true, credential: 'two API keys that call the service as the account',
  },
  azurerm_search_service: {
    attribute: 'local_authentication_enabled', safe: false, armType: 'Microsoft.Search/searchServices', property: 'disableLocalAuth', propertySafe: true,
    onByDefault: true, credential: 'admin API keys with full control of the indexes',
  },
  azurerm_storage_account: {
    attribute: 'shared_access_key_enabled', safe: false, armType: 'Microsoft.Storage/storageAccounts', property: 'allowSharedKeyAccess', propertySafe: false,
    onByDefault: true, credential: 'two account keys with full access to every blob, file, queue and table, and the SAS tokens signed with them',
    severity: 'info',
  },
};

const BY_ARM_TYPE = new Map(Object.values(SWITCHES).map((setting) => [setting.armType.toLowerCase(), setting]));

type Say = (report: Report) => void;

/** Where a switch is (or where its resource is, when the switch is absent) and what it is set to. */
interface Reading {
  readonly name: string;
  readonly setting: LocalAuthSwitch;
  /** The switch's name and its safe value in this file's language. */
  readonly key: string;
  readonly safe: boolean;
  /** The literal value, or undefined when the switch is absent. */
  readonly value: boolean | undefined;
  readonly span: Span;
  /** The value's span, for a fix that flips it. */
  readonly valueSpan?: Span;
}

export default defineRule({
  id: 'iac-azure-local-auth',
  // Its first name, when it read Terraform only.
  aliases: ['tf-azure-local-auth'],
  category: 'fallback',
  defaultSeverity: 'warning',
  // Terraform, ARM JSON templates and Bicep files (which have no file kind of their own, only `text`).
  fileKinds: ['terraform', 'json', 'text'],
  keywords: [...Object.keys(SWITCHES), ...Object.values(SWITCHES).map((setting) => setting.armType.toLowerCase())],
  secondaryKeywords: ['deploymenttemplate'],
  // Reads the HCL tree (loaded below) for Terraform, the YAML parser's tree for ARM JSON.
  syntax: 'yaml',
  docs,
  async check({ document, report }) {
    if (document.path.toLowerCase().endsWith('.bicep')) {
      checkBicep(document.text, report);
    } else if (document.codeLanguage === 'hcl') {
      await ensureLanguage('hcl');
      checkTerraform(document, report);
    } else if (document.hasKind('json') && document.containsKeyword('deploymenttemplate')) {
      checkArm(document, report);
    }
  },
  fix({ document, finding }) {
    const flip = finding.data as { start: number; end: number; newText: string; key: string } | undefined;
    if (flip) return [{ title: `Set ${flip.key} to ${flip.newText} (Entra ID only)`, edits: [{ span: [flip.start, flip.end], newText: flip.newText }] }];
    // A Terraform resource without the attribute: it is added at the end of the block.
    if (document.codeLanguage !== 'hcl') return [];
    const block = hclBlockHolding(document.tree('hcl'), finding.span, new Set(['resource']));
    const setting = block ? SWITCHES[block.labels[0] ?? ''] : undefined;
    if (!block || !setting || hclAttribute(block.body, setting.attribute)) return [];
    const edit = insertAtBodyEnd(document.text, block.node, [`${setting.attribute} = ${String(setting.safe)}`]);
    return edit ? [{ title: `Set ${setting.attribute} = ${String(setting.safe)} (Entra ID only)`, edits: [edit] }] : [];
  },
});

function judge(reading: Reading, report: Say, fixable: boolean): void {
  const { name, setting, key, safe, value } = reading;
  // Off by default and not turned on, or turned off.
  if (value === undefined ? !setting.onByDefault : value === safe) return;
  const how = value === undefined ? `${key} is not set, and the service leaves local authentication on` : `${key} = ${String(value)}`;
  report({
    span: reading.span,
    ...(setting.severity ? { severity: setting.severity } : {}),
    message: `${name} keeps a static way in beside Microsoft Entra ID (${how}): ${setting.credential}, which never expire until rotated and skip Entra ID's conditional access and sign-in logs; set ${key} = ${String(safe)} and give workloads a managed identity or workload identity federation.`,
    construct: name,
    fixable,
    ...(reading.valueSpan ? { data: { start: reading.valueSpan[0], end: reading.valueSpan[1], newText: String(safe), key } } : {}),
  });
}

function checkTerraform(document: ParsedDocument, report: Say): void {
  for (const block of hclBlocks(document.tree('hcl'))) {
    const type = block.labels[0] ?? '';
    const setting = block.type === 'resource' ? SWITCHES[type] : undefined;
    if (!setting || !terraformKindApplies(block, setting)) continue;
    const attribute = hclAttribute(block.body, setting.attribute);
    const value = attribute ? hclLiteral(attribute.value) : undefined;
    // A variable or an expression is the module user's choice, judged where it is set.
    if (attribute && typeof value !== 'boolean') continue;
    const reading = {
      name: `${type}.${block.labels[1] ?? ''}`,
      setting,
      key: setting.attribute,
      safe: setting.safe,
      value: value as boolean | undefined,
      span: attribute ? ([attribute.node.startIndex, attribute.node.endIndex] as Span) : hclHeaderSpan(block),
      ...(attribute ? { valueSpan: [attribute.value.startIndex, attribute.value.endIndex] as Span } : {}),
    };
    judge(reading, report, true);
  }
}

function terraformKindApplies(block: HclBlock, setting: LocalAuthSwitch): boolean {
  if (!setting.kinds) return true;
  const kind = hclAttribute(block.body, setting.kinds.attribute);
  return kind ? hclLiteral(kind.value) === setting.kinds.accepted : setting.kinds.whenAbsent;
}

/** Resources of an ARM template at any depth (nested `resources`, nested deployments' templates). */
function checkArm(document: ParsedDocument, report: Say): void {
  let budget = 50_000;
  const visit = (node: unknown, depth: number) => {
    if (--budget < 0 || depth > 64) return;
    if (isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
      return;
    }
    if (!isMap(node)) return;
    const entries = mapEntries(node);
    const fields = new Map(entries.map(({ key, pair }) => [key, pair] as const));
    const typeNode = fields.get('type')?.value as Node | undefined;
    const setting = BY_ARM_TYPE.get((scalarString(typeNode) ?? '').toLowerCase());
    if (setting && typeNode && fields.has('apiVersion') && scalarString(fields.get('existing')?.value) !== 'true') {
      const kind = scalarString(fields.get(setting.kinds?.attribute ?? '')?.value);
      const applies = !setting.kinds || (kind === undefined ? setting.kinds.whenAbsent : kind === setting.kinds.accepted);
      if (applies) judgeArmResource(setting, fields.get('name')?.value, typeNode, fields.get('properties'), report);
    }
    for (const { pair } of entries) visit(pair.value, depth + 1);
  };
  for (const yaml of document.yaml()) visit(yaml.contents, 0);
}

function judgeArmResource(setting: LocalAuthSwitch, nameNode: unknown, typeNode: Node, propertiesPair: { key: unknown; value: unknown } | undefined, report: Say): void {
  const written = scalarString(nameNode);
  const name = written && !written.startsWith('[') ? `${setting.armType} '${written}'` : setting.armType;
  const properties = propertiesPair?.value;
  // `[variables('props')]` or another expression: not ours to evaluate.
  if (propertiesPair && !isMap(properties)) return;
  const pair = isMap(properties) ? mapEntries(properties).find((entry) => entry.key === setting.property)?.pair : undefined;
  const base = { name, setting, key: setting.property, safe: setting.propertySafe };
  if (!pair) {
    const span = nodeSpan((propertiesPair?.key as Node | undefined) ?? typeNode);
    if (span) judge({ ...base, value: undefined, span }, report, false);
    return;
  }
  const value = pair.value;
  const span = nodeSpan(value as Node);
  // A parameter (`[parameters('adminUserEnabled')]`) is judged where it is set.
  if (!isScalar(value) || typeof value.value !== 'boolean' || !span) return;
  judge({ ...base, value: value.value, span, valueSpan: span }, report, true);
}

function checkBicep(text: string, report: Say): void {
  for (const resource of bicepResources(text)) {
    const setting = BY_ARM_TYPE.get(resource.type.toLowerCase());
    if (!setting || resource.existing) continue;
    if (setting.kinds) {
      const kind = resource.body.entries.get(setting.kinds.attribute);
      const literal = kind ? bicepLiteral(text, kind.valueStart, kind.valueEnd) : undefined;
      if (kind ? literal !== `'${setting.kinds.accepted}'` : !setting.kinds.whenAbsent) continue;
    }
    const written = resource.body.entries.get('name');
    const writtenName = written ? bicepLiteral(text, written.valueStart, written.valueEnd) : '';
    // A plain string names the resource; anything computed leaves the symbol.
    const name = `${setting.armType} '${/^'[^'$]*'$/.test(writtenName) ? writtenName.slice(1, -1) : resource.symbol}'`;
    const base = { name, setting, key: setting.property, safe: setting.propertySafe };
    const properties = resource.body.entries.get('properties');
    const entry = properties?.object?.entries.get(setting.property);
    if (!entry) {
      // An object that spreads another (`...defaults`), or properties built by an expression, may set it.
      if (properties ? !properties.object || properties.object.spread : resource.body.spread) continue;
      const span: Span = properties ? [properties.keyStart, properties.keyEnd] : [resource.declStart, resource.declEnd];
      judge({ ...base, value: undefined, span }, report, false);
      continue;
    }
    const literal = bicepLiteral(text, entry.valueStart, entry.valueEnd);
    if (literal !== 'true' && literal !== 'false') continue;
    const span: Span = [entry.valueStart, entry.valueStart + literal.length];
    judge({ ...base, value: literal === 'true', span, valueSpan: span }, report, true);
  }
}

/** A value's text without surrounding space, for literals (`true`, `'GlobalDocumentDB'`). */
function bicepLiteral(text: string, start: number, end: number): string {
  return text.slice(start, end).trim();
}
