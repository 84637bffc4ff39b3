import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import docs from './docs.md';

/** kubeconfig files often have no extension (`~/.kube/config`, `kubeconfig`, `ci.kubeconfig`). */
function isKubeconfigPath(path: string): boolean {
  const normalised = path.replace(/\\/g, '/').toLowerCase();
  const name = normalised.slice(normalised.lastIndexOf('/') + 1);
  return name.includes('kubeconfig') || normalised === '.kube/config' || normalised.endsWith('/.kube/config');
}

export default defineRule({
  id: 'k8s-insecure-skip-tls',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['kubernetes', 'yaml', 'text'],
  keywords: ['insecure-skip-tls-verify', 'insecureskiptlsverify'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    if (!document.hasKind('yaml') && !isKubeconfigPath(document.path)) return;
    for (const [docIndex, yaml] of document.yaml().entries()) {
      const root = yaml.contents;
      const kind = scalarString(valueOf(root, 'kind'));
      if (kind === 'Config' || (kind === undefined && isSeq(valueOf(root, 'clusters')))) {
        for (const entry of isSeq(valueOf(root, 'clusters')) ? (valueOf(root, 'clusters') as { items: unknown[] }).items : []) {
          if (!isMap(entry)) continue;
          const name = scalarString(valueOf(entry, 'name')) ?? '(unnamed)';
          const pair = pairOf(valueOf(entry, 'cluster'), 'insecure-skip-tls-verify');
          if (!pair || !isScalar(pair.value) || scalarString(pair.value) !== 'true') continue;
          report({
            span: [(pair.key as Scalar).range![0], pair.value.range![1]],
            message: `kubeconfig cluster '${name}' skips TLS verification: anyone on the network path can impersonate the API server and collect the credentials this kubeconfig sends (tokens, client certificates); set certificate-authority-data instead.`,
            construct: `${docIndex}:cluster:${name}`,
          });
        }
      }
      if (kind === 'APIService') {
        const pair = pairOf(valueOf(root, 'spec'), 'insecureSkipTLSVerify');
        if (!pair || !isScalar(pair.value) || scalarString(pair.value) !== 'true') continue;
        const name = scalarString(valueOf(valueOf(root, 'metadata'), 'name')) ?? '(unnamed)';
        report({
          span: [(pair.key as Scalar).range![0], pair.value.range![1]],
          message: `APIService '${name}' skips TLS verification of its backend: the API server forwards requests, with the caller's identity headers, to whatever answers; set spec.caBundle instead.`,
          construct: `${docIndex}:apiservice:${name}`,
        });
      }
    }
  },
});
