import type { Node, YAMLMap } from 'yaml';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { applyEdits, diffToEdits } from '../../server/src/engine/fix/text-diff';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, isScalar, mapEntries, nodeSpan, pairOf, scalarString, valueOf, type YamlDocument } from '../../server/src/engine/parse/yaml';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { secretNames, sourceText, stepInsertionPoint } from '../lib/github-step-fix';
import { pushes, raise, tokenFreeAction, usageOf, type Level, type TokenUsage, type Via } from './usage';

/** `with:` inputs through which actions take a GitHub token. */
export const TOKEN_INPUTS = ['token', 'github-token'];
/** Env variables the GitHub CLI and most scripts read a GitHub token from. */
export const TOKEN_ENV = ['GH_TOKEN', 'GITHUB_TOKEN'];

/** Where a finding's token is, kept in the finding's `data` so the fix can find it again. */
export interface TokenRef {
  readonly doc: number;
  readonly level: 'workflow' | 'job' | 'step';
  readonly jobId?: string;
  readonly stepIndex?: number;
  readonly via: Via;
  readonly key: string;
}

/** A secret name that, by convention, holds a personal access token rather than the job's GITHUB_TOKEN. */
export function looksLikePat(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper === 'GITHUB_TOKEN') return false;
  if (upper === 'GH_TOKEN' || upper.endsWith('_GITHUB_TOKEN') || upper.includes('PERSONAL_ACCESS_TOKEN')) return true;
  return upper.split(/[_-]/).some((part) => part === 'PAT' || part === 'GHPAT');
}

type TokenKind = 'pat' | 'job-token' | 'other';

/** Whether a value passes a personal access token, the job's own token, or something else. */
function tokenKind(text: string): TokenKind {
  const names = secretNames(text);
  if (names.some(looksLikePat)) return 'pat';
  if (names.some((name) => name.toUpperCase() === 'GITHUB_TOKEN') || /(?<![\w.-])github\.token\b/.test(text)) return 'job-token';
  return 'other';
}

const APP_TOKEN_ACTION = 'actions/create-github-app-token';
const OWNER_PLACEHOLDER = '<OWNER>';
const REPO_PLACEHOLDER = '<REPO>';
const LEVELS: Record<string, number> = { none: 0, read: 1, write: 2 };

type Job = YAMLMap<unknown, unknown>;

interface JobNeeds {
  /** What the job's token needs once every token step of the job not bound elsewhere uses it. */
  readonly needs: Map<string, Level>;
  /** The part of `needs` for steps judged same-repository and safe to move to the job's token. */
  readonly judged: Map<string, Level>;
  /** Steps whose use of the job's token a new permissions block could break unnoticed. */
  readonly unjudged: ReadonlySet<WorkflowStep>;
}

/**
 * One document's workflow steps by job, and what is derived from them, computed once per scan:
 * the rule decides for every finding whether a fix applies, so each question costs the size of
 * one job, not of the file.
 */
export class WorkflowIndex {
  private readonly byJob = new Map<Job, WorkflowStep[]>();
  private readonly needsByJob = new Map<Job, JobNeeds>();
  private readonly pushesAfter = new Map<Job, boolean[]>();
  readonly docs: readonly YamlDocument[];

  constructor(readonly document: ParsedDocument) {
    this.docs = document.yaml();
    for (const step of workflowSteps(document)) {
      const list = this.byJob.get(step.job);
      if (list) list.push(step);
      else this.byJob.set(step.job, [step]);
    }
  }

  steps(job: Job): readonly WorkflowStep[] {
    return this.byJob.get(job) ?? [];
  }

  /** Whether a step after `step` in its job may push with persisted checkout credentials. */
  private pushesLater(step: WorkflowStep): boolean {
    // By sequence index: whether any step at that index or later pushes.
    let after = this.pushesAfter.get(step.job);
    if (!after) {
      const steps = this.steps(step.job);
      after = new Array<boolean>((steps.at(-1)?.index ?? 0) + 2).fill(false);
      for (let i = steps.length - 1; i >= 0; i--) {
        const at = steps[i]!.index;
        after[at] = after[at + 1]! || pushes(steps[i]!);
        for (let gap = at - 1; gap >= (steps[i - 1]?.index ?? -1) + 1; gap--) after[gap] = after[at]!;
      }
      this.pushesAfter.set(step.job, after);
    }
    return after[step.index + 1] === true;
  }

