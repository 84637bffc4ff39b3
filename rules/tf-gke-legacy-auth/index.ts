import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclBlocks, hclBodyOf, hclChildBlocks, hclLiteral, hclLiteralNode, type HclBlock } from '../lib/hcl';
import { removeAttribute } from '../lib/hcl-edit';
import docs from './docs.md';

/**
 * GKE clusters that hand out a static way into the Kubernetes API beside IAM: a legacy client
 * certificate (`master_auth.client_certificate_config.issue_client_certificate = true`) or basic
 * authentication (`master_auth.username` / `password`). Both are off by default since GKE 1.12,
 * and CIS GKE 6.8.1 / 6.8.2 ask for them to stay off.
 */
type Problem = 'client-certificate' | 'basic-auth';

interface LegacyAuth {
  readonly problem: Problem;
  /**
   * Where to report: the `issue_client_certificate` attribute, or the `master_auth` keyword for
   * basic auth (a literal password on its own line keeps its own secret finding).
   */
  readonly span: [number, number];
  /** What the fix changes: the `true` to turn off, or the basic-auth attributes to remove. */
  readonly targets: readonly SyntaxNode[];
}

function legacyAuthOf(block: HclBlock): LegacyAuth[] {
  const found: LegacyAuth[] = [];
  for (const masterAuth of hclChildBlocks(block.body, 'master_auth')) {
    const body = hclBodyOf(masterAuth);
    for (const config of hclChildBlocks(body, 'client_certificate_config')) {
      const issue = hclAttribute(hclBodyOf(config), 'issue_client_certificate');
      if (issue && hclLiteral(issue.value) === true) found.push({ problem: 'client-certificate', span: [issue.node.startIndex, issue.node.endIndex], targets: [hclLiteralNode(issue.value)] });
    }
    // An empty username and password is how older configurations turned basic auth off explicitly.
    const credentials = ['password', 'username'].flatMap((name) => {
      const attribute = hclAttribute(body, name);
      return attribute && hclLiteral(attribute.value) !== '' ? [attribute.node] : [];
    });
    const keyword = masterAuth.namedChild(0) ?? masterAuth;
    if (credentials.length > 0) found.push({ problem: 'basic-auth', span: [keyword.startIndex, keyword.endIndex], targets: credentials });
  }
  return found;
}

function isCluster(block: HclBlock): boolean {
  return block.type === 'resource' && block.labels[0] === 'google_container_cluster';
}

export default defineRule({
  id: 'tf-gke-legacy-auth',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['master_auth'],
  pattern: /google_container_cluster/,
  syntax: 'code',
  docs,
  check({ document, report }) {
    for (const block of hclBlocks(document.tree('hcl'))) {
      if (!isCluster(block)) continue;
      const name = `google_container_cluster.${block.labels[1] ?? ''}`;
      for (const legacy of legacyAuthOf(block)) {
        report({
          span: legacy.span,
          message:
            legacy.problem === 'client-certificate'
              ? `${name} issues a legacy client certificate for the Kubernetes API: a credential that stays valid until the cluster's credentials are rotated, that IAM can neither revoke nor attribute to a person, and that Terraform keeps in state; set issue_client_certificate = false and sign in with IAM (gcloud and the GKE auth plugin mint short-lived tokens).`
              : `${name} turns on basic authentication for the Kubernetes API: a static username and password (kept in state) that never expire and bypass IAM; GKE removed it in 1.19, so remove username and password and sign in with IAM.`,
          construct: `${name}:${legacy.problem}`,
          data: { problem: legacy.problem },
        });
      }
    }
  },
  fix({ document, finding }) {
    const text = document.text;
    const block = hclBlocks(document.tree('hcl')).find((candidate) => isCluster(candidate) && candidate.node.startIndex <= finding.span[0] && finding.span[1] <= candidate.node.endIndex);
    const legacy = block && legacyAuthOf(block).find((candidate) => candidate.span[0] === finding.span[0]);
    if (!legacy) return [];
    if (legacy.problem === 'client-certificate') {
      return [{ title: 'Set issue_client_certificate = false', edits: [{ span: [legacy.targets[0]!.startIndex, legacy.targets[0]!.endIndex], newText: 'false' }] }];
    }
    const edits: TextEdit[] = [];
    for (const target of legacy.targets) {
      const edit = removeAttribute(text, target);
      if (!edit) return [];
      edits.push(edit);
    }
    return [{ title: 'Remove the basic-auth username and password', edits }];
  },
});
