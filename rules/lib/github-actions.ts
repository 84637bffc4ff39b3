import type { Node, Pair, YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, mapEntries, pairOf, scalarString, seqItems, valueOf, type YamlDocument } from '../../server/src/engine/parse/yaml';

/** One step of one job in a GitHub Actions workflow, with the nodes rules and fixes need. */
export interface WorkflowStep {
  readonly yaml: YamlDocument;
  readonly jobId: string;
  readonly job: YAMLMap<unknown, unknown>;
  readonly step: YAMLMap<unknown, unknown>;
  readonly index: number;
  /** `uses:` without the `@ref`, lower-cased; undefined for `run:` steps. */
  readonly action: string | undefined;
  readonly with: YAMLMap<unknown, unknown> | undefined;
  /** True for a step of a composite action (`action.yml`'s `runs.steps`): its "job" is the `runs` map, and permissions are the calling job's. */
  readonly composite: boolean;
  /** What runs the step, as messages name it: `job 'build'`, or `the composite action`. */
  readonly owner: string;
}

/** The key composite-action steps are listed under, in place of a job id (`runs.steps`). */
const COMPOSITE_JOB_ID = 'runs';
const COMPOSITE_OWNER = 'the composite action';

type StepList = { jobId: string; job: YAMLMap<unknown, unknown>; steps: unknown[]; composite: boolean; owner: string };

/**
 * The step lists of a workflow's jobs, or of a composite action (`runs: {using: composite, steps}`),
 * with the map that holds each list and how messages name it.
 */
function stepLists(root: unknown): StepList[] {
  const lists: StepList[] = [];
  for (const { key: jobId, pair } of mapEntries(valueOf(root, 'jobs'))) {
    const job = pair.value;
    if (isMap(job)) lists.push({ jobId, job, steps: seqItems(valueOf(job, 'steps')), composite: false, owner: `job '${jobId}'` });
  }
  const runs = valueOf(root, 'runs');
  if (isMap(runs) && scalarString(valueOf(runs, 'using')) === 'composite') {
    lists.push({ jobId: COMPOSITE_JOB_ID, job: runs, steps: seqItems(valueOf(runs, 'steps')), composite: true, owner: COMPOSITE_OWNER });
  }
  return lists;
}

/** The `env:` maps a step sees, nearest first: its own, its job's, the workflow's (a name in a nearer one wins). */
export function envLevels(step: WorkflowStep): ReadonlyArray<readonly ['step' | 'job' | 'workflow', unknown]> {
  return [
    ['step', valueOf(step.step, 'env')],
    ['job', valueOf(step.job, 'env')],
    ['workflow', valueOf(step.yaml.contents, 'env')],
  ];
}

/** Every step of every job, in document order: collected once per document version, shared by the rules. */
export function workflowSteps(document: ParsedDocument): readonly WorkflowStep[] {
  return document.derived(collectWorkflowSteps);
}

function collectWorkflowSteps(document: ParsedDocument): WorkflowStep[] {
  const collected: WorkflowStep[] = [];
  for (const yaml of document.yaml()) {
    for (const { jobId, job, steps, composite, owner } of stepLists(yaml.contents)) {
      for (let index = 0; index < steps.length; index++) {
        const step = steps[index];
        if (!isMap(step)) continue;
        const uses = scalarString(valueOf(step, 'uses'));
        const withMap = valueOf(step, 'with');
        collected.push({
          yaml,
          jobId,
          job,
          step,
          index,
          action: uses ? uses.split('@')[0]!.toLowerCase() : undefined,
          with: isMap(withMap) ? withMap : undefined,
          composite,
          owner,
        });
      }
    }
  }
  return collected;
}

/**
 * The steps after `steps[position]` in the same job. Steps come in document order, a job's steps
 * together, so this reads only the job's rest (a search over every step of the workflow per step
 * was quadratic in a workflow of many jobs).
 */
export function laterStepsOfJob(steps: readonly WorkflowStep[], position: number): WorkflowStep[] {
  const job = steps[position]?.job;
  let end = position + 1;
  while (end < steps.length && steps[end]!.job === job) end++;
  return steps.slice(position + 1, end);
}

/** The `with:` input pair named `input`, if the step sets it. */
export function stepInput(step: WorkflowStep, input: string): Pair<Node, Node | null> | undefined {
  return step.with ? pairOf(step.with, input) : undefined;
}

/** True when a value is only a reference to a stored secret or variable, not a literal. */
export function isExpressionReference(value: string | undefined): boolean {
  return value !== undefined && /^\s*\$\{\{[^}]*\}\}\s*$/.test(value);
}

/** `env:` maps at workflow, job and step level, each with where it is (`owner` names the job or composite action, when it has one). */
export function* workflowEnvMaps(root: unknown): Generator<{ env: unknown; jobId?: string; stepIndex?: number; owner?: string }> {
  if (!isMap(root)) return;
  yield { env: valueOf(root, 'env') };
  for (const { jobId, job, steps, composite, owner } of stepLists(root)) {
    // A composite action has no `env:` of its own (its steps see the calling job's).
    if (!composite) yield { env: valueOf(job, 'env'), jobId, owner };
    for (let stepIndex = 0; stepIndex < steps.length; stepIndex++) {
      const step = steps[stepIndex];
      if (isMap(step)) yield { env: valueOf(step, 'env'), jobId, stepIndex, owner };
    }
  }
}