  usage(step: WorkflowStep, via: Via): TokenUsage {
    return usageOf(step, () => this.pushesLater(step), via);
  }

  /**
   * The scopes a job's token needs once every personal access token of the job that may become
   * the job's token has: `contents: read` and what each token step's commands need. The set does
   * not change as this rule's fixes are applied one by one, so one fix never rewrites a scope
   * another wrote.
   */
  needs(yaml: YamlDocument, job: Job): JobNeeds {
    let found = this.needsByJob.get(job);
    if (found) return found;
    const needs = new Map<string, Level>([['contents', 'read']]);
    const judged = new Map<string, Level>([['contents', 'read']]);
    const usages: Array<{ step: WorkflowStep; kind: TokenKind; usage: TokenUsage }> = [];
    for (const { step, via, kind } of tokenSteps(this.document, yaml, this.steps(job))) {
      const usage = this.usage(step, via);
      usages.push({ step, kind, usage });
      if (usage.target.kind === 'other') continue;
      for (const [scope, level] of usage.scopes) {
        raise(needs, scope, level);
        if (usage.target.kind === 'same' && usage.safe) raise(judged, scope, level);
      }
    }
    // Steps that use the job's token in a way not judged here: explicitly with needs unknown, or
    // implicitly (an action that reads `github.token` by default).
    const tokenUsers = new Map<WorkflowStep, TokenKind[]>();
    for (const entry of usages) tokenUsers.set(entry.step, [...(tokenUsers.get(entry.step) ?? []), entry.kind]);
    const unjudged = new Set(usages.filter((entry) => entry.kind === 'job-token' && entry.usage.target.kind !== 'same').map((entry) => entry.step));
    for (const step of this.steps(job)) {
      if (step.action !== undefined && !tokenUsers.has(step) && !tokenFreeAction(step.action)) unjudged.add(step);
    }
    found = { needs, judged, unjudged };
    this.needsByJob.set(job, found);
    return found;
  }
}

interface Located {
  readonly yaml: YamlDocument;
  readonly job: Job | undefined;
  readonly step: WorkflowStep | undefined;
  readonly references: ReadonlyArray<{ name: string; start: number; end: number }>;
}

function locate(index: WorkflowIndex, ref: TokenRef): Located | undefined {
  const yaml = index.docs[ref.doc];
  const root = yaml?.contents;
  if (!yaml || !isMap(root)) return undefined;
  const jobValue = ref.jobId === undefined ? undefined : valueOf(valueOf(root, 'jobs'), ref.jobId);
  const job = isMap(jobValue) ? jobValue : undefined;
  if (ref.level !== 'workflow' && !job) return undefined;
  const step = ref.level === 'step' && job ? index.steps(job).find((candidate) => candidate.index === ref.stepIndex) : undefined;
  if (ref.level === 'step' && !step) return undefined;
  const container = step ? (ref.via === 'with' ? step.with : valueOf(step.step, 'env')) : valueOf(ref.level === 'job' ? job : root, 'env');
  const pair = pairOf(container, ref.key);
  const valueStart = nodeSpan(pair?.value)?.[0];
  if (!pair || valueStart === undefined) return undefined;
  const references = patReferences(sourceText(index.document, pair.value), valueStart);
  return references.length > 0 ? { yaml, job, step, references } : undefined;
}

/** Whether `patFixes` offers anything, decided without building the edits. */
export function patFixable(index: WorkflowIndex, ref: TokenRef): boolean {
  const found = locate(index, ref);
  if (!found) return false;
  if (found.step && insertionPoint(index.document, found.step)) return true;
  return jobTokenPlan(index, ref, found, false) !== undefined;
}

