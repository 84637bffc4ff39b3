import { scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { WorkflowStep } from '../lib/github-actions';
import { pipelines, unquote, words } from '../lib/shell-pipelines';

/**
 * What one step does with the GitHub token it is given, as far as the workflow text tells: which
 * repository it works on, which `permissions:` scopes the job's GITHUB_TOKEN would need for it, and
 * whether the GITHUB_TOKEN is a drop-in replacement (no pushes or pull requests that other workflows
 * must react to: GitHub does not start workflow runs for events the GITHUB_TOKEN causes, except
 * workflow_dispatch and repository_dispatch).
 */
export interface TokenUsage {
  readonly target: Target;
  readonly scopes: ReadonlyMap<string, Level>;
  readonly safe: boolean;
}

export type Target = { readonly kind: 'same' } | { readonly kind: 'other'; readonly owner?: string; readonly repos?: readonly string[] } | { readonly kind: 'unknown' };
export type Level = 'read' | 'write';

const SAME: Target = { kind: 'same' };
const UNKNOWN: Target = { kind: 'unknown' };

/** How a token reaches the step: a `token`/`github-token` input, or `GH_TOKEN`/`GITHUB_TOKEN` in its environment. */
export type Via = 'with' | 'env';

export function usageOf(step: WorkflowStep, pushesLater: () => boolean, via: Via): TokenUsage {
  if (via === 'with' && step.action === 'actions/checkout') return checkoutUsage(step, pushesLater);
  if (via === 'env' && step.action === undefined) {
    // The script's value, without a block scalar's `|` header and indentation.
    const script = scalarString(valueOf(step.step, 'run'));
    if (script !== undefined) return scriptUsage(script);
  }
  // Any other action: it may call any API; a literal `repository:` input names its target.
  const repository = literalRepository(scalarString(valueOf(step.with, 'repository')));
  return { target: repository ?? UNKNOWN, scopes: new Map([['contents', 'read']]), safe: false };
}

/** `owner/name` as a target; `${{ github.repository }}` is the workflow's own repository. */
function literalRepository(value: string | undefined): Target | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\$\{\{\s*github\.repository\s*\}\}$/.test(trimmed) || /^"?\$\{?GITHUB_REPOSITORY\}?"?$/.test(trimmed)) return SAME;
  const match = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})$/.exec(trimmed);
  return match ? { kind: 'other', owner: match[1]!, repos: [match[2]!] } : { kind: 'other' };
}

/** Actions that commit and push with the credentials checkout persisted, going by their names. */
const PUSHING_ACTION = /commit|push|pull-request|release|changeset|semantic/;

/** A step that may push with the credentials an earlier checkout persisted: `git push`, or an action that commits and pushes. */
export function pushes(step: WorkflowStep): boolean {
  if (step.action !== undefined) return PUSHING_ACTION.test(step.action);
  return /\bgit\s+push\b/.test(scalarString(valueOf(step.step, 'run')) ?? '');
}

function checkoutUsage(step: WorkflowStep, pushesLater: () => boolean): TokenUsage {
  const target = literalRepository(scalarString(valueOf(step.with, 'repository'))) ?? SAME;
  const submodules = scalarString(valueOf(step.with, 'submodules'));
  // Submodules are other repositories, which the GITHUB_TOKEN cannot read.
  if (target.kind === 'same' && submodules !== undefined && submodules !== 'false') {
    return { target: UNKNOWN, scopes: new Map([['contents', 'read']]), safe: false };
  }
  const pushed = scalarString(valueOf(step.with, 'persist-credentials')) !== 'false' && pushesLater();
  // Pushes made with the GITHUB_TOKEN do not start the workflows a push would, and may be refused by branch protection.
  return { target, scopes: new Map([['contents', pushed ? 'write' : 'read']]), safe: target.kind === 'same' && !pushed };
}

/**
 * GitHub CLI commands and what they need: `[group, read-only subcommands, scope, safe writes]`.
 * Subcommands not listed as read-only write; those not listed as safe create pull requests,
 * merges, pushes or releases, which with the GITHUB_TOKEN start no other workflow.
 */
const GH_COMMANDS: ReadonlyArray<readonly [group: string, reads: readonly string[], scope: string, safeWrites: readonly string[]]> = [
  ['pr', ['view', 'list', 'diff', 'checks', 'status', 'checkout'], 'pull-requests', ['comment', 'review', 'edit', 'close', 'reopen', 'ready', 'lock', 'unlock']],
  ['issue', ['view', 'list', 'status'], 'issues', ['comment', 'edit', 'close', 'reopen', 'lock', 'unlock', 'pin', 'unpin', 'create']],
  ['label', ['list'], 'issues', ['create', 'edit', 'delete']],
  ['release', ['view', 'list', 'download'], 'contents', ['upload']],
  ['run', ['view', 'list', 'watch', 'download'], 'actions', ['rerun', 'cancel', 'delete']],
  ['workflow', ['view', 'list'], 'actions', ['run', 'enable', 'disable']],
  ['cache', ['list'], 'actions', ['delete']],
];
/** Commands that only read their arguments or print: they do not use the token. */
const HARMLESS = new Set(['echo', 'printf', 'cd', 'jq', 'test', '[', '[[', 'true', 'false', 'exit', 'sleep', 'set', 'export', 'read', 'shift']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);

