import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { TextEdit } from '../../server/src/engine/types';
import { isSettingValue, namesCredentialOrKeyId } from '../lib/credential-names';
import { containerMaps, isTemplated } from '../lib/k8s-yaml';
import docs from './docs.md';

export const SECRET_NAME_PLACEHOLDER = '<SECRET_NAME>';

/** Well-known credential formats: a literal in one of these is certainly a live secret. */
const KNOWN_FORMAT = /^(?:(?:AKIA|ASIA)[A-Z0-9]{16}$|gh[pousr]_[A-Za-z0-9]{30}|github_pat_|glpat-|xox[abpr]-|sk-[A-Za-z0-9_-]{20}|sk_live_|hvs\.|npm_[A-Za-z0-9]{30}|SG\.[\w-]{16}|AIza[\w-]{30}|-----BEGIN)/;

interface EnvLiteral {
  readonly container: string;
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
      yield { container: scalarString(valueOf(container, 'name')) ?? '(unnamed)', name, keyNode: pair.key as Scalar, valueNode: pair.value as Scalar, value, item: item as YAMLMap<unknown, unknown> };
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
          fixable: secretRefEdit(text, literal) !== undefined,
        });
      }
    }
  },
  fix({ document, finding }) {
    const offset = finding.data?.offset as number;
    for (const yaml of document.yaml()) {
      for (const literal of envLiterals(document.text, yaml.contents)) {
        if (literal.valueNode.range?.[0] !== offset) continue;
        const edit = secretRefEdit(document.text, literal);
        return edit ? [{ title: 'Read it from a Secret (valueFrom.secretKeyRef)', edits: [edit], placeholders: [SECRET_NAME_PLACEHOLDER] }] : [];
      }
    }
    return [];
  },
});