/** The quick fixes for one finding, in the order they are offered; empty when none applies. */
export function patFixes(index: WorkflowIndex, ref: TokenRef): Fix[] {
  const found = locate(index, ref);
  if (!found) return [];
  const { step, references } = found;
  const text = index.document.text;
  const names = [...new Set(references.map((reference) => reference.name))].map((name) => `secrets.${name}`).join(', ');
  const replace = (replacement: string): TextEdit[] => references.map(({ start, end }) => ({ span: [start, end], newText: replacement }));
  const fixes: Fix[] = [];

  // (a) The job's own token, with the permissions the job's token users need.
  const plan = jobTokenPlan(index, ref, found, true);
  const fixed = plan ? combine(text, plan.text, replace('secrets.GITHUB_TOKEN')) : undefined;
  if (plan && fixed !== undefined) {
    const grants = plan.added.length > 0 ? ` and grant ${sortScopes(plan.added).map(([scope, level]) => `${scope}: ${level}`).join(', ')}` : '';
    const where =
      ref.level === 'step'
        ? plan.preferred
          ? ' (same repository)'
          : ' (check it needs only this repository)'
        : ` for every ${ref.level === 'job' ? 'step of the job' : 'job'} (check they need only this repository)`;
    fixes.push({
      title: `Use the job's GITHUB_TOKEN instead of ${names}${grants}${where}`,
      edits: lineEdits(text, fixed),
      ...(plan.preferred ? { isPreferred: true } : {}),
    });
  }

  // (b) A one-hour GitHub App installation token minted by a step just before this one. Job and
  // workflow `env:` cannot read step outputs, so only a step's own inputs and env can use it.
  if (step) {
    const appToken = appTokenStep(index, step, index.usage(step, ref.via));
    if (appToken) {
      const edits = [...replace(`steps.${appToken.id}.outputs.token`), ...(appToken.insert ? [appToken.insert] : [])];
      const placeholders = [OWNER_PLACEHOLDER, REPO_PLACEHOLDER].filter((placeholder) => appToken.insert?.newText.includes(placeholder));
      fixes.push({
        title: `Use a 1-hour GitHub App token (actions/create-github-app-token) instead of ${names}${appToken.scope}`,
        edits: lineEdits(text, applyEdits(text, edits)),
        ...(placeholders.length > 0 ? { placeholders } : {}),
      });
    }
  }
  return fixes;
}

/** Each `secrets.NAME` of a personal access token in a value, with its offsets in the document. */
function patReferences(text: string, base: number): Array<{ name: string; start: number; end: number }> {
  const found: Array<{ name: string; start: number; end: number }> = [];
  for (const match of text.matchAll(/(?<![\w.-])secrets\.([\w-]+)/g)) {
    if (looksLikePat(match[1]!)) found.push({ name: match[1]!, start: base + match.index, end: base + match.index + match[0].length });
  }
  return found;
}

/** The text the permission change gives (or the original), with the token edits applied on top. */
function combine(original: string, permissionText: string, edits: readonly TextEdit[]): string | undefined {
  try {
    return applyEdits(original, [...diffToEdits(original, permissionText), ...edits]);
  } catch {
    return undefined; // the permission change and the token edit touch one line
  }
}

/**
 * Line edits from `before` to `after`. A pure insertion takes the line before it along, so two
 * fixes that insert the same `permissions:` block at one place overlap, and "fix all" applies
 * only one of them instead of writing the block twice.
 */
function lineEdits(before: string, after: string): TextEdit[] {
  return diffToEdits(before, after).map((edit) => {
    if (edit.span[0] !== edit.span[1] || edit.span[0] === 0) return edit;
    const previous = before.lastIndexOf('\n', edit.span[0] - 2) + 1;
    return { span: [previous, edit.span[1]], newText: before.slice(previous, edit.span[0]) + edit.newText };
  });
}

// ---------------------------------------------------------------------------------------------
// (a) The job's token and its permissions

interface PermissionPlan {
  /** The document with the permission change (unchanged when nothing is missing; empty when not written). */
  readonly text: string;
  /** Scopes whose level the change raises. */
  readonly added: ReadonlyArray<readonly [string, Level]>;
  /** Safe without review: applied by "fix all". */
  readonly preferred: boolean;
}

/**
 * The permission side of fix (a), or undefined when it does not apply: the step works on another
 * repository, or the permissions are in a form that cannot be extended in place (`read-all`
 * where a write is needed, a flow map, an expression). With `write` false only the decision is
 * made, which is what the rule's check needs.
 */
