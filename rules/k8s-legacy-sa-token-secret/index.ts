import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import docs from './docs.md';

const TOKEN_TYPE = 'kubernetes.io/service-account-token';

export default defineRule({
  id: 'k8s-legacy-sa-token-secret',
  category: 'missing-ttl',
  defaultSeverity: 'error',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: [TOKEN_TYPE],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const yaml of document.yaml()) {
      const root = yaml.contents;
      if (scalarString(valueOf(root, 'kind')) !== 'Secret') continue;
      const typePair = pairOf(root, 'type');
      if (scalarString(typePair?.value) !== TOKEN_TYPE) continue;
      const metadata = valueOf(root, 'metadata');
      const name = scalarString(valueOf(metadata, 'name')) ?? '(unnamed)';
      const account = scalarString(valueOf(valueOf(metadata, 'annotations'), 'kubernetes.io/service-account.name'));
      report({
        span: pairSpan(typePair!)!,
        message: `Secret '${name}' holds a non-expiring token${account ? ` for service account '${account}'` : ''}; request short-lived tokens (TokenRequest, projected volumes) instead.`,
        construct: `${scalarString(valueOf(metadata, 'namespace')) ?? ''}/${name}`,
      });
    }
  },
});
