import { isMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { mapEntries, nodeSpan, pairOf, pairSpan, valueOf } from '../../server/src/engine/parse/yaml';
import { allScalars, extendedJobs, gitlabJobs, rawText, type GitlabJob } from '../lib/gitlab-ci';
import docs from './docs.md';

const LEGACY = 'CI_JOB_JWT';
export const AUD_PLACEHOLDER = 'https://<VAULT_HOST>';

export default defineRule({
  id: 'gl-ci-job-jwt-deprecated',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['gitlab-ci'],
  keywords: ['ci_job_jwt', 'vault'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    if (document.containsKeyword('ci_job_jwt')) {
      for (const yaml of document.yaml()) {
        if (!isMap(yaml.contents)) continue;
        for (const { key, pair } of mapEntries(yaml.contents)) {
          for (const scalar of allScalars(pair.value)) {
            const raw = rawText(document, scalar);
            if (!raw) continue;
            for (let at = raw.text.indexOf(LEGACY); at !== -1; at = raw.text.indexOf(LEGACY, at + LEGACY.length)) {
              const name = legacyName(raw.text, at);
              if (!name) continue;
              report({
                span: [raw.start + at, raw.start + at + name.length],
                message: `${key === 'variables' ? 'The global variables use' : `'${key}' uses`} $${name}, the job JWT GitLab deprecated in 15.9 and removed in 17.0; it has no audience, so every service that accepts it accepts the same token. Declare an ID token with \`id_tokens:\` and an \`aud:\` for the one service that reads it, and use that variable instead.`,
                construct: `${key}:${name}`,
                fixable: false,
              });
            }
          }
        }
      }
    }
    for (const job of gitlabJobs(document)) {
      const secrets = pairOf(job.job, 'secrets');
      if (!secrets || !readsVault(secrets.value) || hasIdTokens(job)) continue;
      const span = pairSpan(secrets);
      if (!span) continue;
      report({
        span: [span[0], span[0] + 'secrets'.length],
        message: `Job '${job.name}' reads Vault secrets without an ID token, so GitLab would authenticate with the legacy CI_JOB_JWT, removed in GitLab 17.0. Add \`id_tokens:\` with an \`aud:\` that the Vault JWT role lists in bound_audiences.`,
        construct: `${job.name}:secrets:vault`,
        data: { job: job.name },
        fixable: !job.job.flow,
      });
    }
  },
  fix({ document, finding }) {
    const name = finding.data?.job;
    const job = [...gitlabJobs(document)].find((j) => j.name === name);
    const start = job && nodeSpan(job.job)?.[0];
    if (!job || start === undefined) return [];
    const editor = new YamlCstEditor(document.text);
    const map = editor.blockMapAt(start);
    if (!map) return [];
    const at = editor.indexOf(map, 'secrets');
    editor.insertEntries(map, `id_tokens:\n  VAULT_ID_TOKEN:\n    aud: ${AUD_PLACEHOLDER}\n`, at === -1 ? undefined : at);
    return [
      {
        title: 'Add an ID token for Vault (id_tokens: VAULT_ID_TOKEN with aud)',
        edits: diffToEdits(document.text, editor.toString()),
        placeholders: [AUD_PLACEHOLDER],
      },
    ];
  },
});

/** `CI_JOB_JWT`, `CI_JOB_JWT_V1` or `CI_JOB_JWT_V2` at `at`, as a whole variable name. */
function legacyName(text: string, at: number): string | undefined {
  if (at > 0 && /\w/.test(text[at - 1]!)) return undefined;
  let end = at + LEGACY.length;
  if (text[end] === '_' && text[end + 1] === 'V' && (text[end + 2] === '1' || text[end + 2] === '2')) end += 3;
  if (end < text.length && /\w/.test(text[end]!)) return undefined;
  return text.slice(at, end);
}

/** Whether any entry of a job's `secrets:` reads from HashiCorp Vault. */
function readsVault(secrets: unknown): boolean {
  return mapEntries(secrets).some(({ pair }) => isMap(pair.value) && pairOf(pair.value, 'vault') !== undefined);
}

/** The job, `default:`, or a job it extends in this file declares `id_tokens:`; true when it extends a job defined elsewhere. */
function hasIdTokens(job: GitlabJob, seen = new Set<string>()): boolean {
  if (valueOf(job.job, 'id_tokens') !== undefined || valueOf(valueOf(job.root, 'default'), 'id_tokens') !== undefined) return true;
  seen.add(job.name);
  const { names, missing } = extendedJobs(job);
  // A template from an included file may bring the tokens along: give it the benefit of the doubt.
  if (missing) return true;
  return names.some((parent) => {
    const parentJob = valueOf(job.root, parent);
    return !seen.has(parent) && isMap(parentJob) && hasIdTokens({ name: parent, job: parentJob as GitlabJob['job'], root: job.root }, seen);
  });
}