function jobTokenPlan(index: WorkflowIndex, ref: TokenRef, { yaml, job, step }: Located, write: boolean): PermissionPlan | undefined {
  const usage = step ? index.usage(step, ref.via) : undefined;
  if (usage?.target.kind === 'other') return undefined;
  if (!job) return workflowPermissions(index, yaml, write);
  const { needs, judged, unjudged } = index.needs(yaml, job);
  const change = jobPermissions(index.document, yaml, job, needs, write);
  if (!change) return undefined;
  // A new block replaces the default permissions: every other user of the job's token must be one whose needs are known.
  const confident = !change.replacesDefault || unjudged.size === 0 || (unjudged.size === 1 && step !== undefined && unjudged.has(step));
  // Every scope it grants is one a same-repository step of the job needs once its token is the job's.
  const grantsJudged = change.added.every(([scope, level]) => (LEVELS[judged.get(scope) ?? 'none'] ?? 0) >= (LEVELS[level] ?? 0));
  const preferred = usage?.target.kind === 'same' && usage.safe && confident && grantsJudged;
  return { text: change.text, added: change.added, preferred };
}

/**
 * Steps of a job that use the job's token, or a personal access token that this rule's fixes
 * would turn into the job's token: through a token input, or GH_TOKEN/GITHUB_TOKEN in the
 * environment they see (their own `env:`, else the job's, else the workflow's).
 */
function tokenSteps(document: ParsedDocument, yaml: YamlDocument, steps: readonly WorkflowStep[]): Array<{ step: WorkflowStep; via: Via; kind: TokenKind }> {
  const found: Array<{ step: WorkflowStep; via: Via; kind: TokenKind }> = [];
  const workflowEnv = valueOf(yaml.contents, 'env');
  for (const step of steps) {
    for (const input of TOKEN_INPUTS) {
      const value = pairOf(step.with, input)?.value;
      const kind = value ? tokenKind(sourceText(document, value)) : 'other';
      if (kind !== 'other') found.push({ step, via: 'with', kind });
    }
    const kinds = TOKEN_ENV.map((name) => {
      const value = [valueOf(step.step, 'env'), valueOf(step.job, 'env'), workflowEnv].map((env) => pairOf(env, name)).find(Boolean)?.value;
      return value ? tokenKind(sourceText(document, value)) : 'other';
    });
    const kind = kinds.includes('pat') ? 'pat' : kinds.includes('job-token') ? 'job-token' : 'other';
    if (kind !== 'other') found.push({ step, via: 'env', kind });
  }
  return found;
}

type Current = Map<string, string> | 'write-all' | 'read-all' | 'unknown' | 'absent';

function currentPermissions(node: unknown): Current {
  if (node === undefined) return 'absent';
  if (isMap(node)) {
    const scopes = new Map<string, string>();
    for (const { key, pair } of mapEntries(node)) scopes.set(key, scalarString(pair.value) ?? '');
    return scopes;
  }
  const scalar = scalarString(node);
  return scalar === 'write-all' || scalar === 'read-all' ? scalar : 'unknown';
}

/** The scopes `needs` asks for beyond what `current` grants, or undefined when that cannot be written as a block. */
function missing(current: Current, needs: ReadonlyMap<string, Level>): Array<[string, Level]> | undefined {
  if (current === 'write-all') return [];
  const wanted = [...needs].filter(([scope, level]) => {
    if (current === 'read-all') return level === 'write';
    if (current === 'absent' || current === 'unknown') return true;
    return (LEVELS[current.get(scope) ?? 'none'] ?? 0) < (LEVELS[level] ?? 0);
  });
  if (wanted.length > 0 && (current === 'read-all' || current === 'unknown')) return undefined;
  return wanted;
}

/** Ensures the job's token has what its steps need, in a job-level block (a new one copies the workflow's scopes). */
function jobPermissions(
  document: ParsedDocument,
  yaml: YamlDocument,
  job: Job,
  needs: ReadonlyMap<string, Level>,
  write: boolean,
): { text: string; added: Array<[string, Level]>; replacesDefault: boolean } | undefined {
  const own = valueOf(job, 'permissions');
  if (own === null) return undefined;
  if (own !== undefined) {
    const add = missing(currentPermissions(own), needs);
    if (add === undefined) return undefined;
    if (add.length === 0) return { text: document.text, added: [], replacesDefault: false };
    if (!isMap(own) || !extendable(own, add)) return undefined;
    return { text: write ? extendBlock(document.text, own, add) : '', added: add, replacesDefault: false };
  }
  const workflow = valueOf(yaml.contents, 'permissions');
  const inherited = currentPermissions(workflow);
  const add = missing(inherited, needs);
  if (add === undefined) return undefined;
  if (add.length === 0) return { text: document.text, added: [], replacesDefault: false };
  if (typeof inherited === 'string' && inherited !== 'absent') return undefined;
  if (job.flow) return undefined;
  if (!write) return { text: '', added: add, replacesDefault: inherited === 'absent' };
  const editor = new YamlCstEditor(document.text);
  const jobCst = editor.blockMapAt(nodeSpan(job)![0]);
  if (!jobCst) return undefined;
  const scopes = new Map(inherited === 'absent' ? [] : inherited);
  for (const [scope, level] of sortScopes(add)) scopes.set(scope, level);
  const block = ['permissions:', ...[...scopes].map(([scope, level]) => `  ${scope}: ${level}`)].join('\n') + '\n';
  const after = editor.indexOf(jobCst, 'runs-on');
  const before = editor.indexOf(jobCst, 'steps');
  editor.insertEntries(jobCst, block, after !== -1 ? after + 1 : before !== -1 ? before : undefined);
  return { text: editor.toString(), added: add, replacesDefault: inherited === 'absent' };
}

