import type { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { isMap, mapEntries, nodeSpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { WorkflowStep } from './github-actions';

/** How a fix title says the job gets the OIDC token: granted here, or by the job that calls a composite action. */
export function idTokenGrant(step: WorkflowStep): string {
  return step.composite ? '(the calling job grants id-token: write)' : '+ id-token: write';
}

/**
 * Makes a job able to request the GitHub OIDC token. A job-level `permissions:` block replaces
 * the workflow-level one rather than merging with it, so a new job block starts from the
 * workflow's scopes (or `contents: read`, which checkout needs) and adds `id-token: write`.
 */
export function withIdTokenWrite(editor: YamlCstEditor, jobCst: NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>, step: WorkflowStep): void {
  // A composite action's steps get the calling job's permissions: nothing to grant in this file.
  if (step.composite) return;
  const job = step.job;
  const workflowPermissions = valueOf(step.yaml.contents, 'permissions');
  const jobPermissions = valueOf(job, 'permissions');
  if (isMap(jobPermissions)) {
    const permissionsCst = editor.blockMapAt(nodeSpan(jobPermissions)![0]);
    if (!permissionsCst) return;
    const current = scalarString(pairOf(jobPermissions, 'id-token')?.value);
    if (current === undefined) editor.insertEntries(permissionsCst, 'id-token: write\n');
    else if (current !== 'write') editor.setScalar(permissionsCst, 'id-token', 'write');
    return;
  }
  // `write-all` already grants id-token; any other scalar is left for the user to decide.
  if (jobPermissions !== undefined && jobPermissions !== null) return;
  // Jobs inherit the workflow's block; if it already allows the token there is nothing to add.
  if (isMap(workflowPermissions) && scalarString(pairOf(workflowPermissions, 'id-token')?.value) === 'write') return;
  if (scalarString(workflowPermissions) === 'write-all') return;

  const scopes = new Map<string, string>([['contents', 'read']]);
  if (isMap(workflowPermissions)) {
    scopes.clear();
    for (const { key, pair } of mapEntries(workflowPermissions)) {
      const value = scalarString(pair.value);
      if (value !== undefined) scopes.set(key, value);
    }
  }
  scopes.set('id-token', 'write');
  const block = ['permissions:', ...[...scopes].map(([scope, level]) => `  ${scope}: ${level}`)].join('\n') + '\n';
  const after = editor.indexOf(jobCst, 'runs-on');
  const steps = editor.indexOf(jobCst, 'steps');
  editor.insertEntries(jobCst, block, after !== -1 ? after + 1 : steps !== -1 ? steps : undefined);
}
