import { defineRule } from '../../server/src/engine/define-rule';
import { pairSpan, valueOf } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { isDryRun, shellCommands } from '../lib/gitlab-ci';
import { canGrantIdToken, conditionOf, exchangeStepEdits, findStep, newStepPoint, readsStoredSecret, runScript, sourceText, spanWithin, stepRef, storedSecretEnv, withStepEnv } from '../lib/github-step-fix';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

/** The variable cargo reads the crates.io token from (other registries have their own, `CARGO_REGISTRIES_<NAME>_TOKEN`). */
const TOKEN_ENV = 'CARGO_REGISTRY_TOKEN';
const AUTH_ACTION = 'rust-lang/crates-io-auth-action';
const AUTH_USES = `${AUTH_ACTION}@v1`;
/** Release tools that run `cargo publish` for you, and the input they take the token in. */
const PUBLISH_ACTIONS: ReadonlyMap<string, string | undefined> = new Map([
  ['katyo/publish-crates', 'registry-token'],
  ['release-plz/action', undefined],
]);

export default defineRule({
  id: 'gha-crates-token-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['cargo', 'publish-crates', 'release-plz'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const steps = workflowSteps(document);
    const reported = new Set<number>();
    for (const step of steps) {
      const script = runScript(document, step);
      const publisher = script !== undefined ? publishCommand(script) : step.action !== undefined && PUBLISH_ACTIONS.has(step.action) ? step.action : undefined;
      // `--registry` / `--index` publish to another registry, which keeps its own tokens.
      if (!publisher || /--(?:registry|index)\b/.test(script ?? '')) continue;
      const found: Array<{ span: readonly [number, number]; name: string; level: 'step' | 'job' | 'workflow' | 'argument' | 'input' }> = [];
      const token = storedSecretEnv(document, step, TOKEN_ENV);
      if (token) found.push({ span: token.span, name: TOKEN_ENV, level: token.level });
      const tokenFlag = script !== undefined && /--token[= ]+["']?\$\{\{\s*secrets[.[]/.test(script) ? spanWithin(document, valueOf(step.step, 'run'), '--token') : undefined;
      if (tokenFlag) found.push({ span: tokenFlag, name: '--token', level: 'argument' });
      const input = step.action !== undefined ? PUBLISH_ACTIONS.get(step.action) : undefined;
      const inputPair = input !== undefined ? stepInput(step, input) : undefined;
      if (inputPair && readsStoredSecret(sourceText(document, inputPair.value))) found.push({ span: pairSpan(inputPair)!, name: input!, level: 'input' });
      for (const { span, name, level } of found) {
        if (reported.has(span[0])) continue;
        reported.add(span[0]);
        report({
          span,
          message: `'${publisher}' in ${step.owner} authenticates with ${name} from a stored crates.io API token, which works from anywhere until it is revoked; configure crates.io trusted publishing and exchange the job's GitHub OIDC token with ${AUTH_ACTION}.`,
          construct: `${level === 'workflow' ? '' : step.jobId}:${level}:${name}`,
          data: { ...stepRef(step), name },
          fixable: level === 'step' && publisher === 'cargo publish' && canGrantIdToken(step) && newStepPoint(document, step) !== undefined && conditionOf(document, step) !== undefined,
        });
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step || finding.data?.name !== TOKEN_ENV) return [];
    const edits = exchangeStepEdits(document, step, { id: 'crates-io-auth', uses: AUTH_USES }, (id) => withStepEnv(document, step, TOKEN_ENV, `\${{ steps.${id}.outputs.token }}`));
    if (!edits) return [];
    return [
      {
        // Not preferred: publishing fails until the crate has a trusted publisher on crates.io.
        title: `Use crates.io trusted publishing: a token from ${AUTH_ACTION} ${idTokenGrant(step)}`,
        edits,
      },
    ];
  },
});

/** The publish command a script runs (`cargo publish`, `cargo +stable publish -p core`, `cargo workspaces publish`), normalised. */
function publishCommand(script: string): string | undefined {
  for (const words of shellCommands(script)) {
    const cargo = words.indexOf('cargo');
    if (cargo === -1) continue;
    const rest = words.slice(cargo + 1).filter((word) => !word.startsWith('+'));
    if (isDryRun(rest, '-n')) continue;
    if (rest[0] === 'publish') return 'cargo publish';
    if (rest[0] === 'workspaces' && rest[1] === 'publish') return 'cargo workspaces publish';
    if (rest[0] === 'release' && rest.includes('--execute')) return 'cargo release';
  }
  return undefined;
}

