import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, pairSpan } from '../../server/src/engine/parse/yaml';
import { workflowEnvMaps, workflowSteps } from '../lib/github-actions';
import { secretNames, sourceText } from '../lib/github-step-fix';
import docs from './docs.md';
import { looksLikePat, patFixable, patFixes, TOKEN_ENV, TOKEN_INPUTS, WorkflowIndex, type TokenRef } from './fix';

export { looksLikePat };

export default defineRule({
  id: 'gha-pat-instead-of-app-token',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['pat', 'gh_token', '_github_token', 'personal_access_token'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const seen = new Set<number>();
    const index = new WorkflowIndex(document);
    const docs = index.docs;
    const docIndex = new Map(docs.map((yaml, i) => [yaml, i]));
    const flag = (pair: Parameters<typeof pairSpan>[0], where: string, construct: string, ref: TokenRef) => {
      const span = pairSpan(pair);
      if (!span || seen.has(span[0]) || pair.value === null) return;
      const name = secretNames(sourceText(document, pair.value)).find(looksLikePat);
      if (!name) return;
      seen.add(span[0]);
      report({
        span,
        construct: `${construct}:${name}`,
        message: `${where} uses secrets.${name}, which by its name is a personal access token: it carries its owner's access to every repository they can reach and lives until it expires or is revoked. Use the job's GITHUB_TOKEN with explicit permissions, or a 1-hour installation token from actions/create-github-app-token when another repository is needed.`,
        data: { ...ref },
        fixable: patFixable(index, ref),
      });
    };
    for (const step of workflowSteps(document)) {
      for (const { key, pair } of mapEntries(step.with)) {
        if (!TOKEN_INPUTS.includes(key)) continue;
        const ref: TokenRef = { doc: docIndex.get(step.yaml) ?? -1, level: 'step', jobId: step.jobId, stepIndex: step.index, via: 'with', key };
        flag(pair, `The ${key} input of ${step.action ?? 'a step'} in ${step.owner}`, `${step.jobId}:${step.action ?? ''}:${key}`, ref);
      }
    }
    docs.forEach((yaml, doc) => {
      for (const { env, jobId, stepIndex, owner } of workflowEnvMaps(yaml.contents)) {
        const level = stepIndex !== undefined ? 'step' : jobId !== undefined ? 'job' : 'workflow';
        for (const { key, pair } of mapEntries(env)) {
          if (!TOKEN_ENV.includes(key)) continue;
          const ref: TokenRef = { doc, level, ...(jobId !== undefined ? { jobId } : {}), ...(stepIndex !== undefined ? { stepIndex } : {}), via: 'env', key };
          flag(pair, `${key} in env:${owner ? ` of ${owner}` : ''}`, `${jobId ?? ''}:env:${key}`, ref);
        }
      }
    });
  },
  fix({ document, finding }) {
    return patFixes(new WorkflowIndex(document), finding.data as unknown as TokenRef);
  },
});
