import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { isSettingValue, namesCredentialOrKeyId } from '../lib/credential-names';
import { isTemplated } from '../lib/k8s-yaml';
import docs from './docs.md';
import {
  AWS_STATIC_KEYS,
  DocumentGate,
  GOOGLE_KEY_VARIABLE,
  isServiceAccountKeyJson,
  podsOf,
  secretMountHolding,
  workloadIdentityFix,
  type Pod,
  type Provider,
} from './workload-identity';

export { IRSA_ROLE_PLACEHOLDER } from './workload-identity';

export const SECRET_NAME_PLACEHOLDER = '<SECRET_NAME>';

/** Well-known credential formats: a literal in one of these is certainly a live secret. */
const KNOWN_FORMAT = /^(?:(?:AKIA|ASIA)[A-Z0-9]{16}$|gh[pousr]_[A-Za-z0-9]{30}|github_pat_|glpat-|xox[abpr]-|sk-[A-Za-z0-9_-]{20}|sk_live_|hvs\.|npm_[A-Za-z0-9]{30}|SG\.[\w-]{16}|AIza[\w-]{30}|-----BEGIN)/;

type YMap = YAMLMap<unknown, unknown>;

interface EnvLiteral {
  readonly container: string;
  readonly containerMap: YMap;
  readonly name: string;
  readonly keyNode: Scalar;
  readonly valueNode: Scalar;
  readonly value: string;
  readonly item: YMap;
}

function* envLiterals(text: string, container: YMap): Generator<EnvLiteral> {
  const env = valueOf(container, 'env');
  if (!isSeq(env)) return;
  for (const item of env.items) {
    if (!isMap(item)) continue;
    const name = scalarString(valueOf(item, 'name'));
    const pair = pairOf(item, 'value');
    if (!name || !pair || !isScalar(pair.value) || !isScalar(pair.key)) continue;
    const value = scalarString(pair.value);
    if (value === undefined || isTemplated(text, pair.value) || !namesCredentialOrKeyId(name)) continue;
    // `$(OTHER_VAR)` is expanded by the kubelet from another variable; not a literal.
    if (value.includes('$(') || isSettingValue(value)) continue;
    yield { container: scalarString(valueOf(container, 'name')) ?? '(unnamed)', containerMap: container, name, keyNode: pair.key as Scalar, valueNode: pair.value as Scalar, value, item: item as YMap };
  }
}

/** `GOOGLE_APPLICATION_CREDENTIALS` pointing at a key file mounted from a Secret volume. */
interface MountedKey {
  readonly container: string;
  readonly item: YMap;
  readonly valueNode: Scalar;
  readonly volume: string;
}

function* mountedKeys(text: string, pod: Pod, container: YMap): Generator<MountedKey> {
  const env = valueOf(container, 'env');
  if (!isSeq(env)) return;
  for (const item of env.items) {
    if (!isMap(item) || scalarString(valueOf(item, 'name')) !== GOOGLE_KEY_VARIABLE) continue;
    const valueNode = valueOf(item, 'value');
    const path = scalarString(valueNode);
    if (!isScalar(valueNode) || !valueNode.range || !path || isTemplated(text, valueNode)) continue;
    const mount = secretMountHolding(pod, container, path);
    if (!mount) continue;
    yield { container: scalarString(valueOf(container, 'name')) ?? '(unnamed)', item: item as YMap, valueNode, volume: scalarString(valueOf(mount, 'name')) ?? '' };
  }
}

/** The workload identity a literal can be replaced with, judged on its name (and a Google key's JSON). */
function literalProvider(literal: EnvLiteral): Provider | undefined {
  if (AWS_STATIC_KEYS.has(literal.name)) return 'aws';
  if (literal.name === 'AZURE_CLIENT_SECRET') return 'azure';
  if (isServiceAccountKeyJson(literal.value)) return 'gcp';
  return undefined;
}

/** Whether `value: literal` can become a `secretKeyRef`: a block map entry on one line. No text is built. */
function secretRefPossible(text: string, literal: EnvLiteral): boolean {
  const keyStart = literal.keyNode.range?.[0];
  const valueEnd = literal.valueNode.range?.[1];
  return !literal.item.flow && keyStart !== undefined && valueEnd !== undefined && !text.slice(keyStart, valueEnd).includes('\n');
}

