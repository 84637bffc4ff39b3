import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { scalarString, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
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
          if (!isMap(container)) continue;
          const containerName = str(container, 'name') ?? '(unnamed)';
          const mounts = secretMounts(container as YMap);
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
            report({
              span: [nameNode.range[0], nameNode.range[1]],
              message: `Container '${containerName}' sets ${name} although the pod uses ${WHAT[provider]}: ${WHY[provider]}. Remove the static credential from the pod (and revoke it) so workload identity is the only path.`,
              construct: `${docIndex}:${containerName}:${name}`,
              fixable: false,
            });
          }
        }
      }
    }
  },
});

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
