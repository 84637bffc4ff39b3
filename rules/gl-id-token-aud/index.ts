import { isMap, isSeq } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { gitlabJobs } from '../lib/gitlab-ci';
import docs from './docs.md';

export default defineRule({
  id: 'gl-id-token-aud',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['gitlab-ci'],
  keywords: ['id_tokens'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const owners: Array<{ label: string; name: string; map: unknown }> = [];
    for (const yaml of document.yaml()) owners.push({ label: 'default:', name: 'default', map: valueOf(valueOf(yaml.contents, 'default'), 'id_tokens') });
    for (const job of gitlabJobs(document)) owners.push({ label: `job '${job.name}'`, name: job.name, map: valueOf(job.job, 'id_tokens') });
    for (const { label, name, map } of owners) {
      for (const { key, pair } of mapEntries(map)) {
        const aud = isMap(pair.value) ? pairOf(pair.value, 'aud') : undefined;
        const audiences = isSeq(aud?.value) ? aud.value.items.map(scalarString).filter(Boolean) : [scalarString(aud?.value)].filter(Boolean);
        if (audiences.length === 0) {
          const keySpan = nodeSpan(pair.key);
          if (!keySpan) continue;
          report({
            span: keySpan,
            message: `ID token ${key} in ${label} has no \`aud:\`; give it the one audience of the service that consumes it (e.g. \`aud: https://vault.example.com\`), so the token is accepted there and nowhere else.`,
            construct: `${name}:${key}:no-aud`,
          });
        } else if (new Set(audiences).size > 1) {
          const span = aud && pairSpan(aud);
          if (!span) continue;
          report({
            span,
            message: `ID token ${key} in ${label} is valid for ${new Set(audiences).size} audiences, so each of those services could replay it against the others; declare one ID token per service, each with a single \`aud:\`.`,
            construct: `${name}:${key}:aud:${[...new Set(audiences)].sort().join(',')}`,
          });
        }
      }
    }
  },
});
