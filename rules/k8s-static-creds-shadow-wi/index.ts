import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { keyOf, YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { scalarString, seqItems, valueOf, yamlEditKeepsParsing } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix } from '../../server/src/engine/types';
import { allMaps } from '../lib/k8s-yaml';
import docs from './docs.md';

type Provider = 'aws' | 'azure' | 'gcp';

const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const GKE_ANNOTATION = 'iam.gke.io/gcp-service-account';
const AZURE_LABEL = 'azure.workload.identity/use';

/** Environment variables the SDK default chains read before workload identity, per provider. */
const SHADOWING_ENV: Record<string, Provider> = {
  AWS_ACCESS_KEY_ID: 'aws',
  AWS_SECRET_ACCESS_KEY: 'aws',
  AWS_SESSION_TOKEN: 'aws',
  AZURE_CLIENT_SECRET: 'azure',
  GOOGLE_APPLICATION_CREDENTIALS: 'gcp',
};

const WHY: Record<Provider, string> = {
  aws: 'the AWS SDK default chain reads environment credentials before the IRSA web-identity token, so the static key is what the pod really uses and IRSA changes nothing',
  azure: 'DefaultAzureCredential tries EnvironmentCredential before WorkloadIdentityCredential, so the client secret silently wins over Azure Workload Identity',
  gcp: 'Application Default Credentials read GOOGLE_APPLICATION_CREDENTIALS before the GKE metadata server, so the mounted service-account key wins over GKE workload identity',
};

const WHAT: Record<Provider, string> = {
  aws: `an IRSA role (${IRSA_ANNOTATION})`,
  azure: `Azure Workload Identity (${AZURE_LABEL}: "true")`,
  gcp: `GKE workload identity (${GKE_ANNOTATION})`,
};

type YMap = YAMLMap<unknown, unknown>;

const str = (node: unknown, ...path: string[]): string | undefined => {
  let current: unknown = node;
  for (const key of path) current = valueOf(current, key);
  return scalarString(current);
};

/** Annotation or label values of a `metadata` map, by key. */
function metadataMap(metadata: unknown, field: 'annotations' | 'labels'): (key: string) => string | undefined {
  const map = valueOf(metadata, field);
  return (key) => scalarString(valueOf(map, key));
}

export default defineRule({
  id: 'k8s-static-creds-shadow-wi',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: [IRSA_ANNOTATION, AZURE_LABEL, GKE_ANNOTATION],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const shadowing of shadowingContainers(document)) {
      const fixable = envIsPlainBlockList(document.text, shadowing);
      for (const { name, provider, nameNode } of shadowing.entries) {
        report({
          span: [nameNode.range![0], nameNode.range![1]],
          message: `Container '${shadowing.containerName}' sets ${name} although the pod uses ${WHAT[provider]}: ${WHY[provider]}. Remove the static credential from the pod (and revoke it) so workload identity is the only path.`,
          construct: `${shadowing.docIndex}:${shadowing.containerName}:${name}`,
          data: { container: shadowing.container.range![0] },
          fixable,
        });
      }
    }
  },
  fix({ document, finding }) {
    const offset = finding.data?.container;
    for (const shadowing of shadowingContainers(document)) {
      if (shadowing.container.range?.[0] !== offset) continue;
      const fix = removalFix(document.text, shadowing);
      return fix ? [fix] : [];
    }
    return [];
  },
});

interface ShadowingEntry {
  readonly name: string;
  readonly provider: Provider;
  readonly nameNode: Scalar;
  /** The `env` list item (`- name: ... value/valueFrom: ...`). */
  readonly item: Node;
}

/** A container of a pod with workload identity, and the env entries that shadow it. */
interface Shadowing {
  readonly docIndex: number;
  readonly containerName: string;
  readonly container: YMap;
  readonly entries: readonly ShadowingEntry[];
}