/** A `run:` script given the token in its environment: only `gh` commands on a known repository can be judged. */
export function scriptUsage(script: string): TokenUsage {
  const scopes = new Map<string, Level>([['contents', 'read']]);
  // Command substitutions and backticks hide commands from this reader.
  if (script.includes('$(') || script.includes('`')) return { target: UNKNOWN, scopes, safe: false };
  let unknown = false;
  let safe = true;
  let sawGh = false;
  const others: Array<{ owner?: string; repo?: string }> = [];
  for (const pipeline of pipelines(script)) {
    for (const command of pipeline) {
      let all = words(command.text).map(unquote);
      while (all.length > 0 && (KEYWORDS.has(all[0]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(all[0]!))) all = all.slice(1);
      const name = all[0];
      if (name === undefined || name === 'fi' || name === 'done') continue;
      if (name !== 'gh') {
        if (!HARMLESS.has(name)) unknown = true;
        continue;
      }
      sawGh = true;
      const repo = repoOption(all);
      if (repo === 'same') {
        // --repo names this repository: still judged by its subcommand below.
      } else if (repo !== undefined) {
        others.push(repo);
        continue;
      }
      const positional = all.slice(1).filter((word, i) => !word.startsWith('-') && all[i] !== '-R' && all[i] !== '--repo');
      const [group, sub] = positional;
      // `gh api repos/OWNER/REPO/...`: the path names the repository; what the call needs is not judged.
      const apiRepo = group === 'api' ? /^\/?repos\/([^/]+)\/([^/?]+)/.exec(sub ?? '') : null;
      if (apiRepo && !apiRepo[1]!.includes('{') && !apiRepo[1]!.includes('$')) {
        const target = literalRepository(`${apiRepo[1]}/${apiRepo[2]}`);
        if (target?.kind === 'other' && target.owner !== undefined) {
          others.push({ owner: target.owner, repo: target.repos?.[0] });
          continue;
        }
      }
      const entry = GH_COMMANDS.find(([candidate]) => candidate === group);
      // A pull request or issue given by URL, or labels cloned from another repository, may be elsewhere.
      const elsewhere = positional.slice(2).some((word) => /github\.com\/|^[\w.-]+\/[\w.-]+#\d+$/.test(word)) || (group === 'label' && sub === 'clone');
      if (!entry || sub === undefined || elsewhere) {
        unknown = true;
        continue;
      }
      const [, reads, scope, safeWrites] = entry;
      const level: Level = reads.includes(sub) ? 'read' : 'write';
      if (level === 'write' && !safeWrites.includes(sub)) safe = false;
      // Merging and updating a branch write the repository's contents.
      if (group === 'pr' && (sub === 'merge' || sub === 'update-branch')) raise(scopes, 'contents', 'write');
      if (group === 'release' && level === 'write') raise(scopes, 'contents', 'write');
      raise(scopes, scope, level);
    }
  }
  if (others.length > 0) {
    const owners = new Set(others.map((other) => other.owner));
    const owner = owners.size === 1 ? [...owners][0] : undefined;
    const repos = others.every((other) => other.repo !== undefined) ? [...new Set(others.map((other) => other.repo!))] : undefined;
    return { target: { kind: 'other', ...(owner !== undefined ? { owner } : {}), ...(owner !== undefined && repos ? { repos } : {}) }, scopes, safe: false };
  }
  if (!sawGh || unknown) return { target: UNKNOWN, scopes, safe: false };
  return { target: SAME, scopes, safe };
}

/** The repository `-R`/`--repo` names: 'same' for the workflow's own, `{owner, repo}` for a literal, `{}` for anything else. */
function repoOption(all: readonly string[]): 'same' | { owner?: string; repo?: string } | undefined {
  for (let i = 1; i < all.length; i++) {
    const word = all[i]!;
    let value: string | undefined;
    if (word === '-R' || word === '--repo') value = all[i + 1];
    else if (word.startsWith('--repo=')) value = word.slice('--repo='.length);
    else if (word.startsWith('-R') && word.length > 2) value = word.slice(2);
    if (value === undefined) continue;
    const target = literalRepository(value);
    if (target?.kind === 'same') return 'same';
    return target?.kind === 'other' && target.owner !== undefined ? { owner: target.owner, repo: target.repos?.[0] } : {};
  }
  return undefined;
}

export function raise(scopes: Map<string, Level>, scope: string, level: Level): void {
  if (scopes.get(scope) !== 'write') scopes.set(scope, level === 'write' ? 'write' : (scopes.get(scope) ?? 'read'));
}

/** Actions that never use the job's GITHUB_TOKEN beyond reading the repository. */
export function tokenFreeAction(action: string): boolean {
  return (
    action === 'actions/checkout' ||
    action.startsWith('actions/setup-') ||
    action === 'actions/cache' ||
    action.startsWith('actions/cache/') ||
    action === 'actions/upload-artifact' ||
    action === 'actions/download-artifact' ||
    action === 'actions/create-github-app-token'
  );
}
