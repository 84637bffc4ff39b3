import type { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { isMap, mapEntries, nodeSpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { WorkflowStep } from './github-actions';

/** How a fix title says the job gets the OIDC token: granted here, or by the job that calls a composite action. */
export function idTokenGrant(step: WorkflowStep): string {
  return step.composite ? '(the calling job grants id-token: write)' : '+ id-token: write';
}

/**
 * Grants the step's job `<scope>: write`. A job-level `permissions:` block replaces the
 * workflow-level one rather than merging with it, so a new job block starts from the workflow's
 * scopes (or `contents: read`, which checkout needs) and adds the scope. A composite action's
 * steps get the calling job's permissions: there is nothing to grant in its file.
 */
export function grantJobScope(editor: YamlCstEditor, jobCst: NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>, step: WorkflowStep, scope: string): void {
  if (step.composite) return;
  const workflowPermissions = valueOf(step.yaml.contents, 'permissions');
  const jobPermissions = valueOf(step.job, 'permissions');
  if (isMap(jobPermissions)) {
    const permissionsCst = editor.blockMapAt(nodeSpan(jobPermissions)![0]);
    if (!permissionsCst) return;
    const current = scalarString(pairOf(jobPermissions, scope)?.value);
    if (current === undefined) editor.insertEntries(permissionsCst, `${scope}: write\n`);
    else if (current !== 'write') editor.setScalar(permissionsCst, scope, 'write');
    return;
  }
  // `write-all` already grants it; any other scalar is left for the user to decide.
  if (jobPermissions !== undefined && jobPermissions !== null) return;
  // Jobs inherit the workflow's block; if it already grants the scope there is nothing to add.
  if (isMap(workflowPermissions) && scalarString(pairOf(workflowPermissions, scope)?.value) === 'write') return;
  if (scalarString(workflowPermissions) === 'write-all') return;

  const scopes = new Map<string, string>([['contents', 'read']]);
  if (isMap(workflowPermissions)) {
    scopes.clear();
    for (const { key, pair } of mapEntries(workflowPermissions)) {
      const value = scalarString(pair.value);
      if (value !== undefined) scopes.set(key, value);
    }
  }
  scopes.set(scope, 'write');
  const block = ['permissions:', ...[...scopes].map(([name, level]) => `  ${name}: ${level}`)].join('\n') + '\n';
  const after = editor.indexOf(jobCst, 'runs-on');
  const steps = editor.indexOf(jobCst, 'steps');
  editor.insertEntries(jobCst, block, after !== -1 ? after + 1 : steps !== -1 ? steps : undefined);
}

/** Makes the step's job able to request the GitHub OIDC token. */
export function withIdTokenWrite(editor: YamlCstEditor, jobCst: NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>, step: WorkflowStep): void {
  grantJobScope(editor, jobCst, step, 'id-token');
}
