import { isMap, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { WorkflowStep } from '../lib/github-actions';

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
