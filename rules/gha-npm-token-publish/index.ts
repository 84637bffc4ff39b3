import type { Node, Pair } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { isMap, mapEntries, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { envLevels, stepInput, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { canGrantIdToken, findStep, readsStoredSecret, rewriteStep, runScript, sourceText, spanWithin, stepRef } from '../lib/github-step-fix';
import { isDryRun } from '../lib/gitlab-ci';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

/** The variables npm and the other clients read a registry token from (Yarn Berry's and Bun's included). */
const TOKEN_ENV = ['NODE_AUTH_TOKEN', 'NPM_TOKEN', 'YARN_NPM_AUTH_TOKEN', 'NPM_CONFIG_TOKEN'];
const PUBLIC_REGISTRY = 'registry.npmjs.org';
/** Package managers and release tools whose `publish` sub-command publishes to the npm registry. */
const PUBLISHERS = new Set(['npm', 'pnpm', 'yarn', 'bun', 'lerna', 'changeset']);

export default defineRule({
  id: 'gha-npm-token-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['node_auth_token', 'npm_token', 'npm_auth_token', 'npm_config_token', '_authtoken'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const reported = new Set<number>();
    const steps = workflowSteps(document);
    const otherRegistry = jobsWithOtherRegistry(steps);
    for (const step of steps) {
      const script = runScript(document, step);
      const publisher = script !== undefined ? publishCommand(script) : step.action === 'changesets/action' && stepInput(step, 'publish') ? 'changeset publish' : undefined;
      if (!publisher || otherRegistry.has(step.job) || (/--registry[= ]/.test(script ?? '') && !script!.includes(PUBLIC_REGISTRY))) continue;

      if (script?.includes('_authToken')) {
        const span = spanWithin(document, valueOf(step.step, 'run'), '_authToken');
        if (span && !reported.has(span[0])) {
          reported.add(span[0]);
          report({
            span,
            message: `A step in ${step.owner} writes an npm auth token into .npmrc before '${publisher}'; publish with npm trusted publishing (GitHub OIDC) instead of a stored token.`,
            construct: `${step.jobId}:.npmrc:_authToken`,
            fixable: false,
          });
        }
      }
      for (const { level, pair } of tokenEnv(document, step)) {
        const span = pairSpan(pair);
        if (!span || reported.has(span[0])) continue;
        reported.add(span[0]);
        const name = String(scalarString(pair.key));
        // Only the variable setup-node's .npmrc reads can go without leaving a dangling `${NPM_TOKEN}`.
        const fixable =
          level === 'step' && name === 'NODE_AUTH_TOKEN' && publisher === 'npm publish' && !script?.includes('_authToken') && canGrantIdToken(step);
        report({
          span,
          message: `'${publisher}' in ${step.owner} authenticates with ${name} from a stored npm token, which works from anywhere until it is revoked; configure npm trusted publishing and publish with the job's GitHub OIDC token instead.`,
          construct: `${level === 'workflow' ? '' : step.jobId}:${level}:${name}`,
          data: { ...stepRef(step), name },
          fixable,
        });
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const name = finding.data?.name;
    if (!step || typeof name !== 'string') return [];
    const result = rewriteStep(document, step, { remove: [], removeEnv: [name], idToken: true });
    if (!result) return [];
    return [
      {
        // Not preferred: publishing fails until the package has a trusted publisher and the job runs npm >= 11.5.1.
        title: `Use npm trusted publishing: remove ${name} ${idTokenGrant(step)} (needs npm >= 11.5.1)`,
        edits: diffToEdits(document.text, result.text),
      },
    ];
  },
});

/** The publish command a script runs (`npm publish`, `pnpm -r publish`, `npx lerna publish`…), normalised. */
export function publishCommand(script: string): string | undefined {
  for (const line of script.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    for (const command of line.split(/&&|\|\||[;|]/)) {
      const words = command.trim().split(/\s+/);
      const tool = words.findIndex((word) => PUBLISHERS.has(word));
      if (tool === -1 || !words.slice(tool + 1).includes('publish') || isDryRun(words)) continue;
      // `yarn npm publish` is Yarn Berry's publish.
      const name = words[tool] === 'yarn' && words[tool + 1] === 'npm' ? 'yarn npm' : words[tool]!;
      return `${name} publish`;
    }
  }
  return undefined;
}

/**
 * Jobs whose setup-node points at another registry (GitHub Packages, a private mirror): trusted
 * publishing exists for the public npm registry only, so they are not this rule's case.
 */
function jobsWithOtherRegistry(steps: readonly WorkflowStep[]): Set<unknown> {
  const jobs = new Set<unknown>();
  for (const step of steps) {
    if (step.action !== 'actions/setup-node') continue;
    const registry = scalarString(stepInput(step, 'registry-url')?.value);
    if (registry !== undefined && !registry.includes(PUBLIC_REGISTRY)) jobs.add(step.job);
  }
  return jobs;
}

type TokenPair = { key: string; pair: Pair<Node, Node | null> };

/** The token variables of one `env:` map, read once per map however many steps inherit it. */
const tokenPairsCache = new WeakMap<object, TokenPair[]>();
function tokenPairs(env: unknown): TokenPair[] {
  if (!isMap(env)) return [];
  let pairs = tokenPairsCache.get(env);
  if (!pairs) {
    pairs = mapEntries(env).filter(({ key }) => TOKEN_ENV.includes(key));
    tokenPairsCache.set(env, pairs);
  }
  return pairs;
}

/** Token variables the step sees (its own `env:` first, then the job's, then the workflow's) that read a stored secret. */
function tokenEnv(document: Parameters<typeof sourceText>[0], step: WorkflowStep): Array<{ level: 'step' | 'job' | 'workflow'; pair: Pair<Node, Node | null> }> {
  const found: Array<{ level: 'step' | 'job' | 'workflow'; pair: Pair<Node, Node | null> }> = [];
  const seen = new Set<string>();
  for (const [level, env] of envLevels(step)) {
    for (const { key, pair } of tokenPairs(env)) {
      if (seen.has(key)) continue;
      seen.add(key);
      if (readsStoredSecret(sourceText(document, pair.value))) found.push({ level, pair });
    }
  }
  return found;
}
