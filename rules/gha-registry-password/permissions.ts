import type { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { isMap, mapEntries, nodeSpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { WorkflowStep } from '../lib/github-actions';

type BlockMap = NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>;

/** Whether `<scope>: write` can be granted to the step's job by editing block YAML in place. */
export function canGrantScope(step: WorkflowStep): boolean {
  if (step.composite) return true;
  if (step.job.flow) return false;
  const job = valueOf(step.job, 'permissions');
  if (isMap(job)) return !job.flow;
  if (job !== undefined && job !== null) return scalarString(job) === 'write-all';
  const workflow = valueOf(step.yaml.contents, 'permissions');
  if (workflow === undefined || workflow === null) return true;
  if (isMap(workflow)) return !workflow.flow;
  return scalarString(workflow) === 'write-all';
}

/**
 * Grants the job `<scope>: write`. A job-level block replaces the workflow-level one, so a new
 * block starts from the workflow's scopes (or `contents: read`, which checkout needs).
 */
export function grantScope(editor: YamlCstEditor, jobCst: BlockMap, step: WorkflowStep, scope: string): void {
  // A composite action's steps get the calling job's permissions: nothing to grant in this file.
  if (step.composite) return;
  const job = step.job;
  const workflowPermissions = valueOf(step.yaml.contents, 'permissions');
  const jobPermissions = valueOf(job, 'permissions');
  if (isMap(jobPermissions)) {
    const permissionsCst = editor.blockMapAt(nodeSpan(jobPermissions)![0]);
    if (!permissionsCst) return;
    const current = scalarString(pairOf(jobPermissions, scope)?.value);
    if (current === undefined) editor.insertEntries(permissionsCst, `${scope}: write\n`);
    else if (current !== 'write') editor.setScalar(permissionsCst, scope, 'write');
    return;
  }
  if (jobPermissions !== undefined && jobPermissions !== null) return;
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
