import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { isMap, mapEntries, pairSpan, scalarString, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowEnvMaps, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { canRewriteForOidc, findStep, readsStoredSecret, rewriteStep, sourceText, stepRef } from '../lib/github-step-fix';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

const ACTION = 'pypa/gh-action-pypi-publish';
const PYPI_HOSTS = ['upload.pypi.org', 'test.pypi.org', 'pypi.org'];

export default defineRule({
  id: 'gha-pypi-token-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['gh-action-pypi-publish', 'twine_password'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      const password = stepInput(step, 'password');
      const span = password && pairSpan(password);
      if (!password || !span || sourceText(document, password.value).trim() === '' || !toPyPI(step)) continue;
      const reusable = isReusableWorkflow(step);
      report({
        span,
        message: reusable
          ? `${ACTION} in ${step.owner} uploads with a stored PyPI API token; trusted publishing cannot run inside a reusable workflow, so publish from a job of the calling workflow with the job's GitHub OIDC token instead.`
          : `${ACTION} in ${step.owner} uploads with a stored PyPI API token; configure a trusted publisher on PyPI and drop password so the action uses the job's GitHub OIDC token.`,
        construct: `${step.jobId}:${ACTION}:password`,
        data: stepRef(step),
        fixable: !reusable && canRewriteForOidc(step),
      });
    }
    for (const yaml of document.yaml()) {
      for (const { env, jobId, owner } of workflowEnvMaps(yaml.contents)) {
        for (const { key, pair } of mapEntries(env)) {
          const span = pairSpan(pair);
          if (key !== 'TWINE_PASSWORD' || !span || !readsStoredSecret(sourceText(document, pair.value))) continue;
          const repository = scalarString(valueOf(env, 'TWINE_REPOSITORY_URL'));
          if (repository !== undefined && !PYPI_HOSTS.some((host) => repository.includes(host))) continue;
          report({
            span,
            message: `TWINE_PASSWORD hands a stored PyPI API token to ${owner ?? 'every job'}; publish with ${ACTION} and trusted publishing (GitHub OIDC) instead.`,
            construct: `${jobId ?? ''}:env:TWINE_PASSWORD`,
            fixable: false,
          });
        }
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step) return [];
    // `user` only ever accompanies `password` (its default is `__token__`).
    const result = rewriteStep(document, step, { remove: ['password', 'user'], idToken: true });
    if (!result) return [];
    return [
      {
        title: `Use PyPI trusted publishing: remove password ${idTokenGrant(step)}`,
        edits: diffToEdits(document.text, result.text),
        isPreferred: true,
      },
    ];
  },
});

/** Trusted publishing exists for PyPI and TestPyPI; another index keeps its own credentials. */
function toPyPI(step: WorkflowStep): boolean {
  const url = scalarString(stepInput(step, 'repository-url')?.value) ?? scalarString(stepInput(step, 'repository_url')?.value);
  return url === undefined || PYPI_HOSTS.some((host) => url.includes(host));
}

/** A workflow triggered by `workflow_call`: PyPI refuses trusted publishing from inside one. */
function isReusableWorkflow(step: WorkflowStep): boolean {
  const on = valueOf(step.yaml.contents, 'on');
  if (scalarString(on) === 'workflow_call') return true;
  if (seqItems(on).some((item) => scalarString(item) === 'workflow_call')) return true;
  return isMap(on) && mapEntries(on).some(({ key }) => key === 'workflow_call');
}
