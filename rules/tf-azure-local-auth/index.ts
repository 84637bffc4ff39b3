import { defineRule } from '../../server/src/engine/define-rule';
import type { Severity } from '../../server/src/engine/types';
import { hclAttribute, hclBlockHolding, hclBlocks, hclHeaderSpan, hclLiteral, type HclBlock } from '../lib/hcl';
import { insertAtBodyEnd } from '../lib/hcl-edit';
import docs from './docs.md';

/**
 * Azure services that accept Microsoft Entra ID and, beside it, their own static keys or local
 * accounts: a second way in that skips Entra ID's conditional access, sign-in logs and token
 * lifetimes. Each entry: the switch, the value that turns the static path off, whether the
 * provider leaves it on when the switch is absent, and what the static path hands out.
 */
interface LocalAuthSwitch {
  readonly attribute: string;
  readonly safe: boolean;
  readonly onByDefault: boolean;
  readonly credential: string;
  /** Storage accounts keep shared keys unless told otherwise, and most still need them: a note, not a warning. */
  readonly severity?: Severity;
  /** Some kinds of the resource cannot use Entra ID for data access at all. */
  readonly applies?: (block: HclBlock) => boolean;
}

const SWITCHES: Readonly<Record<string, LocalAuthSwitch>> = {
  azurerm_container_registry: { attribute: 'admin_enabled', safe: false, onByDefault: false, credential: 'an admin user name and two passwords with push and pull rights on the whole registry' },
  azurerm_kubernetes_cluster: { attribute: 'local_account_disabled', safe: true, onByDefault: true, credential: 'a local cluster-admin kubeconfig (a client certificate) that Entra ID and Kubernetes RBAC through Entra groups never see' },
  azurerm_cosmosdb_account: {
    attribute: 'local_authentication_disabled',
    safe: true,
    onByDefault: true,
    credential: 'primary and secondary account keys with full data access',
    // Entra ID data-plane access exists for the NoSQL API (GlobalDocumentDB) only.
    applies: (block) => {
      const kind = hclAttribute(block.body, 'kind');
      return !kind || hclLiteral(kind.value) === 'GlobalDocumentDB';
    },
  },
  azurerm_app_configuration: { attribute: 'local_auth_enabled', safe: false, onByDefault: true, credential: 'access keys (connection strings) that read, and with the read-write pair change, every setting' },
  azurerm_servicebus_namespace: { attribute: 'local_auth_enabled', safe: false, onByDefault: true, credential: 'shared access signature keys that sign tokens for any queue and topic' },
  azurerm_eventhub_namespace: { attribute: 'local_authentication_enabled', safe: false, onByDefault: true, credential: 'shared access signature keys that sign tokens for any event hub' },
  azurerm_cognitive_account: { attribute: 'local_auth_enabled', safe: false, onByDefault: true, credential: 'two API keys that call the service as the account' },
  azurerm_search_service: { attribute: 'local_authentication_enabled', safe: false, onByDefault: true, credential: 'admin API keys with full control of the indexes' },
  azurerm_storage_account: {
    attribute: 'shared_access_key_enabled',
    safe: false,
    onByDefault: true,
    credential: 'two account keys with full access to every blob, file, queue and table, and the SAS tokens signed with them',
    severity: 'info',
  },
};

export default defineRule({
  id: 'tf-azure-local-auth',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: Object.keys(SWITCHES),
  syntax: 'code',
  docs,
  check({ document, report }) {
    for (const block of hclBlocks(document.tree('hcl'))) {
      const type = block.labels[0] ?? '';
      const setting = block.type === 'resource' ? SWITCHES[type] : undefined;
      if (!setting || (setting.applies && !setting.applies(block))) continue;
      const attribute = hclAttribute(block.body, setting.attribute);
      const value = attribute ? hclLiteral(attribute.value) : undefined;
      // A variable or an expression is the module user's choice, judged where it is set.
      if (attribute ? value !== !setting.safe : !setting.onByDefault) continue;
      const name = `${type}.${block.labels[1] ?? ''}`;
      const how = attribute ? `${setting.attribute} = ${String(value)}` : `${setting.attribute} is not set, and the provider leaves local authentication on`;
      report({
        span: attribute ? [attribute.node.startIndex, attribute.node.endIndex] : hclHeaderSpan(block),
        ...(setting.severity ? { severity: setting.severity } : {}),
        message: `${name} keeps a static way in beside Microsoft Entra ID (${how}): ${setting.credential}, which never expire until rotated and skip Entra ID's conditional access and sign-in logs; set ${setting.attribute} = ${String(setting.safe)} and give workloads a managed identity or workload identity federation.`,
        construct: name,
      });
    }
  },
  fix({ document, finding }) {
    const block = hclBlockHolding(document.tree('hcl'), finding.span, new Set(['resource']));
    const setting = block ? SWITCHES[block.labels[0] ?? ''] : undefined;
    if (!block || !setting) return [];
    const title = `Set ${setting.attribute} = ${String(setting.safe)} (Entra ID only)`;
    const attribute = hclAttribute(block.body, setting.attribute);
    if (attribute) {
      const value = attribute.value;
      return [{ title, edits: [{ span: [value.startIndex, value.endIndex], newText: String(setting.safe) }] }];
    }
    const edit = insertAtBodyEnd(document.text, block.node, [`${setting.attribute} = ${String(setting.safe)}`]);
    return edit ? [{ title, edits: [edit] }] : [];
  },
});
