import { CST, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { keyOf, YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { scalarString, seqItems, valueOf, yamlEditKeepsParsing, type YamlDocument } from '../../server/src/engine/parse/yaml';
import type { Fix, NewFile } from '../../server/src/engine/types';
import { allMaps } from '../lib/k8s-yaml';

/**
 * Workload identity quick fixes for static cloud credentials in a pod's environment: the
 * credential entries leave every container of the pod, and the pod's ServiceAccount carries the
 * identity instead (IRSA role ARN, Azure Workload Identity client ID, GKE Google service account).
 *
 * `check` asks only `identityFixable` (the parsed tree, a few node types, one scan of the document
 * text for Helm actions); the CST edits and the re-parse of their result happen in
 * `workloadIdentityFix`, when a client asks for the fix.
 */

type YMap = YAMLMap<unknown, unknown>;
type BlockMap = NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>;

export type Provider = 'aws' | 'azure' | 'gcp';

/** A pod spec and its containers; `template` is the map holding `metadata` and `spec` (a pod template, or a Pod document). */
export interface Pod {
  readonly template: YMap | undefined;
  readonly spec: YMap;
  readonly containers: readonly YMap[];
  /** Names of the pod's `secret` volumes, read once per pod and only when a container asks. */
  secretVolumes?: ReadonlySet<string>;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Every pod spec of a YAML tree (a map with a containers list), with the map whose `spec` it is. One walk. */
export function* podsOf(root: unknown): Generator<Pod> {
  const templateOf = new Map<unknown, YMap>();
  for (const map of allMaps(root)) {
    const spec = valueOf(map, 'spec');
    if (isMap(spec)) templateOf.set(spec, map);
    let containers: YMap[] | undefined;
    for (const item of map.items) {
      if (!isScalar(item.key) || !CONTAINER_LISTS.has(String(item.key.value)) || !isSeq(item.value)) continue;
      for (const container of item.value.items) if (isMap(container)) (containers ??= []).push(container as YMap);
    }
    if (containers) yield { template: templateOf.get(map), spec: map, containers };
  }
}

export const IRSA_ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';
export const AZURE_CLIENT_ID_PLACEHOLDER = '<CLIENT_ID>';
export const GKE_SERVICE_ACCOUNT_PLACEHOLDER = '<GSA_NAME>@<PROJECT_ID>.iam.gserviceaccount.com';

const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const AZURE_ANNOTATION = 'azure.workload.identity/client-id';
const AZURE_LABEL = 'azure.workload.identity/use';
const GKE_ANNOTATION = 'iam.gke.io/gcp-service-account';

/** The static AWS credential variables IRSA replaces (the SDK's default chain would read them first). */
export const AWS_STATIC_KEYS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
export const GOOGLE_KEY_VARIABLE = 'GOOGLE_APPLICATION_CREDENTIALS';

/** A Google service-account key file's JSON (a literal key in env), told by its fields. */
export function isServiceAccountKeyJson(value: string): boolean {
  return value.includes('"private_key"') && value.includes('service_account');
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The pod's `secret` volume names. */
export function secretVolumes(pod: Pod): ReadonlySet<string> {
  if (pod.secretVolumes) return pod.secretVolumes;
  const names = new Set<string>();
  for (const volume of seqItems(valueOf(pod.spec, 'volumes'))) {
    const name = scalarString(valueOf(volume, 'name'));
    if (name && isMap(valueOf(volume, 'secret'))) names.add(name);
  }
  return (pod.secretVolumes = names);
}

/** The `volumeMounts` entry of `container` from a Secret volume that holds `path`, if any. */
export function secretMountHolding(pod: Pod, container: YMap, path: string): YMap | undefined {
  const mounts = valueOf(container, 'volumeMounts');
  if (!isSeq(mounts)) return undefined;
  const volumes = secretVolumes(pod);
  for (const mount of mounts.items) {
    const mountPath = scalarString(valueOf(mount, 'mountPath'));
    const name = scalarString(valueOf(mount, 'name'));
    if (!mountPath || !name || !volumes.has(name)) continue;
    if (path === mountPath || path.startsWith(mountPath.endsWith('/') ? mountPath : `${mountPath}/`)) return mount as YMap;
  }
  return undefined;
}

/**
 * Per YAML document: whether the workload identity fix can be offered, decided from the parsed tree
 * and remembered per document, pod and container, so a scan asks each question once.
 */
export class DocumentGate {
  private templated: boolean | undefined;
  private readonly pods = new WeakMap<Pod, boolean>();
  private readonly labels = new WeakMap<Pod, boolean>();
  private readonly envs = new WeakMap<YMap, boolean>();

  constructor(
    private readonly text: string,
    private readonly yaml: YamlDocument,
  ) {}

  /**
   * Whether the fix can edit this pod for a finding on the env entry `item` of `container`:
   * block-style maps and lists where it writes, a plain ServiceAccount name, no template actions
   * in the document (one scan of its text, on the first question).
   */
  identityFixable(pod: Pod, container: YMap, item: YMap, provider: Provider): boolean {
    return (
      !item.flow &&
      this.envEditable(container) &&
      this.podEditable(pod) &&
      (provider !== 'azure' || this.labelEditable(pod)) &&
      !this.isTemplated()
    );
  }

  private envEditable(container: YMap): boolean {
    let ok = this.envs.get(container);
    if (ok === undefined) {
      const env = valueOf(container, 'env');
      ok = isSeq(env) && !env.flow;
      this.envs.set(container, ok);
    }
    return ok;
  }

  private podEditable(pod: Pod): boolean {
    let ok = this.pods.get(pod);
    if (ok === undefined) {
      const account = serviceAccountNode(pod.spec);
      ok = !pod.spec.flow && (account === undefined || (isScalar(account) && typeof account.value === 'string' && account.value !== ''));
      this.pods.set(pod, ok);
    }
    return ok;
  }

  /** Azure: the pod label goes on the pod template's metadata. */
  private labelEditable(pod: Pod): boolean {
    let ok = this.labels.get(pod);
    if (ok === undefined) {
      const template = pod.template;
      const metadata = valueOf(template, 'metadata');
      const labels = valueOf(metadata, 'labels');
      ok =
        template !== undefined &&
        !template.flow &&
        (metadata == null || isEmptyNode(metadata) || (isMap(metadata) && !metadata.flow)) &&
        (labels == null || isEmptyNode(labels) || (isMap(labels) && !labels.flow));
      this.labels.set(pod, ok);
    }
    return ok;
  }

  private isTemplated(): boolean {
    if (this.templated === undefined) {
      const range = this.yaml.range;
      this.templated = this.text.slice(range[0], range[2]).includes('{{');
    }
    return this.templated;
  }
}

function serviceAccountNode(spec: YMap): Node | null | undefined {
  return valueOf(spec, 'serviceAccountName') ?? valueOf(spec, 'serviceAccount');
}

/** `{}`, or a key with no value: a map the fix may replace with a block map. */
function isEmptyNode(node: unknown): boolean {
  return (isMap(node) && node.items.length === 0) || (isScalar(node) && (node.value === null || node.value === ''));
}

interface ProviderFacts {
  readonly lead: string;
  readonly removes: string;
  readonly annotation: string;
  /** What the user fills in where the fix wrote a placeholder. */
  readonly fill: string;
  /** What the identity needs before the credential can go: outside the file, and never checked here. */
  readonly needs: string;
  readonly header: (subject: string) => readonly string[];
}

const PROVIDERS: Record<Provider, ProviderFacts> = {
  aws: {
    lead: 'Use IAM roles for service accounts',
    removes: 'remove the static AWS keys',
    annotation: IRSA_ANNOTATION,
    fill: 'fill in the role ARN',
    needs: "the role must trust the cluster's OIDC provider for this ServiceAccount and allow what the keys allowed",
    header: (subject) => [
      '# IAM roles for service accounts (EKS): pods running as this ServiceAccount get temporary credentials',
      '# for the role through the SDK default credential chain, so no access keys are stored. The role must',
      `# trust the cluster's OIDC provider for ${subject}.`,
    ],
  },
  azure: {
    lead: 'Use Azure Workload Identity',
    removes: `remove AZURE_CLIENT_SECRET, label the pod ${AZURE_LABEL}: "true"`,
    annotation: AZURE_ANNOTATION,
    fill: 'fill in the client ID',
    needs: 'the application or managed identity needs a federated credential for this ServiceAccount and the access the secret had',
    header: (subject) => [
      `# Azure Workload Identity (AKS): pods labelled ${AZURE_LABEL}: "true" that run as this`,
      '# ServiceAccount get a projected token the Azure Identity libraries exchange for Microsoft Entra',
      '# tokens of the identity below, so no client secret is stored. The application or user-assigned',
      "# managed identity needs a federated identity credential with the cluster's OIDC issuer and subject",
      `# ${subject}.`,
    ],
  },
  gcp: {
    lead: 'Use GKE Workload Identity Federation',
    removes: 'remove the service-account key',
    annotation: GKE_ANNOTATION,
    fill: "fill in the Google service account's email",
    needs: 'the Google service account must let this ServiceAccount impersonate it (roles/iam.workloadIdentityUser) and have what the key allowed',
    header: (subject) => [
      '# Workload Identity Federation for GKE: pods running as this ServiceAccount get short-lived tokens',
      '# from the GKE metadata server, so no service-account key is stored. The Google service account',
      '# below must grant roles/iam.workloadIdentityUser to',
      `# ${subject}. Without the annotation, IAM`,
      "# policies can also grant roles to this ServiceAccount's principal directly.",
    ],
  },
};

export interface IdentityFixRequest {
  readonly text: string;
  readonly docs: readonly YamlDocument[];
  readonly root: unknown;
  readonly pod: Pod;
  readonly provider: Provider;
}

/** A map entry to add: `key: "value"` into the map `field` of `parent` (created when absent or empty). */
interface AddEntry {
  readonly parent: YMap;
  readonly field: string;
  readonly key: string;
  readonly value: string;
  /** Where a new `field` goes in `parent`: after these keys when present, else first. */
  readonly after: readonly string[];
}

interface ServiceAccountPlan {
  readonly title: string;
  readonly placeholders: readonly string[];
  readonly setName?: string;
  readonly annotate?: AddEntry;
  readonly createFiles?: readonly NewFile[];
}

/**
 * The fix: the provider's credential entries leave every container of the pod (their `env` key
 * too when nothing else is left), a Google key's Secret volume and mount go when nothing else
 * uses them, and the ServiceAccount gets the identity: annotated where it is defined in this file,
 * created beside the manifest when the pod runs as the default one (or names one this file lacks
 * in a known namespace), else named in the title for the user to annotate. Never preferred.
 */
export function workloadIdentityFix(request: IdentityFixRequest): Fix | undefined {
  const { text, docs, root, pod, provider } = request;
  const facts = PROVIDERS[provider];

  const removals = credentialEntries(pod, provider);
  if (removals.length === 0) return undefined;
  const keyMounts = provider === 'gcp' ? unusedKeyMounts(pod, removals) : { mounts: [], volumes: [] };

  const metadata = valueOf(root, 'metadata');
  const namespace = plainString(valueOf(metadata, 'namespace'));
  const clientId = provider === 'azure' ? literalClientId(pod) : undefined;
  const annotationValue = provider === 'aws' ? IRSA_ROLE_PLACEHOLDER : provider === 'gcp' ? GKE_SERVICE_ACCOUNT_PLACEHOLDER : (clientId ?? AZURE_CLIENT_ID_PLACEHOLDER);
  const removes =
    provider === 'gcp' && keyMounts.volumes.length > 0
      ? `${facts.removes} and its Secret volume`
      : provider === 'gcp' && keyMounts.mounts.length > 0
        ? `${facts.removes} and its Secret mount`
        : facts.removes;
  const plan = serviceAccountPlan(docs, root, pod, provider, removes, namespace, annotationValue);

  const label: AddEntry | undefined =
    provider === 'azure' && pod.template ? { parent: pod.template, field: 'metadata', key: AZURE_LABEL, value: 'true', after: ['name', 'namespace'] } : undefined;
  if (provider === 'azure' && !label) return undefined;

  // Every CST map is looked up before the first edit: inserted tokens carry offsets of their own.
  const editor = new YamlCstEditor(text);
  const containerMaps = new Map<YMap, BlockMap>();
  for (const { container } of removals.concat(keyMounts.mounts.map((mount) => ({ container: mount.container, item: mount.item })))) {
    if (containerMaps.has(container)) continue;
    const map = editor.blockMapAt(container.range![0]);
    if (!map) return undefined;
    containerMaps.set(container, map);
  }
  const specMap = plan.setName !== undefined || keyMounts.volumes.length > 0 ? editor.blockMapAt(pod.spec.range![0]) : undefined;
  if ((plan.setName !== undefined || keyMounts.volumes.length > 0) && !specMap) return undefined;
  const annotate = plan.annotate ? resolveAddEntry(editor, plan.annotate) : undefined;
  if (plan.annotate && !annotate) return undefined;
  const labelEdit = label ? resolveAddEntry(editor, label, 'labels') : undefined;
  if (label && !labelEdit) return undefined;

  // Removals: credential entries, then a Google key's mount and volume.
  for (const [container, map] of containerMaps) {
    const env = removals.filter((removal) => removal.container === container).map((removal) => removal.item);
    if (env.length > 0 && !removeListItems(editor, map, 'env', env)) return undefined;
    const mounts = keyMounts.mounts.filter((mount) => mount.container === container).map((mount) => mount.item);
    if (mounts.length > 0 && !removeListItems(editor, map, 'volumeMounts', mounts)) return undefined;
  }
  if (specMap && keyMounts.volumes.length > 0 && !removeListItems(editor, specMap, 'volumes', keyMounts.volumes)) return undefined;

  // The ServiceAccount: named on the pod, annotated, or created.
  if (plan.setName !== undefined && specMap) {
    const existing = editor.indexOf(specMap, 'serviceAccountName') !== -1 ? 'serviceAccountName' : editor.indexOf(specMap, 'serviceAccount') !== -1 ? 'serviceAccount' : undefined;
    if (existing) {
      if (!editor.setScalar(specMap, existing, plan.setName)) return undefined;
    } else {
      // First in the pod spec, where it is read before the containers.
      editor.insertEntries(specMap, `serviceAccountName: ${plan.setName}\n`, 0);
    }
  }
  if (annotate && !annotate()) return undefined;
  if (labelEdit && !labelEdit()) return undefined;

  const after = editor.toString();
  if (!yamlEditKeepsParsing(text, after)) return undefined;
  const edits = diffToEdits(text, after);
  if (edits.length === 0) return undefined;
  return {
    title: `${facts.lead}: ${plan.title}`,
    edits,
    ...(plan.createFiles ? { createFiles: plan.createFiles } : {}),
    placeholders: plan.placeholders,
  };
}

interface Removal {
  readonly container: YMap;
  readonly item: YMap;
}

/** The provider's static credential entries with literal values (or a key file path), in every container of the pod. */
function credentialEntries(pod: Pod, provider: Provider): Removal[] {
  const removals: Removal[] = [];
  for (const container of pod.containers) {
    const env = valueOf(container, 'env');
    // Another container's flow-style or templated list is left as it is (it is reported on its own).
    if (!isSeq(env) || env.flow || !container.range) continue;
    for (const item of env.items) {
      if (!isMap(item) || item.flow || !item.range) continue;
      const name = scalarString(valueOf(item, 'name')) ?? '';
      const value = valueOf(item, 'value');
      // Only literal values: an entry read from a Secret is left to k8s-static-creds-shadow-wi once the identity is there.
      if (!isScalar(value)) continue;
      const literal = scalarString(value) ?? '';
      const matches =
        provider === 'aws'
          ? AWS_STATIC_KEYS.has(name)
          : provider === 'azure'
            ? name === 'AZURE_CLIENT_SECRET'
            : (name === GOOGLE_KEY_VARIABLE && secretMountHolding(pod, container as YMap, literal) !== undefined) || isServiceAccountKeyJson(literal);
      if (matches) removals.push({ container: container as YMap, item: item as YMap });
    }
  }
  return removals;
}

interface KeyMount {
  readonly container: YMap;
  readonly item: YMap;
}

/**
 * The Secret mounts that held a removed Google key and that nothing else in their container
 * mentions (no other value holds the mount path), and the Secret volumes no remaining mount uses.
 */
function unusedKeyMounts(pod: Pod, removals: readonly Removal[]): { mounts: KeyMount[]; volumes: YMap[] } {
  const removedItems = new Set<unknown>(removals.map((removal) => removal.item));
  const mounts: KeyMount[] = [];
  for (const removal of removals) {
    const path = scalarString(valueOf(removal.item, 'value')) ?? '';
    if (scalarString(valueOf(removal.item, 'name')) !== GOOGLE_KEY_VARIABLE) continue;
    const mount = secretMountHolding(pod, removal.container, path);
    if (!mount || mount.flow || !mount.range || mounts.some((known) => known.item === mount)) continue;
    const mountPath = scalarString(valueOf(mount, 'mountPath')) ?? '';
    if (!mentions(removal.container, mountPath, removedItems, mount)) mounts.push({ container: removal.container, item: mount });
  }
  const droppedMounts = new Set<unknown>(mounts.map((mount) => mount.item));
  const volumesList = valueOf(pod.spec, 'volumes');
  if (mounts.length === 0 || !isSeq(volumesList) || volumesList.flow) return { mounts, volumes: [] };
  const stillUsed = new Set<string>();
  for (const container of pod.containers) {
    for (const list of ['volumeMounts', 'volumeDevices']) {
      for (const mount of seqItems(valueOf(container, list))) {
        const name = scalarString(valueOf(mount, 'name'));
        if (name !== undefined && !droppedMounts.has(mount)) stillUsed.add(name);
      }
    }
  }
  const volumes: YMap[] = [];
  for (const mount of mounts) {
    const name = scalarString(valueOf(mount.item, 'name'));
    if (name === undefined || stillUsed.has(name)) continue;
    const volume = volumesList.items.find((candidate) => scalarString(valueOf(candidate, 'name')) === name && isMap(valueOf(candidate, 'secret')));
    if (isMap(volume) && !volume.flow && volume.range && !volumes.includes(volume as YMap)) volumes.push(volume as YMap);
  }
  return { mounts, volumes };
}

/** Whether a scalar in `container`, outside the removed entries and the mount itself, contains `path`. */
function mentions(container: YMap, path: string, removed: ReadonlySet<unknown>, mount: YMap): boolean {
  if (!path) return true;
  const stack: unknown[] = [container];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === mount || removed.has(node)) continue;
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.value.includes(path)) return true;
    } else if (isMap(node)) {
      for (const pair of node.items) stack.push(pair.value);
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return false;
}

/** The Azure client ID the pod's containers set as a literal, when they agree on one (a client ID is not a secret). */
function literalClientId(pod: Pod): string | undefined {
  const ids = new Set<string>();
  for (const container of pod.containers) {
    for (const item of seqItems(valueOf(container, 'env'))) {
      if (scalarString(valueOf(item, 'name')) !== 'AZURE_CLIENT_ID') continue;
      const value = scalarString(valueOf(item, 'value'));
      if (value !== undefined && GUID.test(value)) ids.add(value);
    }
  }
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** A plain (non-empty, single-line) string scalar's value. */
function plainString(node: unknown): string | undefined {
  const value = scalarString(node);
  return value && !value.includes('\n') ? value : undefined;
}

/** Kubernetes object names: DNS-1123 subdomains. */
const OBJECT_NAME = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;

function serviceAccountPlan(
  docs: readonly YamlDocument[],
  root: unknown,
  pod: Pod,
  provider: Provider,
  removes: string,
  namespace: string | undefined,
  value: string,
): ServiceAccountPlan {
  const facts = PROVIDERS[provider];
  const placeholders = [value].filter((candidate) => candidate.includes('<'));
  // Written with the annotation: what to fill in, then what the identity needs.
  const todo = placeholders.length > 0 ? `${facts.fill}; ${facts.needs}` : facts.needs;
  const named = scalarString(serviceAccountNode(pod.spec));
  const annotation = (account: YMap): AddEntry => ({ parent: valueOf(account, 'metadata') as YMap, field: 'annotations', key: facts.annotation, value, after: ['name', 'namespace'] });

  if (named === undefined || named === 'default') {
    // The default ServiceAccount is shared by every pod in the namespace: the pod gets its own.
    const metadata = valueOf(root, 'metadata');
    const base = plainString(valueOf(metadata, 'name')) ?? plainString(valueOf(pod.containers[0], 'name')) ?? 'workload';
    const account = base.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60) || 'workload';
    const defined = accountsNamed(docs, account, namespace);
    if (defined.length === 1 && annotationOf(defined[0]!, facts.annotation) !== undefined) {
      return { title: `${removes} and run as ServiceAccount '${account}' (defined in this file, already annotated with ${facts.annotation}); ${facts.needs}`, placeholders: [], setName: account };
    }
    if (defined.length === 1 && annotatable(defined[0]!)) {
      return { title: `${removes}, run as ServiceAccount '${account}' and annotate it with ${facts.annotation}; then ${todo}`, placeholders, setName: account, annotate: annotation(defined[0]!) };
    }
    if (defined.length > 0) {
      return { title: `${removes} and run as ServiceAccount '${account}'; it cannot be edited here: add the ${facts.annotation} annotation to it; ${facts.needs}`, placeholders: [], setName: account };
    }
    const file = `${account}-serviceaccount.yaml`;
    return {
      title: `${removes} and run as ServiceAccount '${account}' (new file ${file}); then ${todo}`,
      placeholders,
      setName: account,
      createFiles: [{ path: file, text: companionFile(provider, account, namespace, value) }],
    };
  }

  const defined = accountsNamed(docs, named, namespace);
  if (defined.length === 1 && annotationOf(defined[0]!, facts.annotation) !== undefined) {
    return { title: `${removes} (ServiceAccount '${named}' already has ${facts.annotation}); ${facts.needs}`, placeholders: [] };
  }
  if (defined.length === 1 && annotatable(defined[0]!)) {
    return { title: `${removes} and annotate ServiceAccount '${named}' with ${facts.annotation}; then ${todo}`, placeholders, annotate: annotation(defined[0]!) };
  }
  if (defined.length === 0 && namespace !== undefined && OBJECT_NAME.test(named) && OBJECT_NAME.test(namespace)) {
    // The pod's namespace and ServiceAccount name say exactly which object to create.
    const file = `${named}-serviceaccount.yaml`;
    return {
      title: `${removes} and create ServiceAccount '${named}' in namespace '${namespace}' (new file ${file}; if '${named}' is defined elsewhere, annotate it there instead); then ${todo}`,
      placeholders,
      createFiles: [{ path: file, text: companionFile(provider, named, namespace, value) }],
    };
  }
  const where = defined.length === 0 ? 'is not in this file' : 'cannot be edited here';
  return { title: `${removes}; ServiceAccount '${named}' ${where}: add the ${facts.annotation} annotation to it; ${facts.needs}`, placeholders: [] };
}

/** ServiceAccount documents of the file named `name` that can be the pod's (same namespace, or one of them unset). */
function accountsNamed(docs: readonly YamlDocument[], name: string, namespace: string | undefined): YMap[] {
  const found: YMap[] = [];
  for (const yaml of docs) {
    const root = yaml.contents;
    if (!isMap(root) || scalarString(valueOf(root, 'kind')) !== 'ServiceAccount') continue;
    const metadata = valueOf(root, 'metadata');
    if (scalarString(valueOf(metadata, 'name')) !== name) continue;
    const own = scalarString(valueOf(metadata, 'namespace'));
    if (own === undefined || namespace === undefined || own === namespace) found.push(root as YMap);
  }
  return found;
}

function annotationOf(account: YMap, key: string): string | undefined {
  return scalarString(valueOf(valueOf(valueOf(account, 'metadata'), 'annotations'), key));
}

/** A ServiceAccount whose metadata the CST editor can give an annotation. */
function annotatable(account: YMap): boolean {
  const metadata = valueOf(account, 'metadata');
  if (!isMap(metadata) || metadata.flow || metadata.items.length === 0 || !metadata.range) return false;
  const annotations = valueOf(metadata, 'annotations');
  return annotations == null || isEmptyNode(annotations) || (isMap(annotations) && !annotations.flow && annotations.range != null);
}

/**
 * Looks up the CST maps an `AddEntry` writes to and returns the edit to run later. `inner` is the
 * map under `field` holding the entry (`labels` under a template's `metadata`), when there is one.
 */
function resolveAddEntry(editor: YamlCstEditor, entry: AddEntry, inner?: string): (() => boolean) | undefined {
  const parentCst = entry.parent.range ? editor.blockMapAt(entry.parent.range[0]) : undefined;
  if (!parentCst) return undefined;
  const line = `${entry.key}: "${entry.value}"`;
  const field = valueOf(entry.parent, entry.field);
  if (inner === undefined) return addUnder(editor, parentCst, entry.field, field, line, entry.after);
  // `metadata` → `labels` → entry.
  if (field == null || isEmptyNode(field)) {
    return () => replaceOrInsert(editor, parentCst, entry.field, `${entry.field}:\n  ${inner}:\n    ${line}\n`, entry.after);
  }
  if (!isMap(field) || field.flow || !field.range) return undefined;
  const fieldCst = editor.blockMapAt(field.range[0]);
  if (!fieldCst) return undefined;
  const labels = valueOf(field, inner);
  const current = labels == null ? undefined : valueOf(labels, entry.key);
  if (isScalar(current) && scalarString(current)?.toLowerCase() === entry.value) return () => true;
  if (isMap(labels) && current != null) {
    // A label set to something else (`"false"`): its value becomes the quoted string.
    const labelsCst = labels.range ? editor.blockMapAt(labels.range[0]) : undefined;
    const item = labelsCst?.items.find((candidate) => keyOf(candidate) === entry.key);
    if (!item?.value || !CST.isScalar(item.value)) return undefined;
    const token = item.value;
    return () => {
      CST.setScalarValue(token, entry.value, { type: 'QUOTE_DOUBLE' });
      return true;
    };
  }
  return addUnder(editor, fieldCst, inner, labels, line, entry.after);
}

/** Adds `line` to the block map under `field` of `parentCst`, creating `field` (after `after` keys) when it is absent or empty. */
function addUnder(editor: YamlCstEditor, parentCst: BlockMap, field: string, node: unknown, line: string, after: readonly string[]): (() => boolean) | undefined {
  if (node == null || isEmptyNode(node)) return () => replaceOrInsert(editor, parentCst, field, `${field}:\n  ${line}\n`, after);
  if (!isMap(node) || node.flow || !node.range) return undefined;
  const key = line.slice(0, line.indexOf(':'));
  if (valueOf(node, key) != null) return () => true;
  const map = editor.blockMapAt(node.range[0]);
  if (!map) return undefined;
  return () => {
    editor.insertEntries(map, `${line}\n`);
    return true;
  };
}

/** Puts `yamlText` (the whole `field: ...` entry) where `field` was, or after the `after` keys, else first. */
function replaceOrInsert(editor: YamlCstEditor, map: BlockMap, field: string, yamlText: string, after: readonly string[]): boolean {
  const index = editor.indexOf(map, field);
  if (index === -1) {
    editor.insertEntries(map, yamlText, Math.max(-1, ...after.map((key) => editor.indexOf(map, key))) + 1);
    return true;
  }
  // `field: {}` (perhaps the map's only entry): the new entry takes its place, its comment lines and indentation.
  const old = map.items[index]!;
  editor.insertEntries(map, yamlText, index);
  map.items[index]!.start = old.start;
  map.items.splice(index + 1, 1);
  return true;
}

/**
 * Deletes the `items` (maps of a block list under `key` of `map`) through the CST: comment lines
 * above an item go with it; when nothing is left, the key goes too.
 */
function removeListItems(editor: YamlCstEditor, map: BlockMap, key: string, items: readonly YMap[]): boolean {
  const entry = map.items.find((item) => keyOf(item) === key);
  const seq = entry?.value;
  if (!entry || seq?.type !== 'block-seq') return false;
  const drop = new Set(items.map((item) => item.range![0]));
  const dropped = seq.items.filter((item) => item.value !== undefined && drop.has(item.value.offset));
  if (dropped.length !== drop.size) return false;
  if (dropped.length === seq.items.length) return editor.removeKeys(map, [key]) !== -1;
  // The first item's indentation and comment lines are in the key's separator: give them to it.
  const sep = entry.sep ?? [];
  const newline = sep.findIndex((token) => token.type === 'newline');
  if (newline === -1) return false;
  seq.items[0]!.start.unshift(...sep.splice(newline + 1));
  seq.items.splice(0, seq.items.length, ...seq.items.filter((item) => !dropped.includes(item)));
  return true;
}

function companionFile(provider: Provider, account: string, namespace: string | undefined, value: string): string {
  const subject =
    provider === 'gcp'
      ? `serviceAccount:<PROJECT_ID>.svc.id.goog[${namespace ?? '<NAMESPACE>'}/${account}]`
      : `system:serviceaccount:${namespace ?? '<NAMESPACE>'}:${account}`;
  return [
    ...PROVIDERS[provider].header(subject),
    'apiVersion: v1',
    'kind: ServiceAccount',
    'metadata:',
    `  name: ${account}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    '  annotations:',
    `    ${PROVIDERS[provider].annotation}: "${value}"`,
    '',
  ].join('\n');
}

