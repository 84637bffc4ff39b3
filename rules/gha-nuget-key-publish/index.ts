import { defineRule } from '../../server/src/engine/define-rule';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { pairSpan, valueOf } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { canGrantIdToken, conditionOf, exchangeStepEdits, findStep, newStepPoint, readsStoredSecret, runScript, sourceText, spanWithin, stepRef, storedSecretEnv, withStepEnv } from '../lib/github-step-fix';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

const LOGIN_ACTION = 'NuGet/login';
const LOGIN_USES = `${LOGIN_ACTION}@v1`;
/** NuGet/login's one required input: the nuget.org profile name, not secret, so a repository variable. */
const LOGIN_USER = '${{ vars.NUGET_USER }}';
/** Publishing actions that take a nuget.org API key as an input. */
const PUBLISH_ACTIONS: ReadonlyMap<string, string> = new Map([
  ['brandedoutcast/publish-nuget', 'NUGET_KEY'],
  ['alirezanet/publish-nuget', 'NUGET_KEY'],
]);

/** `dotnet nuget push` or nuget.exe's `nuget push`, as a command of a logical line. */
const PUSH = /(?:^|[\s;&|(])(dotnet[ \t]+nuget|nuget(?:\.exe)?)[ \t]+push(?![\w-])/i;
/** The key flag and its value: an expression, or a variable as bash, PowerShell or cmd writes it. */
const KEY = /(?:^|\s)(?:--api-key|-k|-ApiKey)(?:[ \t]+|=)["']?(\$\{\{[ \t]*(secrets|env)\.([A-Za-z_][\w-]*)[ \t]*\}\}|\$env:([A-Za-z_]\w*)|\$\{?([A-Za-z_]\w*)\}?|%([A-Za-z_]\w*)%)/i;
const SOURCE = /(?:^|\s)(?:--source|-s|-Source)(?:[ \t]+|=)["']?([^\s"']+)/i;

interface Push {
  readonly command: string;
  /** `${{ secrets.X }}` as written in the script, when the key is given that way. */
  readonly expression?: string;
  /** The variable the key is read from otherwise. */
  readonly variable?: string;
}

export default defineRule({
  id: 'gha-nuget-key-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['nuget'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const reported = new Set<number>();
    for (const step of workflowSteps(document)) {
      const found: Array<{ span: readonly [number, number]; command: string; via: 'argument' | 'step' | 'job' | 'workflow' | 'input' }> = [];
      const script = runScript(document, step);
      for (const push of script !== undefined ? nugetPushes(script) : []) {
        if (push.expression !== undefined) {
          const span = spanWithin(document, valueOf(step.step, 'run'), push.expression);
          if (span) found.push({ span, command: push.command, via: 'argument' });
        } else if (push.variable !== undefined) {
          const env = storedSecretEnv(document, step, push.variable);
          if (env) found.push({ span: env.span, command: push.command, via: env.level });
        }
      }
      const input = step.action !== undefined ? PUBLISH_ACTIONS.get(step.action) : undefined;
      const inputPair = input !== undefined ? stepInput(step, input) : undefined;
      if (inputPair && readsStoredSecret(sourceText(document, inputPair.value))) found.push({ span: pairSpan(inputPair)!, command: step.action!, via: 'input' });
      for (const { span, command, via } of found) {
        if (reported.has(span[0])) continue;
        reported.add(span[0]);
        report({
          span,
          message: `'${command}' in ${step.owner} publishes to nuget.org with a stored API key, which works from anywhere until it expires (up to a year) or is revoked; add a trusted publishing policy on nuget.org and exchange the job's GitHub OIDC token for a one-hour key with ${LOGIN_ACTION}.`,
          construct: `${via === 'workflow' ? '' : step.jobId}:${via}:${command}`,
          data: { ...stepRef(step), via },
          fixable: (via === 'argument' || via === 'step') && canGrantIdToken(step) && newStepPoint(document, step) !== undefined && conditionOf(document, step) !== undefined,
        });
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const via = (finding.data as { via?: string } | undefined)?.via;
    if (!step || (via !== 'argument' && via !== 'step')) return [];
    const key = (id: string) => `\${{ steps.${id}.outputs.NUGET_API_KEY }}`;
    const edits = exchangeStepEdits(document, step, { id: 'nuget-login', uses: LOGIN_USES, inputs: [['user', LOGIN_USER]] }, (id) =>
      via === 'argument' ? argumentReplaced(document, finding.span, key(id)) : withStepEnv(document, step, envName(document, finding.span), key(id)),
    );
    if (!edits) return [];
    return [
      {
        // Not preferred: the push fails until nuget.org has a trusted publishing policy for this workflow.
        title: `Use nuget.org trusted publishing: a short-lived key from ${LOGIN_ACTION} ${idTokenGrant(step)}`,
        edits,
      },
    ];
  },
});

/** The key expression in the script replaced by `key` (the job's map starts before it, so its offsets hold). */
function argumentReplaced(document: ParsedDocument, span: readonly [number, number], key: string): YamlCstEditor | undefined {
  const text = document.text;
  if (!text.slice(span[0], span[1]).startsWith('${{')) return undefined;
  return new YamlCstEditor(text.slice(0, span[0]) + key + text.slice(span[1]));
}

/** The variable an `env:` entry's span names (`NUGET_API_KEY: ${{ secrets.… }}`). */
function envName(document: ParsedDocument, span: readonly [number, number]): string {
  return /^[A-Za-z_]\w*/.exec(document.text.slice(span[0], span[1]))?.[0] ?? '';
}

/**
 * The pushes to nuget.org a script runs with a key from outside it. Lines continued with `\` (bash)
 * or a backtick (PowerShell) are read as one; a push to another feed (`--source` without
 * nuget.org: GitHub Packages, Azure Artifacts) is left alone, as those keep their own credentials.
 */
export function nugetPushes(script: string): Push[] {
  const pushes: Push[] = [];
  for (const line of script.replace(/[\\`]\r?\n/g, ' ').split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const push = PUSH.exec(line);
    if (!push) continue;
    const rest = line.slice(push.index + push[0].length);
    const source = SOURCE.exec(rest)?.[1];
    if (source !== undefined && !/(?:^|[./])nuget\.org(?:[/:]|$)/i.test(source)) continue;
    const key = KEY.exec(rest);
    if (!key) continue;
    const command = /^dotnet/i.test(push[1]!) ? 'dotnet nuget push' : 'nuget push';
    if (key[2]?.toLowerCase() === 'secrets') pushes.push({ command, expression: key[1]! });
    else pushes.push({ command, variable: key[3] ?? key[4] ?? key[5] ?? key[6]! });
  }
  return pushes;
}
