import type { Pair, Node, YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { isMap, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
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
  fileKinds: ['kubernetes'],
  keywords: ['containers', 'serviceaccount'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
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