function* shadowingContainers(document: ParsedDocument): Generator<Shadowing> {
  const documents = document.yaml();
  // ServiceAccounts in this file with workload identity configured, by namespace/name.
  const accounts = new Map<string, Set<Provider>>();
  for (const yaml of documents) {
    const root = yaml.contents;
    if (str(root, 'kind') !== 'ServiceAccount') continue;
    const metadata = valueOf(root, 'metadata');
    const name = str(metadata, 'name');
    if (!name) continue;
    const annotation = metadataMap(metadata, 'annotations');
    const providers = new Set<Provider>();
    if (annotation(IRSA_ANNOTATION)) providers.add('aws');
    if (annotation(GKE_ANNOTATION)) providers.add('gcp');
    if (providers.size > 0) accounts.set(`${str(metadata, 'namespace') ?? ''}/${name}`, providers);
  }
  for (const [docIndex, yaml] of documents.entries()) {
    const root = yaml.contents;
    const namespace = str(root, 'metadata', 'namespace') ?? '';
    for (const pod of podTemplates(root)) {
      const accountName = str(pod.spec, 'serviceAccountName') ?? str(pod.spec, 'serviceAccount') ?? 'default';
      const providers = new Set(accounts.get(`${namespace}/${accountName}`) ?? (namespace === '' ? [] : accounts.get(`/${accountName}`) ?? []));
      if (metadataMap(pod.metadata, 'labels')(AZURE_LABEL)?.toLowerCase() === 'true') providers.add('azure');
      if (providers.size === 0) continue;
      const secretMounts = secretMountPaths(pod.spec);
      for (const container of seqItems(valueOf(pod.spec, 'containers')).concat(seqItems(valueOf(pod.spec, 'initContainers')))) {
        if (!isMap(container) || !container.range) continue;
        const containerName = str(container, 'name') ?? '(unnamed)';
        const mounts = secretMounts(container as YMap);
        const entries: ShadowingEntry[] = [];
        for (const item of seqItems(valueOf(container, 'env'))) {
          const nameNode = valueOf(item, 'name');
          const name = scalarString(nameNode);
          const provider = name === undefined ? undefined : SHADOWING_ENV[name];
          if (!provider || !providers.has(provider) || !isScalar(nameNode) || !nameNode.range) continue;
          if (provider === 'gcp') {
            // Only a key file mounted from a Secret; a federation config is not a key.
            const path = str(item, 'value');
            if (!path || !mounts.some((mount) => path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`))) continue;
          }
          entries.push({ name: name!, provider, nameNode, item: item as Node });
        }
        if (entries.length > 0) yield { docIndex, containerName, container: container as YMap, entries };
      }
    }
  }
}

/**
 * Whether the container's `env` is a block list with no template actions, the form the removal
 * edits. Decided from the parsed tree alone, since the scan asks it of every container; building
 * the edit and re-parsing the result wait until a client asks for the fix.
 */
function envIsPlainBlockList(text: string, shadowing: Shadowing): boolean {
  const env = valueOf(shadowing.container, 'env');
  return isSeq(env) && !env.flow && env.range !== undefined && env.range !== null && !text.slice(env.range[0], env.range[1]).includes('{{');
}

const IDENTITY: Record<Provider, string> = { aws: 'IRSA', azure: 'Azure Workload Identity', gcp: 'GKE workload identity' };

/**
 * Deletes the shadowing entries, and only them, from the container's `env` list through the YAML
 * CST (comments on their own lines above an entry go with it, everything else stays byte for
 * byte); when nothing else is left in `env`, the `env:` key goes too. Not preferred: the tool
 * cannot see whether the workload identity grants what the static credential did, or whether the
 * application reads the variable itself rather than through the SDK's default chain.
 */
function removalFix(text: string, shadowing: Shadowing): Fix | undefined {
  if (!envIsPlainBlockList(text, shadowing)) return undefined;
  const editor = new YamlCstEditor(text);
  const map = editor.blockMapAt(shadowing.container.range![0]);
  const envItem = map?.items.find((item) => keyOf(item) === 'env');
  const seq = envItem?.value;
  if (!map || !envItem || seq?.type !== 'block-seq') return undefined;
  const drop = new Set(shadowing.entries.map((entry) => entry.item.range?.[0]));
  const dropped = seq.items.filter((item) => item.value !== undefined && drop.has(item.value.offset));
  if (dropped.length !== drop.size) return undefined;
  if (dropped.length === seq.items.length) {
    if (editor.removeKeys(map, ['env']) === -1) return undefined;
  } else {
    // The first item's indentation and comment lines are in the `env:` separator: give them to it.
    const sep = envItem.sep ?? [];
    const newline = sep.findIndex((token) => token.type === 'newline');
    if (newline === -1) return undefined;
    seq.items[0]!.start.unshift(...sep.splice(newline + 1));
    seq.items.splice(0, seq.items.length, ...seq.items.filter((item) => !dropped.includes(item)));
  }
  const after = editor.toString();
  if (!yamlEditKeepsParsing(text, after)) return undefined;
  const edits = diffToEdits(text, after);
  if (edits.length === 0) return undefined;
  const names = [...new Set(shadowing.entries.map((entry) => entry.name))];
  const identities = [...new Set(shadowing.entries.map((entry) => IDENTITY[entry.provider]))].join(' and ');
  return {
    title: `Remove ${names.join(', ')} from container '${shadowing.containerName}' so ${identities} is used (review: the identity must be granted what the static credential allowed)`,
    edits,
  };
}

interface PodTemplate {
  metadata: unknown;
  spec: unknown;
}

/** A `kind: Pod` document, and every `template: { metadata, spec: { containers } }` (Deployment, Job, CronJob…). */
function* podTemplates(root: unknown): Generator<PodTemplate> {
  if (str(root, 'kind') === 'Pod') {
    yield { metadata: valueOf(root, 'metadata'), spec: valueOf(root, 'spec') };
    return;
  }
  for (const map of allMaps(root)) {
    const template = valueOf(map, 'template');
    const spec = valueOf(template, 'spec');
    if (isMap(template) && isSeq(valueOf(spec, 'containers'))) yield { metadata: valueOf(template, 'metadata'), spec };
  }
}

/** For a container, the mount paths of the pod's `secret` volumes it mounts. */
function secretMountPaths(spec: unknown): (container: YMap) => string[] {
  const secretVolumes = new Set<string>();
  for (const volume of seqItems(valueOf(spec, 'volumes'))) {
    const name = str(volume, 'name');
    if (name && isMap(valueOf(volume, 'secret'))) secretVolumes.add(name);
  }
  return (container) =>
    seqItems(valueOf(container, 'volumeMounts')).flatMap((mount) => {
      const name = str(mount, 'name');
      const path = str(mount, 'mountPath');
      return name && path && secretVolumes.has(name) ? [path] : [];
    });
}
