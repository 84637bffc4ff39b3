import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, pairSpan } from '../../server/src/engine/parse/yaml';
import { workflowEnvMaps, workflowSteps } from '../lib/github-actions';
import { secretNames, sourceText } from '../lib/github-step-fix';
import docs from './docs.md';

/** `with:` inputs through which actions take a GitHub token. */
const TOKEN_INPUTS = new Set(['token', 'github-token']);
/** Env variables the GitHub CLI and most scripts read a GitHub token from. */
const TOKEN_ENV = new Set(['GH_TOKEN', 'GITHUB_TOKEN']);

/** A secret name that, by convention, holds a personal access token rather than the job's GITHUB_TOKEN. */
export function looksLikePat(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper === 'GITHUB_TOKEN') return false;
  if (upper === 'GH_TOKEN' || upper.endsWith('_GITHUB_TOKEN') || upper.includes('PERSONAL_ACCESS_TOKEN')) return true;
  return upper.split(/[_-]/).some((part) => part === 'PAT' || part === 'GHPAT');
}

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
    const flag = (pair: Parameters<typeof pairSpan>[0], where: string, construct: string) => {
      const span = pairSpan(pair);
      if (!span || seen.has(span[0]) || pair.value === null) return;
      const name = secretNames(sourceText(document, pair.value)).find(looksLikePat);
      if (!name) return;
      seen.add(span[0]);
      report({
        span,
        construct: `${construct}:${name}`,
        message: `${where} uses secrets.${name}, which by its name is a personal access token: it carries its owner's access to every repository they can reach and lives until it expires or is revoked. Use the job's GITHUB_TOKEN with explicit permissions, or a 1-hour installation token from actions/create-github-app-token when another repository is needed.`,
      });
    };
    for (const step of workflowSteps(document)) {
      for (const { key, pair } of mapEntries(step.with)) {
        if (TOKEN_INPUTS.has(key)) flag(pair, `The ${key} input of ${step.action ?? 'a step'} in job '${step.jobId}'`, `${step.jobId}:${step.action ?? ''}:${key}`);
      }
    }
    for (const yaml of document.yaml()) {
      for (const { env, jobId } of workflowEnvMaps(yaml.contents)) {
        for (const { key, pair } of mapEntries(env)) {
          if (TOKEN_ENV.has(key)) flag(pair, `${key} in env:${jobId ? ` of job '${jobId}'` : ''}`, `${jobId ?? ''}:env:${key}`);
        }
      }
    }
  },
});
