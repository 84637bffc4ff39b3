import type { YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { isMap, nodeSpan, pairOf, pairSpan, scalarString, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { withIdTokenWrite } from '../lib/github-permissions';
import { canGrantIdToken, findStep, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

/** Whether a step signs in through the GitHub OIDC token (and so needs `id-token: write`). */
function oidcSignIn(step: WorkflowStep): boolean {
  const has = (input: string) => {
    const value = stepInput(step, input)?.value;
    return value !== undefined && value !== null && (scalarString(value) ?? 'x') !== '';
  };
  const is = (input: string, expected: string) => scalarString(stepInput(step, input)?.value)?.toLowerCase() === expected;
  switch (step.action) {
    case 'aws-actions/configure-aws-credentials':
      // Static keys, a token file of another issuer, or force-skip-oidc mean no GitHub token is requested.
      return (
        has('role-to-assume') &&
        !has('aws-access-key-id') &&
        !has('aws-secret-access-key') &&
        !has('web-identity-token-file') &&
        !is('force-skip-oidc', 'true')
      );
    case 'google-github-actions/auth':
      return has('workload_identity_provider') && !has('credentials_json');
    case 'azure/login':
      // `auth-type: IDENTITY` signs in with a managed identity of the runner, not with OIDC.
      return has('client-id') && !has('creds') && !is('auth-type', 'identity');
    case 'hashicorp/vault-action':
      // With `jwtPrivateKey` the action signs its own JWT instead of requesting GitHub's.
      return is('method', 'jwt') && !has('jwtPrivateKey');
    default:
      return false;
  }
}

type Permissions = { granted: boolean; known: boolean; why: string };

/** The job's effective permissions as far as `id-token` goes (a job-level block replaces the workflow's). */
function idTokenPermission(step: WorkflowStep): Permissions {
  // A composite action runs with the permissions of the job that calls it, which is not in this file.
  if (step.composite) return { granted: true, known: false, why: '' };
  const job = valueOf(step.job, 'permissions');
  const workflow = valueOf(step.yaml.contents, 'permissions');
  const own = job !== undefined && job !== null;
  const effective = own ? job : workflow;
  const where = own ? 'the job-level permissions (which replace the workflow-level ones)' : 'the workflow-level permissions';
  if (effective === undefined || effective === null) {
    // A reusable workflow without a block runs with the permissions its caller grants.
    if (isReusable(step.yaml.contents)) return { granted: true, known: false, why: '' };
    return { granted: false, known: true, why: 'no permissions are set, so the repository default applies, and it does not include id-token' };
  }
  if (isMap(effective)) {
    const level = scalarString(valueOf(effective, 'id-token'));
    if (level?.includes('${{')) return { granted: true, known: false, why: '' };
    return { granted: level === 'write', known: true, why: `${where} ${level ? `set id-token: ${level}` : 'do not include id-token'}` };
  }
  const scalar = scalarString(effective);
  if (scalar === 'write-all') return { granted: true, known: true, why: '' };
  if (scalar === 'read-all') return { granted: false, known: true, why: `${where} are read-all, which grants no write scope` };
  return { granted: true, known: false, why: '' };
}

function isReusable(root: unknown): boolean {
  const on = valueOf(root, 'on');
  if (isMap(on)) return pairOf(on, 'workflow_call') !== undefined;
  return scalarString(on) === 'workflow_call' || seqItems(on).some((item) => scalarString(item) === 'workflow_call');
}

/** A fix keeps the scopes the job has; `read-all` at workflow level cannot be spelled out as a block, so it is left to the user. */
function fixable(step: WorkflowStep): boolean {
  if (step.job.flow || !canGrantIdToken(step)) return false;
  const job = valueOf(step.job, 'permissions');
  if (job !== undefined && job !== null) return true;
  const workflow = valueOf(step.yaml.contents, 'permissions');
  return workflow === undefined || workflow === null || isMap(workflow);
}

export default defineRule({
  id: 'gha-oidc-missing-id-token',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['configure-aws-credentials', 'google-github-actions/auth', 'azure/login', 'vault-action'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const seen = new Set<YAMLMap<unknown, unknown>>();
    for (const step of workflowSteps(document)) {
      if (seen.has(step.job) || !oidcSignIn(step)) continue;
      seen.add(step.job);
      const permission = idTokenPermission(step);
      if (permission.granted || !permission.known) continue;
      const uses = pairOf(step.step, 'uses');
      const span = uses && pairSpan(uses);
      if (!span) continue;
      report({
        span,
        message: `${step.action} in ${step.owner} signs in with the GitHub OIDC token, but the job may not request it: ${permission.why}. Grant the job id-token: write, keeping the scopes it already needs.`,
        construct: `${step.jobId}:${step.action}:id-token`,
        data: stepRef(step),
        fixable: fixable(step),
      });
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const span = step && nodeSpan(step.job);
    if (!step || !span) return [];
    const editor = new YamlCstEditor(document.text);
    const jobMap = editor.blockMapAt(span[0]);
    if (!jobMap) return [];
    withIdTokenWrite(editor, jobMap, step);
    const text = editor.toString();
    if (text === document.text) return [];
    return [{ title: 'Grant the job id-token: write (keeping its other scopes)', edits: diffToEdits(document.text, text), isPreferred: true }];
  },
});