/**
 * For a workflow-level token: ensures the workflow's block covers the jobs that have none of
 * their own. A new block goes before `jobs:` (above the comment lines that belong to it), set
 * off by a blank line when the file uses them. Never preferred: every job gets the token.
 */
function workflowPermissions(index: WorkflowIndex, yaml: YamlDocument, write: boolean): PermissionPlan | undefined {
  const text = index.document.text;
  const root = yaml.contents as Job;
  const needs = new Map<string, Level>();
  for (const { pair } of mapEntries(valueOf(root, 'jobs'))) {
    if (!isMap(pair.value) || valueOf(pair.value, 'permissions') !== undefined) continue;
    for (const [scope, level] of index.needs(yaml, pair.value).needs) raise(needs, scope, level);
  }
  const unchanged: PermissionPlan = { text, added: [], preferred: false };
  if (needs.size === 0) return unchanged;
  const current = valueOf(root, 'permissions');
  const add = missing(currentPermissions(current), needs);
  if (add === undefined) return undefined;
  if (add.length === 0) return unchanged;
  if (current !== undefined) {
    if (!isMap(current) || !extendable(current, add)) return undefined;
    return { text: write ? extendBlock(text, current, add) : '', added: add, preferred: false };
  }
  const jobsStart = nodeSpan(pairOf(root, 'jobs')?.key as Node | undefined)?.[0];
  if (jobsStart === undefined || text.lastIndexOf('\n', jobsStart - 1) + 1 !== jobsStart) return undefined;
  let at = jobsStart;
  for (let previous = text.lastIndexOf('\n', at - 2) + 1; at > 0 && text.startsWith('#', previous); previous = text.lastIndexOf('\n', previous - 2) + 1) at = previous;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const blankAbove = at > 0 && text.slice(text.lastIndexOf('\n', at - 2) + 1, at).trim() === '';
  const indent = ' '.repeat(jobIndent(text, root) ?? 2);
  const lines = ['permissions:', ...sortScopes(add).map(([scope, level]) => `${indent}${scope}: ${level}`)];
  const block = lines.map((line) => line + eol).join('') + (blankAbove ? eol : '');
  return { text: text.slice(0, at) + block + text.slice(at), added: add, preferred: false };
}

/** The column of the first job id under `jobs:`, the file's indentation step. */
function jobIndent(text: string, root: Job): number | undefined {
  const jobs = valueOf(root, 'jobs');
  const start = isMap(jobs) && !jobs.flow ? nodeSpan(jobs.items[0]?.key as Node | undefined)?.[0] : undefined;
  if (start === undefined) return undefined;
  const column = start - (text.lastIndexOf('\n', start - 1) + 1);
  return column > 0 && column <= 8 ? column : undefined;
}

/** `contents` first (every job reads its repository), then the rest by name. */
function sortScopes(scopes: ReadonlyArray<readonly [string, Level]>): Array<[string, Level]> {
  return [...scopes].map(([scope, level]): [string, Level] => [scope, level]).sort(([a], [b]) => (a === 'contents' ? -1 : b === 'contents' ? 1 : a.localeCompare(b)));
}

/** Whether a permissions map can take `add` in place: block style, and scalar values where levels are raised. */
function extendable(map: Job, add: ReadonlyArray<readonly [string, Level]>): boolean {
  return !map.flow && add.every(([scope]) => {
    const pair = pairOf(map, scope);
    return !pair || isScalar(pair.value);
  });
}