/** `value: literal` → `valueFrom.secretKeyRef`, indented like the `value` key. */
function secretRefEdit(text: string, literal: EnvLiteral): TextEdit | undefined {
  if (!secretRefPossible(text, literal)) return undefined;
  const keyStart = literal.keyNode.range![0];
  const valueEnd = literal.valueNode.range![1];
  const column = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const pad = (n: number) => ' '.repeat(column + n);
  const key = literal.name.toLowerCase().replace(/_/g, '-');
  return {
    span: [keyStart, valueEnd],
    newText: `valueFrom:${eol}${pad(2)}secretKeyRef:${eol}${pad(4)}name: ${SECRET_NAME_PLACEHOLDER}${eol}${pad(4)}key: ${key}`,
  };
}

export default defineRule({
  id: 'k8s-hardcoded-secret-env',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: ['env'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const [docIndex, yaml] of document.yaml().entries()) {
      // Fixability is decided from the tree: the workload identity edits are built only in `fix`.
      const gate = new DocumentGate(text, yaml);
      for (const pod of podsOf(yaml.contents)) {
        for (const containerMap of pod.containers) {
          for (const literal of envLiterals(text, containerMap)) {
            const known = KNOWN_FORMAT.test(literal.value);
            const provider = literalProvider(literal);
            report({
              span: [literal.valueNode.range![0], literal.valueNode.range![1]],
              secret: literal.value,
              ...(known ? { severity: 'error' as const } : {}),
              message: `Container '${literal.container}' sets ${literal.name} to a literal ${known ? 'credential' : 'value'} ({{secret}}) in the manifest: everyone who can read the repository or get the pod can read it, and it never expires; reference a Secret (valueFrom.secretKeyRef) fed from a secret store, or use workload identity.`,
              construct: `${docIndex}:${literal.container}:${literal.name}`,
              data: { offset: literal.valueNode.range![0] },
              fixable: secretRefPossible(text, literal) || (provider !== undefined && gate.identityFixable(pod, containerMap, literal.item, provider)),
            });
          }
          for (const key of mountedKeys(text, pod, containerMap)) {
            report({
              span: [key.valueNode.range![0], key.valueNode.range![1]],
              message: `Container '${key.container}' points ${GOOGLE_KEY_VARIABLE} at a Google service-account key mounted from Secret volume '${key.volume}': a key never expires and works wherever it is copied; use Workload Identity Federation for GKE instead and delete the key.`,
              construct: `${docIndex}:${key.container}:${GOOGLE_KEY_VARIABLE}`,
              data: { offset: key.valueNode.range![0] },
              fixable: gate.identityFixable(pod, containerMap, key.item, 'gcp'),
            });
          }
        }
      }
    }
  },
  fix({ document, finding }) {
    const offset = finding.data?.offset as number;
    const text = document.text;
    const docs = document.yaml();
    for (const yaml of docs) {
      const gate = new DocumentGate(text, yaml);
      for (const pod of podsOf(yaml.contents)) {
        for (const containerMap of pod.containers) {
          const identity = (item: YMap, provider: Provider): Fix | undefined =>
            gate.identityFixable(pod, containerMap, item, provider) ? workloadIdentityFix({ text, docs, root: yaml.contents, pod, provider }) : undefined;
          for (const literal of envLiterals(text, containerMap)) {
            if (literal.valueNode.range?.[0] !== offset) continue;
            const fixes: Fix[] = [];
            const edit = secretRefEdit(text, literal);
            if (edit) fixes.push({ title: 'Read it from a Secret (valueFrom.secretKeyRef)', edits: [edit], placeholders: [SECRET_NAME_PLACEHOLDER] });
            const provider = literalProvider(literal);
            const wi = provider ? identity(literal.item, provider) : undefined;
            if (wi) fixes.push(wi);
            return fixes;
          }
          for (const key of mountedKeys(text, pod, containerMap)) {
            if (key.valueNode.range?.[0] !== offset) continue;
            const wi = identity(key.item, 'gcp');
            return wi ? [wi] : [];
          }
        }
      }
    }
    return [];
  },
});
