import type { YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { isMap, mapEntries, pairSpan, scalarString, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Span } from '../../server/src/engine/types';
import { stepInput, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { runScript, secretNames, sourceText, spanWithin } from '../lib/github-step-fix';
import { commandName, pipelines } from '../lib/shell-pipelines';
import docs from './docs.md';

/** Triggers that run with the base repository's token and secrets while reacting to someone else's code. */
const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run', 'issue_comment'];
/** Expressions that name the pull request's (untrusted) commit, branch or repository. */
const UNTRUSTED_REFS = [
  'github.event.pull_request.head.sha',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.merge_commit_sha',
  'github.head_ref',
  'github.event.workflow_run.head_sha',
  'github.event.workflow_run.head_branch',
  'refs/pull/',
];
const UNTRUSTED_REPOS = ['github.event.pull_request.head.repo.full_name', 'github.event.workflow_run.head_repository.full_name'];
/** Commands that build, test or install, i.e. run code and scripts from the checked-out tree. */
const BUILD_COMMANDS = new Set([
  'make', 'cmake', 'just', 'task', 'npm', 'npx', 'yarn', 'pnpm', 'bun', 'deno', 'node', 'pip', 'pip3', 'pipenv', 'poetry',
  'python', 'python3', 'tox', 'nox', 'pytest', 'go', 'cargo', 'mvn', 'gradle', 'ant', 'sbt', 'bazel', 'bundle', 'rake',
  'ruby', 'composer', 'php', 'dotnet', 'msbuild', 'docker-compose', 'source', '.',
]);
/** Actions that execute what the workspace defines (a Dockerfile's RUN lines). */
const BUILD_ACTIONS = new Set(['docker/build-push-action']);

export default defineRule({
  id: 'gha-pull-request-target-secrets',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: PRIVILEGED_TRIGGERS,
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const jobs = new Map<YAMLMap<unknown, unknown>, WorkflowStep[]>();
    for (const step of workflowSteps(document)) {
      const trigger = privilegedTrigger(step.yaml.contents);
      if (!trigger) continue;
      const steps = jobs.get(step.job);
      if (steps) steps.push(step);
      else jobs.set(step.job, [step]);
    }
    for (const steps of jobs.values()) {
      const first = steps[0]!;
      const trigger = privilegedTrigger(first.yaml.contents)!;
      if (sameRepositoryOnly(document, first)) continue;
      const checkout = steps.map((step) => ({ step, span: untrustedCheckout(document, step) })).find((entry) => entry.span);
      if (!checkout?.span) continue;
      const runner = steps.find((step) => step.index > checkout.step.index && runsWorkspaceCode(document, step));
      if (!runner) continue;
      const privileges = privilegesOf(document, first);
      report({
        span: checkout.span,
        message: `Job '${first.jobId}' runs on ${trigger} and checks out the pull request's code, which ${describe(runner)} then runs with the base repository's GITHUB_TOKEN${privileges ? ` while the job ${privileges}` : ''}. Use the pull_request trigger, or split the work into an unprivileged pull_request workflow and a workflow_run one that treats its artifacts as data.`,
        construct: `${first.jobId}:${trigger}:untrusted-checkout`,
        severity: privileges ? 'error' : 'warning',
        fixable: false,
      });
    }
  },
});

/** The first privileged trigger of a workflow's `on:` (a name, a list or a map). */
function privilegedTrigger(root: unknown): string | undefined {
  const on = valueOf(root, 'on');
  const names = isMap(on) ? mapEntries(on).map(({ key }) => key) : [scalarString(on), ...seqItems(on).map(scalarString)];
  return PRIVILEGED_TRIGGERS.find((trigger) => names.includes(trigger));
}

/** Where a step fetches the pull request's code: a checkout of its head, or `gh pr checkout` / `git fetch … pull/`. */
function untrustedCheckout(document: ParsedDocument, step: WorkflowStep): Span | undefined {
  if (step.action === 'actions/checkout') {
    for (const [input, needles] of [['ref', UNTRUSTED_REFS], ['repository', UNTRUSTED_REPOS]] as const) {
      const pair = stepInput(step, input);
      const text = pair ? sourceText(document, pair.value) : '';
      if (pair && needles.some((needle) => text.includes(needle))) return pairSpan(pair);
    }
    const unsafe = stepInput(step, 'allow-unsafe-pr-checkout');
    if (unsafe && scalarString(unsafe.value) === 'true') return pairSpan(unsafe);
    return undefined;
  }
  const script = runScript(document, step);
  if (script === undefined) return undefined;
  const run = valueOf(step.step, 'run');
  if (script.includes('gh pr checkout')) return spanWithin(document, run, 'gh pr checkout');
  for (const line of script.split('\n')) {
    const fetches = line.includes('git fetch') && line.includes('pull/');
    const checksOut = (line.includes('git checkout') || line.includes('git switch')) && UNTRUSTED_REFS.some((ref) => line.includes(ref));
    if (fetches || checksOut) return spanWithin(document, run, line.trim());
  }
  return undefined;
}

/** Whether a step executes code from the workspace: a local action, a build tool or a script path. */
function runsWorkspaceCode(document: ParsedDocument, step: WorkflowStep): boolean {
  if (step.action !== undefined) return step.action.startsWith('./') || BUILD_ACTIONS.has(step.action);
  const script = runScript(document, step);
  if (script === undefined) return false;
  for (const pipeline of pipelines(script)) {
    for (const command of pipeline) {
      const { name, args } = commandName(command.text);
      if (BUILD_COMMANDS.has(name) || name.startsWith('./')) return true;
      if ((name === 'bash' || name === 'sh') && args.length > 0 && !args[0]!.startsWith('-')) return true;
      if (name === 'docker' && (args[0] === 'build' || args[0] === 'compose' || args[0] === 'buildx')) return true;
    }
  }
  return false;
}

/** What the job can hand to the code it runs: stored secrets and/or an OIDC token. */
function privilegesOf(document: ParsedDocument, step: WorkflowStep): string | undefined {
  const secrets = new Set([...secretNames(sourceText(document, step.job)), ...secretNames(sourceText(document, valueOf(step.yaml.contents, 'env')))]);
  const job = valueOf(step.job, 'permissions');
  const permissions = job !== undefined && job !== null ? job : valueOf(step.yaml.contents, 'permissions');
  const idToken = scalarString(permissions) === 'write-all' || scalarString(valueOf(permissions, 'id-token')) === 'write';
  const parts = [
    ...(secrets.size > 0 ? [`uses secrets (${[...secrets].join(', ')})`] : []),
    ...(idToken ? ['can request an OIDC token (id-token: write)'] : []),
  ];
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** A job `if:` that keeps fork pull requests out (`head.repo.full_name == github.repository`, `head.repo.fork == false`). */
function sameRepositoryOnly(document: ParsedDocument, step: WorkflowStep): boolean {
  const condition = sourceText(document, valueOf(step.job, 'if')).replace(/ /g, '');
  return (
    condition.includes('head.repo.full_name==github.repository') ||
    condition.includes('github.repository==github.event.pull_request.head.repo.full_name') ||
    condition.includes('head.repo.fork==false') ||
    condition.includes('!github.event.pull_request.head.repo.fork')
  );
}

function describe(step: WorkflowStep): string {
  const name = scalarString(valueOf(step.step, 'name'));
  return name ? `step '${name}'` : `step ${step.index + 1}`;
}

