import type { Pair, Node, YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { isMap, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { ensureLanguage, type SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix, Report } from '../../server/src/engine/types';
import { hclAttribute, hclBlockHolding, hclBlocks, hclBodyOf, hclChildBlocks, hclHeaderSpan, hclLiteral, type HclBlock } from '../lib/hcl';
import { insertAtBodyEnd } from '../lib/hcl-edit';
import { appendToBlockMap, isTemplated } from '../lib/k8s-yaml';
import docs from './docs.md';

const FIELD = 'automountServiceAccountToken';
/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

type Data = { docIndex: number; path: readonly string[] };

export default defineRule({
  id: 'k8s-automount-sa-token',
  category: 'long-lived-credential',
  defaultSeverity: 'info',
  fileKinds: ['kubernetes', 'terraform'],
  keywords: ['containers', 'serviceaccount', 'kubernetes_'],
  // Reads the YAML tree for manifests and the HCL tree (loaded below) for the Terraform kubernetes provider.
  syntax: 'yaml',
  docs,
  async check({ document, report }) {
    if (document.codeLanguage === 'hcl') {
      await ensureLanguage('hcl');
      checkTerraform(document, report);
      return;
    }
    const docs = document.yaml();
    // Service accounts defined in this file: their own setting decides for pods that use them.
    const accounts = new Set<string>();
    for (const yaml of docs) {
      if (scalarString(valueOf(yaml.contents, 'kind')) !== 'ServiceAccount') continue;
      const metadata = valueOf(yaml.contents, 'metadata');
      accounts.add(`${scalarString(valueOf(metadata, 'namespace')) ?? ''}/${scalarString(valueOf(metadata, 'name')) ?? ''}`);
    }
    for (const [docIndex, yaml] of docs.entries()) {
      const root = yaml.contents;
      const kind = scalarString(valueOf(root, 'kind'));
      if (!kind || !isMap(root)) continue;
      const metadata = valueOf(root, 'metadata');
      const nameNode = valueOf(metadata, 'name');
      // A Helm-templated name is blanked in the parse; name it by what it is instead.
      const name = isTemplated(document.text, nameNode) ? '(templated name)' : (scalarString(nameNode) ?? '(unnamed)');
      const namespace = scalarString(valueOf(metadata, 'namespace')) ?? '';
      if (kind === 'ServiceAccount') {
        const kindPair = pairOf(root, 'kind');
        if (pairOf(root, FIELD) || !kindPair) continue;
        report({
          span: pairSpan(kindPair)!,
          message: `ServiceAccount '${name}' lets every pod that uses it mount an API token automatically; if those workloads do not call the Kubernetes API, set ${FIELD}: false here and mount a projected token only where one is needed.`,
          construct: `ServiceAccount/${namespace}/${name}`,
          data: { docIndex, path: [] } satisfies Data,
          fixable: !root.flow && !isTemplated(document.text, root),
        });
        continue;
      }
      const path = POD_SPEC_PATHS[kind];
      if (!path) continue;
      const found = podSpec(root, path);
      if (!found || pairOf(found.spec, FIELD)) continue;
      const account = scalarString(valueOf(found.spec, 'serviceAccountName')) ?? scalarString(valueOf(found.spec, 'serviceAccount')) ?? 'default';
      if (accounts.has(`${namespace}/${account}`)) continue;
      const span = pairSpan(found.pair);
      if (!span) continue;
      report({
        span,
        message: `${kind} '${name}' gets the API token of service account '${account}' mounted in every container; if it does not call the Kubernetes API, set ${FIELD}: false in its pod spec (or on the ServiceAccount) so a compromised container has no token to use.`,
        construct: `${kind}/${namespace}/${name}`,
        data: { docIndex, path } satisfies Data,
        fixable: !found.spec.flow && !isTemplated(document.text, found.spec),
      });
    }
  },
  fix({ document, finding }) {
    if (document.codeLanguage === 'hcl') return terraformFix(document, finding.span);
    const { docIndex, path } = (finding.data ?? {}) as Partial<Data>;
    const root = document.yaml()[docIndex ?? -1]?.contents;
    if (!isMap(root) || !path) return [];
    const target = path.length === 0 ? root : podSpec(root, path)?.spec;
    if (!target || pairOf(target, FIELD)) return [];
    const edit = appendToBlockMap(document.text, target as YAMLMap<unknown, unknown>, [`${FIELD}: false`]);
    if (!edit) return [];
    return [
      {
        title: path.length === 0 ? `Set ${FIELD}: false on this ServiceAccount` : `Set ${FIELD}: false in this pod spec`,
        edits: [edit],
      },
    ];
  },
});

/** The pod spec map at `path` under a manifest's root, with the pair that holds it. */
function podSpec(root: unknown, path: readonly string[]): { spec: YAMLMap<unknown, unknown>; pair: Pair<Node, Node | null> } | undefined {
  let map: unknown = root;
  let pair: Pair<Node, Node | null> | undefined;
  for (const key of path) {
    pair = pairOf(map, key);
    map = pair?.value;
    if (!isMap(map)) return undefined;
  }
  return pair && isMap(map) ? { spec: map as YAMLMap<unknown, unknown>, pair } : undefined;
}

// --- Terraform kubernetes provider ----------------------------------------------------------

const TF_FIELD = 'automount_service_account_token';
/** Where each kubernetes provider resource keeps its pod spec (the provider mounts the token unless told not to). */
const TF_POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  kubernetes_pod: ['spec'],
  kubernetes_deployment: ['spec', 'template', 'spec'],
  kubernetes_stateful_set: ['spec', 'template', 'spec'],
  kubernetes_daemonset: ['spec', 'template', 'spec'],
  kubernetes_daemon_set: ['spec', 'template', 'spec'],
  kubernetes_replication_controller: ['spec', 'template', 'spec'],
  kubernetes_job: ['spec', 'template', 'spec'],
  kubernetes_cron_job: ['spec', 'job_template', 'spec', 'template', 'spec'],
};
const TF_SERVICE_ACCOUNTS = new Set(['kubernetes_service_account', 'kubernetes_service_account_v1']);

/** A provider resource type without its `_v1` suffix (both spell the same schema). */
const unversioned = (type: string) => type.replace(/_v1$/, '');

function checkTerraform(document: ParsedDocument, report: (report: Report) => void): void {
  const blocks = hclBlocks(document.tree('hcl')).filter((block) => block.type === 'resource');
  const metadataOf = (body: SyntaxNode | undefined) => {
    const metadata = hclBodyOf(hclChildBlocks(body, 'metadata')[0]);
    const literal = (name: string) => {
      const attribute = hclAttribute(metadata, name);
      const value = attribute ? hclLiteral(attribute.value) : undefined;
      return typeof value === 'string' ? value : undefined;
    };
    return { name: literal('name'), namespace: literal('namespace') ?? '' };
  };
  // Service accounts defined in this file: their own setting decides for pods that use them.
  const accounts = new Set<string>();
  for (const block of blocks) {
    if (!TF_SERVICE_ACCOUNTS.has(block.labels[0] ?? '')) continue;
    const { name, namespace } = metadataOf(block.body);
    if (name) accounts.add(`${namespace}/${name}`);
  }
  for (const block of blocks) {
    const type = block.labels[0] ?? '';
    const address = `${type}.${block.labels[1] ?? ''}`;
    if (TF_SERVICE_ACCOUNTS.has(type)) {
      if (hclAttribute(block.body, TF_FIELD)) continue;
      const name = metadataOf(block.body).name ?? block.labels[1] ?? '(unnamed)';
      report({
        span: hclHeaderSpan(block),
        message: `Service account '${name}' lets every pod that uses it mount an API token automatically (the provider's default); if those workloads do not call the Kubernetes API, set ${TF_FIELD} = false here and mount a projected token only where one is needed.`,
        construct: address,
      });
      continue;
    }
    const path = TF_POD_SPEC_PATHS[unversioned(type)];
    const spec = path ? tfPodSpec(block, path) : undefined;
    if (!spec) continue;
    const body = hclBodyOf(spec);
    if (hclAttribute(body, TF_FIELD)) continue;
    const accountAttribute = hclAttribute(body, 'service_account_name');
    const accountValue = accountAttribute ? hclLiteral(accountAttribute.value) : 'default';
    // An account given by reference or variable is judged where it is defined.
    if (typeof accountValue !== 'string') continue;
    const { namespace } = metadataOf(block.body);
    if (accounts.has(`${namespace}/${accountValue}`)) continue;
    const header = spec.namedChild(0);
    report({
      span: [spec.startIndex, header?.endIndex ?? spec.startIndex],
      message: `${address} gets the API token of service account '${accountValue}' mounted in every container (the provider's default); if it does not call the Kubernetes API, set ${TF_FIELD} = false in its pod spec (or on the service account) so a compromised container has no token to use.`,
      construct: address,
    });
  }
}

/** The pod spec block at `path` (block names) under a resource. */
function tfPodSpec(resource: HclBlock, path: readonly string[]): SyntaxNode | undefined {
  let body = resource.body;
  let block: SyntaxNode | undefined;
  for (const name of path) {
    block = hclChildBlocks(body, name)[0];
    body = hclBodyOf(block);
    if (!block) return undefined;
  }
  return block;
}

function terraformFix(document: ParsedDocument, span: readonly [number, number]): Fix[] {
  const resource = hclBlockHolding(document.tree('hcl'), span, new Set(['resource']));
  if (!resource) return [];
  const type = resource.labels[0] ?? '';
  const path = TF_POD_SPEC_PATHS[unversioned(type)];
  const target = TF_SERVICE_ACCOUNTS.has(type) ? resource.node : path ? tfPodSpec(resource, path) : undefined;
  const body = target === resource.node ? resource.body : hclBodyOf(target);
  if (!target || hclAttribute(body, TF_FIELD)) return [];
  const edit = insertAtBodyEnd(document.text, target, [`${TF_FIELD} = false`]);
  if (!edit) return [];
  return [{ title: TF_SERVICE_ACCOUNTS.has(type) ? `Set ${TF_FIELD} = false on this service account` : `Set ${TF_FIELD} = false in this pod spec`, edits: [edit] }];
}
