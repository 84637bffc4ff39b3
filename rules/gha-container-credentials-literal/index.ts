import { isAlias, isMap, type Document, type Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { isExpressionReference } from '../lib/github-actions';
import docs from './docs.md';

export default defineRule({
  id: 'gha-container-credentials-literal',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['credentials'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const yaml of document.yaml()) {
      for (const { key: jobId, pair } of mapEntries(valueOf(yaml.contents, 'jobs'))) {
        const job = pair.value;
        if (!isMap(job)) continue;
        const targets: Array<{ name: string; what: string; node: unknown }> = [{ name: 'container', what: `the job container of '${jobId}'`, node: valueOf(job, 'container') }];
        for (const service of mapEntries(valueOf(job, 'services'))) {
          targets.push({ name: service.key, what: `service '${service.key}' of job '${jobId}'`, node: service.pair.value });
        }
        for (const target of targets) {
          // `credentials: *shared` is common; the anchored map is where the password is written.
          const credentials = resolved(yaml, valueOf(target.node, 'credentials'));
          const password = pairOf(credentials, 'password');
          const value = scalarString(password?.value);
          const span = nodeSpan(password?.value as Node | null | undefined);
          if (!password || value === undefined || value.trim() === '' || !span || isExpressionReference(value)) continue;
          report({
            span,
            secret: value,
            construct: `${jobId}:${target.name}`,
            message: `The registry password for ${target.what} is written in the workflow ({{secret}}): everyone who can read the repository can use it, and it never expires; reference a secret instead.`,
            data: { secretName: `${target.name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_REGISTRY_PASSWORD` },
          });
        }
      }
    }
  },
  fix({ finding }) {
    const name = String(finding.data?.secretName ?? 'REGISTRY_PASSWORD');
    const placeholder = name;
    return [
      {
        title: `Read the password from secrets.${name}`,
        edits: [{ span: finding.span, newText: `\${{ secrets.${placeholder} }}` }],
        isPreferred: true,
        placeholders: [placeholder],
      },
    ];
  },
});

function resolved(yaml: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(yaml) : node;
}