/** Adds or raises scopes in a block-style permissions map, keeping the others as written. */
function extendBlock(text: string, map: Job, add: ReadonlyArray<readonly [string, Level]>): string {
  const editor = new YamlCstEditor(text);
  const cst = editor.blockMapAt(nodeSpan(map)![0]);
  if (!cst) return text;
  const inserts: string[] = [];
  for (const [scope, level] of sortScopes(add)) {
    if (pairOf(map, scope)) editor.setScalar(cst, scope, level);
    else inserts.push(`${scope}: ${level}\n`);
  }
  if (inserts.length > 0) editor.insertEntries(cst, inserts.join(''));
  return editor.toString();
}

// ---------------------------------------------------------------------------------------------
// (b) The GitHub App token step

/**
 * Where a new step goes before `step` (see stepInsertionPoint), with the column of its keys and its
 * `if:` to copy. Undefined for a layout this does not write into (`-` alone on its line, a
 * multi-line `if:`).
 */
function insertionPoint(document: ParsedDocument, step: WorkflowStep): { at: number; dashIndent: string; keyIndent: string; condition?: string } | undefined {
  const text = document.text;
  const condition = valueOf(step.step, 'if');
  const conditionText = condition === undefined ? undefined : condition === null ? '' : sourceText(document, condition);
  if (conditionText === '' || conditionText?.includes('\n')) return undefined;
  const point = stepInsertionPoint(text, step);
  if (!point) return undefined;
  return { at: point.at, dashIndent: point.dashIndent, keyIndent: ' '.repeat(point.prefix.length), ...(conditionText !== undefined ? { condition: conditionText } : {}) };
}

/**
 * The `actions/create-github-app-token` step the finding's step can take its token from: an
 * earlier one of the job that mints the same scope under the same condition (reused, so the fix
 * never duplicates it), else a new one inserted just before the step.
 */
function appTokenStep(index: WorkflowIndex, step: WorkflowStep, usage: TokenUsage): { id: string; insert?: TextEdit; scope: string } | undefined {
  const { document } = index;
  const point = insertionPoint(document, step);
  if (!point) return undefined;
  const target = usage.target;
  const owner = target.kind === 'other' ? (target.owner ?? OWNER_PLACEHOLDER) : undefined;
  const repositories = target.kind === 'other' ? (target.owner !== undefined && target.repos ? target.repos.join(',') : REPO_PLACEHOLDER) : undefined;
  const scope = owner !== undefined ? ` for ${owner}/${repositories}` : '';
  const steps = index.steps(step.job);

  for (const other of steps) {
    if (other.index >= step.index || other.action !== APP_TOKEN_ACTION) continue;
    const id = scalarString(valueOf(other.step, 'id'));
    const condition = valueOf(other.step, 'if');
    if (!id || (condition !== undefined && (condition === null || sourceText(document, condition) !== point.condition))) continue;
    if (scalarString(valueOf(other.with, 'owner')) !== owner || scalarString(valueOf(other.with, 'repositories')) !== repositories) continue;
    return { id, scope };
  }

  const used = new Set(steps.map((other) => scalarString(valueOf(other.step, 'id'))));
  let id = 'app-token';
  for (let n = 2; used.has(id); n++) id = `app-token-${n}`;
  const text = document.text;
  const { at, dashIndent, keyIndent } = point;
  // Nested keys are indented as the step's own `with:` is, else by two spaces.
  const withStart = step.with && !step.with.flow ? nodeSpan(step.with)?.[0] : undefined;
  const width = withStart !== undefined ? withStart - (text.lastIndexOf('\n', withStart - 1) + 1) - keyIndent.length : 2;
  const unit = ' '.repeat(width > 0 && width <= 8 ? width : 2);
  const lines = [
    `${dashIndent}- uses: ${APP_TOKEN_ACTION}@v3`,
    `${keyIndent}id: ${id}`,
    ...(point.condition !== undefined ? [`${keyIndent}if: ${point.condition}`] : []),
    `${keyIndent}with:`,
    `${keyIndent}${unit}client-id: \${{ vars.APP_CLIENT_ID }}`,
    `${keyIndent}${unit}private-key: \${{ secrets.APP_PRIVATE_KEY }}`,
    ...(owner !== undefined ? [`${keyIndent}${unit}owner: ${owner}`, `${keyIndent}${unit}repositories: ${repositories}`] : []),
  ];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { id, insert: { span: [at, at], newText: lines.map((line) => line + eol).join('') }, scope };
}
