import { defineRule } from '../../server/src/engine/define-rule';
import { pairSpan, valueOf } from '../../server/src/engine/parse/yaml';
import { envLevels, stepInput, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { shellCommands } from '../lib/gitlab-ci';
import {
  canGrantIdToken,
  conditionOf,
  exchangeStepEdits,
  findStep,
  newStepPoint,
  readsStoredSecret,
  runScript,
  sourceText,
  spanWithin,
  stepRef,
  storedSecretEnv,
  withoutStepEnv,
} from '../lib/github-step-fix';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

/** The variable `gem push` reads the RubyGems.org API key from. */
const TOKEN_ENV = 'GEM_HOST_API_KEY';
/** The key's entry in `~/.gem/credentials`, which scripts write from a secret before pushing. */
const CREDENTIALS_KEY = ':rubygems_api_key:';
/** Publishing actions, and where each takes the API key: an input, or an environment variable. */
const PUBLISH_ACTIONS: ReadonlyMap<string, { readonly input?: string; readonly env?: string }> = new Map([
  ['cadwallion/publish-rubygems-action', { env: 'RUBYGEMS_API_KEY' }],
  ['dawidd6/action-publish-gem', { input: 'api_key' }],
  ['actionshub/publish-gem-to-rubygems', { input: 'token' }],
]);
const TRUSTED_ACTIONS = new Set(['rubygems/release-gem', 'rubygems/configure-rubygems-credentials']);
/**
 * With no inputs it exchanges the job's OIDC token for a short-lived key and exports it as
 * GEM_HOST_API_KEY (and into ~/.gem/credentials), which `gem push` and Bundler's release task read.
 * v1.0.0 is the version rubygems/release-gem@v1 itself runs.
 */
const CREDENTIALS_USES = 'rubygems/configure-rubygems-credentials@v1.0.0';

export default defineRule({
  id: 'gha-rubygems-token-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['gem_host_api_key', 'rubygems_api_key', 'publish-rubygems-action', 'action-publish-gem', 'publish-gem-to-rubygems'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const steps = workflowSteps(document);
    // A job that already exchanges its OIDC token gets a short-lived key from it.
    const trusted = new Set(steps.filter((step) => step.action !== undefined && TRUSTED_ACTIONS.has(step.action)).map((step) => step.job));
    const reported = new Set<number>();
    const publishers = steps.map((step) => publisherOf(document, step));
    const publishingJobs = new Set(steps.filter((_, index) => publishers[index] !== undefined).map((step) => step.job));
    steps.forEach((step, index) => {
      if (trusted.has(step.job) || !publishingJobs.has(step.job)) return;
      const publisher = publishers[index];
      const found: Array<{ span: readonly [number, number]; name: string; level: string }> = [];
      const pushes = publisher?.startsWith('gem push') || publisher === 'rake release';
      if (pushes) {
        const token = storedSecretEnv(document, step, TOKEN_ENV);
        if (token) found.push({ span: token.span, name: TOKEN_ENV, level: token.level });
      }
      const action = step.action !== undefined ? PUBLISH_ACTIONS.get(step.action) : undefined;
      if (action?.env) {
        const token = storedSecretEnv(document, step, action.env);
        if (token) found.push({ span: token.span, name: action.env, level: token.level });
      }
      const input = action?.input !== undefined ? stepInput(step, action.input) : undefined;
      if (input && readsStoredSecret(sourceText(document, input.value))) found.push({ span: pairSpan(input)!, name: action!.input!, level: 'input' });
      // A step of a publishing job that writes the key into ~/.gem/credentials from a secret
      // (reported once: the variable it writes from, when that was found above).
      const script = runScript(document, step);
      if (found.length === 0 && script?.includes(CREDENTIALS_KEY) && (readsStoredSecret(script) || stepReadsSecretEnv(document, step))) {
        const span = spanWithin(document, valueOf(step.step, 'run'), CREDENTIALS_KEY);
        if (span) found.push({ span, name: '~/.gem/credentials', level: 'credentials' });
      }
      for (const { span, name, level } of found) {
        if (reported.has(span[0])) continue;
        reported.add(span[0]);
        report({
          span,
          message: `${step.owner[0]!.toUpperCase()}${step.owner.slice(1)} publishes to RubyGems.org with ${name} from a stored API key, which works from anywhere until it is revoked; configure a trusted publisher on RubyGems.org and release with rubygems/release-gem, which exchanges the job's GitHub OIDC token for a short-lived key.`,
          construct: `${level === 'workflow' ? '' : step.jobId}:${level}:${name}`,
          data: { ...stepRef(step), name },
          // The step's own key gives way to the exchanged one; elsewhere it is shared with other steps.
          fixable: pushes && level === 'step' && name === TOKEN_ENV && canGrantIdToken(step) && newStepPoint(document, step) !== undefined && conditionOf(document, step) !== undefined,
        });
      }
    });
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step || finding.data?.name !== TOKEN_ENV) return [];
    // The step's own GEM_HOST_API_KEY would hide the one the exchange step exports: it goes.
    const edits = exchangeStepEdits(document, step, { id: 'rubygems-credentials', uses: CREDENTIALS_USES }, () => withoutStepEnv(document, step, TOKEN_ENV));
    if (!edits) return [];
    return [
      {
        // Not preferred: publishing fails until the gem has a trusted publisher on RubyGems.org.
        title: `Use RubyGems.org trusted publishing: a short-lived key from configure-rubygems-credentials ${idTokenGrant(step)}`,
        edits,
      },
    ];
  },
});

/** What a step publishes with: `gem push`, `rake release` (Bundler's release task), or a publishing action; only to RubyGems.org. */
function publisherOf(document: Parameters<typeof runScript>[0], step: WorkflowStep): string | undefined {
  if (step.action !== undefined) return PUBLISH_ACTIONS.has(step.action) ? step.action : undefined;
  const script = runScript(document, step);
  if (script === undefined) return undefined;
  for (const words of shellCommands(script)) {
    const gem = words.indexOf('gem');
    if (gem !== -1 && words[gem + 1] === 'push') {
      // GitHub Packages and private servers (`--host`, `--key github`) keep their own keys.
      const host = words[words.indexOf('--host') + 1];
      if ((words.includes('--host') && !host?.includes('rubygems.org')) || words.includes('--key')) continue;
      return 'gem push';
    }
    const rake = words.indexOf('rake');
    if (rake !== -1 && words.slice(rake + 1).some((word) => /^release(?:$|\[|:)/.test(word))) return 'rake release';
  }
  return undefined;
}

/** Whether any variable the step sees reads a stored secret (a credentials file written from `$KEY`). */
function stepReadsSecretEnv(document: Parameters<typeof runScript>[0], step: WorkflowStep): boolean {
  return envLevels(step).some(([, env]) => readsStoredSecret(sourceText(document, env)));
}
