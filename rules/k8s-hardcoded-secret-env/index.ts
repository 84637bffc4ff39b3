import { isMap, isScalar, isSeq, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { isSettingValue, namesCredentialOrKeyId } from '../lib/credential-names';
import { allMaps, containerMaps, isTemplated } from '../lib/k8s-yaml';
import docs from './docs.md';

export const SECRET_NAME_PLACEHOLDER = '<SECRET_NAME>';

/** Well-known credential formats: a literal in one of these is certainly a live secret. */
const KNOWN_FORMAT = /^(?:(?:AKIA|ASIA)[A-Z0-9]{16}$|gh[pousr]_[A-Za-z0-9]{30}|github_pat_|glpat-|xox[abpr]-|sk-[A-Za-z0-9_-]{20}|sk_live_|hvs\.|npm_[A-Za-z0-9]{30}|SG\.[\w-]{16}|AIza[\w-]{30}|-----BEGIN)/;

interface EnvLiteral {
  readonly container: string;
  readonly containerMap: YAMLMap<unknown, unknown>;
  readonly name: string;
  readonly keyNode: Scalar;
  readonly valueNode: Scalar;
  readonly value: string;
  readonly item: YAMLMap<unknown, unknown>;
}

function* envLiterals(text: string, root: unknown): Generator<EnvLiteral> {
  for (const container of containerMaps(root)) {
    const env = valueOf(container, 'env');
    if (!isSeq(env)) continue;
    for (const item of env.items) {
      if (!isMap(item)) continue;
      const name = scalarString(valueOf(item, 'name'));
      const pair = pairOf(item, 'value');
      if (!name || !pair || !isScalar(pair.value) || !isScalar(pair.key)) continue;
      const value = scalarString(pair.value);
      if (value === undefined || isTemplated(text, pair.value) || !namesCredentialOrKeyId(name)) continue;
      // `$(OTHER_VAR)` is expanded by the kubelet from another variable; not a literal.
      if (value.includes('$(') || isSettingValue(value)) continue;
      yield { container: scalarString(valueOf(container, 'name')) ?? '(unnamed)', containerMap: container, name, keyNode: pair.key as Scalar, valueNode: pair.value as Scalar, value, item: item as YAMLMap<unknown, unknown> };
    }
  }
}

/** `value: literal` → `valueFrom.secretKeyRef`, indented like the `value` key. */
function secretRefEdit(text: string, literal: EnvLiteral): TextEdit | undefined {
  if (literal.item.flow) return undefined;
  const keyStart = literal.keyNode.range?.[0];
  const valueEnd = literal.valueNode.range?.[1];
  if (keyStart === undefined || valueEnd === undefined) return undefined;
  if (text.slice(keyStart, valueEnd).includes('\n')) return undefined;
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
      for (const literal of envLiterals(text, yaml.contents)) {
        const known = KNOWN_FORMAT.test(literal.value);
        report({
          span: [literal.valueNode.range![0], literal.valueNode.range![1]],
          secret: literal.value,
          ...(known ? { severity: 'error' as const } : {}),
          message: `Container '${literal.container}' sets ${literal.name} to a literal ${known ? 'credential' : 'value'} ({{secret}}) in the manifest: everyone who can read the repository or get the pod can read it, and it never expires; reference a Secret (valueFrom.secretKeyRef) fed from a secret store, or use workload identity.`,
          construct: `${docIndex}:${literal.container}:${literal.name}`,
          data: { offset: literal.valueNode.range![0] },
          fixable: secretRefEdit(text, literal) !== undefined || irsaFix(text, yaml.contents, literal) !== undefined,
        });
      }
    }
  },
  fix({ document, finding }) {
    const offset = finding.data?.offset as number;
    for (const yaml of document.yaml()) {
      for (const literal of envLiterals(document.text, yaml.contents)) {
        if (literal.valueNode.range?.[0] !== offset) continue;
        const fixes: Fix[] = [];
        const edit = secretRefEdit(document.text, literal);
        if (edit) fixes.push({ title: 'Read it from a Secret (valueFrom.secretKeyRef)', edits: [edit], placeholders: [SECRET_NAME_PLACEHOLDER] });
        const irsa = irsaFix(document.text, yaml.contents, literal);
        if (irsa) fixes.push(irsa);
        return fixes;
      }
    }
    return [];
  },
});

