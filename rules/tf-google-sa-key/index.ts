import { defineRule } from '../../server/src/engine/define-rule';
import { hclAttribute, hclBlockHolding, hclBlocks, hclHeaderSpan, hclReferrers } from '../lib/hcl';
import { gcpGithubPool, terraformName } from '../lib/trust-templates';
import docs from './docs.md';

/** Where a key's private half ends up outside state: outputs and resources that write it out. */
const SINKS = new Set(['kubernetes_secret', 'kubernetes_secret_v1', 'local_file', 'local_sensitive_file', 'google_secret_manager_secret_version', 'vault_generic_secret', 'github_actions_secret', 'gitlab_project_variable']);

export default defineRule({
  id: 'tf-google-sa-key',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ['google_service_account_key'],
  pattern: /resource[ \t]+"?google_service_account_key\b/,
  syntax: 'code',
  docs,
  check({ document, report }) {
    const blocks = hclBlocks(document.tree('hcl'));
    const sinksByKey = hclReferrers(
      blocks,
      'google_service_account_key',
      (other) => (other.type === 'output' || (other.type === 'resource' && SINKS.has(other.labels[0] ?? ''))) && other.node.text.includes('.private_key'),
    );
    for (const block of blocks) {
      if (block.type !== 'resource' || block.labels[0] !== 'google_service_account_key') continue;
      const name = `google_service_account_key.${block.labels[1] ?? ''}`;
      // With public_key_data the private key was made elsewhere and never enters state.
      const uploaded = hclAttribute(block.body, 'public_key_data') !== undefined;
      const account = /^google_service_account\.[\w-]+/.exec(hclAttribute(block.body, 'service_account_id')?.value.text ?? '')?.[0];
      const sinks = (sinksByKey.get(name) ?? []).map((other) => (other.type === 'output' ? `output '${other.labels[0] ?? ''}'` : `${other.labels[0]}.${other.labels[1] ?? ''}`));
      report({
        span: hclHeaderSpan(block),
        ...(uploaded && sinks.length === 0 ? { severity: 'warning' as const } : {}),
        message:
          `${name} creates a user-managed service account key${account ? ` for ${account}` : ''}: it is valid until deleted (by default it never expires)` +
          (uploaded ? ', and whoever generated the uploaded key pair holds its private half' : ', and its private key is stored in Terraform state') +
          (sinks.length > 0 ? `, then copied to ${sinks.join(', ')}` : '') +
          '; use Workload Identity Federation (CI, other clouds) or an attached service account instead.',
        construct: name,
      });
    }
  },
  // Deleting the key is the user's call; a fix can create the federation that replaces it.
  fix({ document, finding }) {
    const block = hclBlockHolding(document.tree('hcl'), finding.span, new Set(['resource']));
    if (!block) return [];
    // The key's own account reference, when it names a google_service_account (its `name` is the fully qualified id).
    const account = /^google_service_account\.[\w-]+/.exec(hclAttribute(block.body, 'service_account_id')?.value.text ?? '')?.[0];
    return [gcpGithubPool(terraformName(block.labels[1], 'key'), account ? `${account}.name` : undefined)];
  },
});
