import { isMap, isScalar, type Scalar, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { allMaps, appendToBlockMap, isTemplated, replaceScalar } from '../lib/k8s-yaml';
import docs from './docs.md';

/** The API server rejects projected tokens shorter than ten minutes. */
const MIN_SECONDS = 600;
/** What `expirationSeconds` defaults to. */
const DEFAULT_SECONDS = 3600;
const IRSA_ANNOTATION = 'eks.amazonaws.com/token-expiration';

type Problem = 'projected' | 'projected-missing' | 'irsa';

export default defineRule({
  id: 'k8s-projected-token-ttl',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: ['serviceaccounttoken', IRSA_ANNOTATION],
  syntax: 'yaml',
  options: {
    warnSeconds: { type: 'number', default: 3600, description: 'Projected token lifetime above which to warn (3600, the Kubernetes default).' },
    errorSeconds: { type: 'number', default: 86400, description: 'Lifetime above which it is an error (24 hours, also the EKS pod identity webhook default for IRSA tokens).' },
  },
  docs,
  check({ document, options, report }) {
    const text = document.text;
    const warn = Number(options.warnSeconds);
    const error = Number(options.errorSeconds);
    const fixTo = Math.max(MIN_SECONDS, warn);
    for (const [docIndex, yaml] of document.yaml().entries()) {
      for (const map of allMaps(yaml.contents)) {
        const token = valueOf(map, 'serviceAccountToken');
        if (isMap(token)) {
          const tokenMap = token as YAMLMap<unknown, unknown>;
          const path = scalarString(valueOf(tokenMap, 'path')) ?? 'token';
          const audience = scalarString(valueOf(tokenMap, 'audience'));
          const what = `projected token '${path}'${audience ? ` (audience ${audience})` : ''}`;
          const pair = pairOf(tokenMap, 'expirationSeconds');
          if (!pair) {
            // Unset means one hour: a finding only when the configured limit is lower.
            if (DEFAULT_SECONDS <= warn) continue;
            const key = pairOf(map, 'serviceAccountToken')!.key as Scalar;
            report({
              span: [key.range![0], key.range![1]],
              message: `The ${what} has no expirationSeconds, so it lives ${DEFAULT_SECONDS} seconds (the default), over the ${warn}-second limit; set expirationSeconds.`,
              construct: `${docIndex}:${what}:missing`,
              data: { problem: 'projected-missing' satisfies Problem, offset: tokenMap.range?.[0], fixTo },
              fixable: appendToBlockMap(text, tokenMap, [`expirationSeconds: ${fixTo}`]) !== undefined,
            });
            continue;
          }
          if (!isScalar(pair.value) || isTemplated(text, pair.value)) continue;
          const seconds = Number(scalarString(pair.value));
          if (!Number.isFinite(seconds)) continue;
          const span: [number, number] = [(pair.key as Scalar).range![0], pair.value.range![1]];
          if (seconds < MIN_SECONDS) {
            report({
              span,
              severity: 'error',
              message: `The ${what} asks for expirationSeconds ${seconds}, below the ${MIN_SECONDS}-second minimum: the API server rejects the pod.`,
              construct: `${docIndex}:${what}`,
              data: { problem: 'projected' satisfies Problem, offset: pair.value.range![0], fixTo },
            });
          } else if (seconds > warn) {
            report({
              span,
              ...(seconds > error ? { severity: 'error' as const } : {}),
              message: `The ${what} lives ${describe(seconds)} (expirationSeconds ${seconds}), over the ${warn}-second limit; a token copied out of the pod stays usable that long.`,
              construct: `${docIndex}:${what}`,
              data: { problem: 'projected' satisfies Problem, offset: pair.value.range![0], fixTo },
            });
          }
        }
      }
      // IRSA: the EKS pod identity webhook projects the AWS web identity token with this lifetime.
      const root = yaml.contents;
      if (scalarString(valueOf(root, 'kind')) !== 'ServiceAccount') continue;
      const pair = pairOf(valueOf(valueOf(root, 'metadata'), 'annotations'), IRSA_ANNOTATION);
      if (!pair || !isScalar(pair.value) || isTemplated(text, pair.value)) continue;
      const seconds = Number(scalarString(pair.value));
      if (!Number.isFinite(seconds) || seconds <= error) continue;
      const name = scalarString(valueOf(valueOf(root, 'metadata'), 'name')) ?? '(unnamed)';
      report({
        span: [(pair.key as Scalar).range![0], pair.value.range![1]],
        message: `ServiceAccount '${name}' asks for ${describe(seconds)} IRSA web identity tokens (${IRSA_ANNOTATION}), over ${error} seconds; a token copied out of the pod can assume the role that long.`,
        construct: `${docIndex}:${name}:irsa`,
        data: { problem: 'irsa' satisfies Problem, offset: pair.value.range![0], fixTo: error },
      });
    }
  },
  fix({ document, finding }) {
    const { problem, offset, fixTo } = finding.data as { problem: Problem; offset: number; fixTo: number };
    for (const yaml of document.yaml()) {
      for (const map of allMaps(yaml.contents)) {
        if (problem === 'projected-missing' && map.range?.[0] === offset) {
          const edit = appendToBlockMap(document.text, map, [`expirationSeconds: ${fixTo}`]);
          return edit ? [{ title: `Set expirationSeconds: ${fixTo}`, edits: [edit] }] : [];
        }
        for (const item of map.items) {
          if (!isScalar(item.value) || item.value.range?.[0] !== offset) continue;
          const edit = replaceScalar(document.text, item.value, String(fixTo));
          const key = problem === 'irsa' ? IRSA_ANNOTATION : 'expirationSeconds';
          return edit ? [{ title: `Set ${key} to ${fixTo}`, edits: [edit] }] : [];
        }
      }
    }
    return [];
  },
});

function describe(seconds: number): string {
  if (seconds >= 172800) return `${Math.round(seconds / 86400)} days`;
  if (seconds >= 7200) return `${Math.round(seconds / 3600)} hours`;
  return `${seconds} seconds`;
}