/** The static AWS credential variables IRSA replaces (the SDK's default chain would read them first). */
const AWS_STATIC_KEYS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
export const IRSA_ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';

/**
 * EKS IAM roles for service accounts: the container's static AWS keys are removed, the pod runs
 * as a ServiceAccount of its own, and that ServiceAccount is created beside the manifest with the
 * role annotation. Offered only when the pod uses the default ServiceAccount: annotating one
 * defined elsewhere is not an edit this file can make.
 */
function irsaFix(text: string, root: unknown, literal: EnvLiteral): Fix | undefined {
  if (!AWS_STATIC_KEYS.has(literal.name)) return undefined;
  const spec = podSpecOf(root, literal.containerMap);
  if (!spec || spec.flow || valueOf(spec, 'serviceAccountName') !== undefined || valueOf(spec, 'serviceAccount') !== undefined) return undefined;
  const env = valueOf(literal.containerMap, 'env');
  if (!isSeq(env) || env.flow) return undefined;
  const removed = (env as YAMLSeq<unknown>).items.filter(
    // Only literal values: an entry already read from a Secret is another fix's work, left to k8s-static-creds-shadow-wi.
    (item): item is YAMLMap<unknown, unknown> => isMap(item) && AWS_STATIC_KEYS.has(scalarString(valueOf(item, 'name')) ?? '') && isScalar(valueOf(item, 'value')),
  );
  const edits: TextEdit[] = [];
  if (removed.length === env.items.length) {
    // Nothing else in `env`: the key goes too.
    const pair = literal.containerMap.items.find((item) => isScalar(item.key) && item.key.value === 'env');
    const start = (pair?.key as Scalar | undefined)?.range?.[0];
    if (start === undefined || !env.range) return undefined;
    edits.push({ span: [lineStart(text, start), lineStartAfter(text, env.range[1] - 1)] as const, newText: '' });
  } else {
    for (const item of removed) {
      if (!item.range || item.flow) return undefined;
      edits.push({ span: [lineStart(text, item.range[0]), lineStartAfter(text, item.range[1] - 1)] as const, newText: '' });
    }
  }
  const workload = allMaps(root).next().value;
  const metadata = valueOf(workload, 'metadata');
  const base = scalarString(valueOf(metadata, 'name')) ?? literal.container;
  const account = `${base}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60) || 'workload';
  const namespace = scalarString(valueOf(metadata, 'namespace'));
  // First in the pod spec, where it is read before the containers (and away from the file's end).
  const firstKey = (spec.items[0]?.key as Scalar | undefined)?.range?.[0];
  if (firstKey === undefined) return undefined;
  const keyLine = lineStart(text, firstKey);
  const indent = text.slice(keyLine, firstKey);
  if (!/^[ ]*$/.test(indent)) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  edits.push({ span: [keyLine, keyLine], newText: `${indent}serviceAccountName: ${account}${eol}` });
  const file = `${account}-serviceaccount.yaml`;
  return {
    title: `Use IAM roles for service accounts: remove the static AWS keys and run as ServiceAccount '${account}' (new file ${file})`,
    edits,
    createFiles: [
      {
        path: file,
        text: [
          '# IAM roles for service accounts (EKS): pods running as this ServiceAccount get temporary credentials',
          '# for the role through the SDK default credential chain, so no access keys are stored. The role must',
          `# trust the cluster's OIDC provider for system:serviceaccount:${namespace ?? '<NAMESPACE>'}:${account}.`,
          'apiVersion: v1',
          'kind: ServiceAccount',
          'metadata:',
          `  name: ${account}`,
          ...(namespace ? [`  namespace: ${namespace}`] : []),
          '  annotations:',
          `    eks.amazonaws.com/role-arn: "${IRSA_ROLE_PLACEHOLDER}"`,
          '',
        ].join('\n'),
      },
    ],
    placeholders: [IRSA_ROLE_PLACEHOLDER],
  };
}

/** The pod spec (the map whose `containers`-like list holds `container`). */
function podSpecOf(root: unknown, container: YAMLMap<unknown, unknown>): YAMLMap<unknown, unknown> | undefined {
  for (const map of allMaps(root)) {
    for (const item of map.items) {
      if (isSeq(item.value) && item.value.items.includes(container)) return map;
    }
  }
  return undefined;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineStartAfter(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}
