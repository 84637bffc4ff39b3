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
    for (const { key: jobId, pair } of mapEntries(valueOf(yaml.contents, 'jobs'))) {
      const job = pair.value;
      if (!isMap(job)) continue;
      const steps = seqItems(valueOf(job, 'steps'));
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

/** `env:` maps at workflow, job and step level, each with where it is. */
export function* workflowEnvMaps(root: unknown): Generator<{ env: unknown; jobId?: string; stepIndex?: number }> {
  if (!isMap(root)) return;
  yield { env: valueOf(root, 'env') };
  for (const { key: jobId, pair } of mapEntries(valueOf(root, 'jobs'))) {
    if (!isMap(pair.value)) continue;
    yield { env: valueOf(pair.value, 'env'), jobId };
    const steps = seqItems(valueOf(pair.value, 'steps'));
    for (let stepIndex = 0; stepIndex < steps.length; stepIndex++) {
      const step = steps[stepIndex];
      if (isMap(step)) yield { env: valueOf(step, 'env'), jobId, stepIndex };
    }
  }
}
