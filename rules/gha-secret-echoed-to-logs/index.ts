import { defineRule } from '../../server/src/engine/define-rule';
import { isScalar, mapEntries, nodeSpan, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Span } from '../../server/src/engine/types';
import { workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { secretNames, sourceText } from '../lib/github-step-fix';
import { commandName, pipelines, redirectTargets, shellVariables, unquote, type Command } from '../lib/shell-pipelines';
import docs from './docs.md';

/** Commands that print their input, transformed, when nothing else reads it. */
const TRANSFORMS = new Set(['base64', 'jq', 'yq', 'xxd', 'od', 'hexdump', 'rev', 'tr', 'sed', 'awk', 'cut', 'head', 'tail', 'sort', 'uniq', 'cat', 'fold', 'xargs']);
/** Files the runner reads back: outputs, exported env and the run summary. */
const RUNNER_FILES = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY'];

/** The calls that take the secrets context as structured data, up to the end of `secrets` (any case, as expressions allow). */
const TO_JSON_SECRETS = /tojson\( *secrets/gi;
const FROM_JSON_SECRETS = /fromjson\( *secrets/gi;

type Found = { span: Span; kind: string; names: readonly string[]; detail?: string };

export default defineRule({
  id: 'gha-secret-echoed-to-logs',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['secrets'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const steps = workflowSteps(document);
    for (const step of steps) {
      const secretEnv = secretEnvironment(document, step);
      for (const found of scriptFindings(document, step, secretEnv)) {
        report({
          span: found.span,
          message: message(`${describe(step)} in ${step.owner}`, found),
          construct: `${step.jobId}:${found.kind}:${found.names.join(',')}`,
          fixable: false,
        });
      }
    }
    for (const { found, where, construct } of structuredSecrets(document, steps)) {
      report({ span: found.span, message: message(where, found), construct: `${construct}:${found.kind}:${found.names.join(',')}`, fixable: false });
    }
  },
});

/** Env variables visible to a step (workflow, job and step `env:`) that hold a secret, with the secret names. */
function secretEnvironment(document: ParsedDocument, step: WorkflowStep): Map<string, string[]> {
  const env = new Map<string, string[]>();
  for (const map of [valueOf(step.yaml.contents, 'env'), valueOf(step.job, 'env'), valueOf(step.step, 'env')]) {
    for (const { key, pair } of mapEntries(map)) {
      const names = secretNames(sourceText(document, pair.value));
      if (names.length > 0) env.set(key, names);
      else env.delete(key);
    }
  }
  return env;
}

function scriptFindings(document: ParsedDocument, step: WorkflowStep, secretEnv: Map<string, string[]>): Found[] {
  const run = valueOf(step.step, 'run');
  const span = nodeSpan(run);
  if (!span || !isScalar(run)) return [];
  let source = document.text.slice(span[0], span[1]);
  let base = span[0];
  // Block scalars start with their header (`|`, `|-`, `>`); quoted ones with a quote.
  if (source.startsWith('|') || source.startsWith('>')) {
    const eol = source.indexOf('\n');
    if (eol === -1) return [];
    base += eol + 1;
    source = source.slice(eol + 1);
  } else if (source.startsWith('"') || source.startsWith("'")) {
    base += 1;
    source = source.slice(1, -1);
  }
  // Stored secrets other than the job's own GITHUB_TOKEN, for tracing and environment dumps.
  // Every finding names a secret, from an expression in the script or an env variable holding one:
  // most scripts have neither and are not tokenized at all.
  if (secretEnv.size === 0 && !source.includes('secrets')) return [];
  const storedInEnv = [...new Set([...secretEnv.values()].flat().filter((name) => name.toUpperCase() !== 'GITHUB_TOKEN'))];
  const found: Found[] = [];
  const at = (command: Command): Span => [base + command.start, base + command.start + command.text.length];

  const shell = pairOf(step.step, 'shell');
  const shellSpan = shell && pairSpan(shell);
  // Tracing prints each command with its arguments expanded: it exposes the secrets the traced commands use.
  const tracedSecrets = (rest: string): string[] => {
    const names = [...secretNames(rest), ...shellVariables(rest).flatMap((variable) => secretEnv.get(variable) ?? [])];
    return [...new Set(names.filter((name) => name.toUpperCase() !== 'GITHUB_TOKEN'))];
  };
  const shellTraced = shellSpan && tracesShell(scalarString(shell.value) ?? '') ? tracedSecrets(source) : [];
  if (shellSpan && shellTraced.length > 0) found.push({ span: shellSpan, kind: 'trace', names: shellTraced });

  const all = pipelines(source);
  let traced = shellTraced.length > 0;
  for (const [index, pipeline] of all.entries()) {
    const first = pipeline[0]!;
    const { name, args } = commandName(first.text);
    if (name === 'set' && turnsOnTracing(args)) {
      // The first `set -x` is reported, with the secrets the commands after it expand.
      if (!traced) {
        traced = true;
        const names = tracedSecrets(all.slice(index + 1).flatMap((later) => later.map((command) => command.text)).join('\n'));
        if (names.length > 0) found.push({ span: at(first), kind: 'trace', names });
      }
      continue;
    }
    if (pipeline.length === 1 && redirectTargets(first.text).length === 0 && dumpsEnvironment(name, args, secretEnv)) {
      const names = storedInEnv.length > 0 && !(name === 'printenv' && args.length > 0) ? storedInEnv : args.flatMap((arg) => secretEnv.get(arg) ?? []);
      if (names.length > 0) found.push({ span: at(first), kind: 'dump', names });
      continue;
    }
    // `printf -v VAR` assigns instead of printing.
    if ((name !== 'echo' && name !== 'printf') || (name === 'printf' && args[0] === '-v')) continue;
    if (first.text.includes('::add-mask::')) continue;
    const names = [...secretNames(first.text), ...shellVariables(first.text).flatMap((variable) => secretEnv.get(variable) ?? [])];
    if (names.length === 0) continue;
    const sink = outputSink(pipeline);
    if (sink) found.push({ span: at(first), kind: sink.kind, names: [...new Set(names)], detail: sink.detail });
  }
  return found;
}

/** Where an `echo`/`printf` pipeline's output ends up, or undefined when a command consumes it (e.g. `--password-stdin`). */
function outputSink(pipeline: readonly Command[]): { kind: string; detail?: string } | undefined {
  let transformed: string | undefined;
  for (const [index, command] of pipeline.entries()) {
    const { name, args } = commandName(command.text);
    if (index > 0) {
      if (name === 'tee') {
        const file = runnerFile(args.join(' '));
        return file ? { kind: 'runner-file', detail: file } : { kind: 'log', detail: transformed };
      }
      if (!TRANSFORMS.has(name)) return undefined;
      transformed ??= name;
    }
    for (const target of redirectTargets(command.text)) {
      const file = runnerFile(target);
      if (file) return { kind: 'runner-file', detail: file };
      if (target !== '&2' && target !== '&1' && !target.includes('/dev/stderr') && !target.includes('/dev/stdout')) return undefined;
    }
  }
  return { kind: 'log', detail: transformed };
}

function runnerFile(text: string): string | undefined {
  return RUNNER_FILES.find((file) => text.includes(`$${file}`) || text.includes(`\${${file}}`) || text.includes(`env.${file}`));
}

function turnsOnTracing(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-o' && args[i + 1] === 'xtrace') return true;
    if (/^-[a-z]{0,8}x/.test(arg)) return true;
  }
  return false;
}

/** `shell: bash -x {0}` and the like. */
function tracesShell(shell: string): boolean {
  const parts = shell.split(' ');
  return parts.slice(1).some((part) => /^-[a-z]{0,8}x/.test(part) || part === 'xtrace');
}

/** `env`, `printenv`, `export -p` or `declare -x` on their own print every variable; `printenv NAME` one. */
function dumpsEnvironment(name: string, args: readonly string[], secretEnv: Map<string, string[]>): boolean {
  if (name === 'env' || name === 'printenv') {
    return args.length === 0 || (name === 'printenv' && args.every((arg) => secretEnv.has(unquote(arg))));
  }
  if (name === 'export' || name === 'declare') return args.length === 1 && (args[0] === '-p' || args[0] === '-x');
  return false;
}

/**
 * Expressions that take secrets out of the secrets context as structured data, anywhere in the
 * workflow (a step, a job's `env:`, the `with:` or `secrets:` of a reusable-workflow call):
 * `toJSON(secrets)`, every secret in one value, and `fromJSON(secrets.X)`, a field of a JSON
 * secret, whose value was never registered for redaction.
 */
function* structuredSecrets(document: ParsedDocument, steps: readonly WorkflowStep[]): Generator<{ found: Found; where: string; construct: string }> {
  const text = document.text;
  for (const [call, kind] of [[TO_JSON_SECRETS, 'tojson'], [FROM_JSON_SECRETS, 'fromjson']] as const) {
    for (const match of text.matchAll(call)) {
      const at = match.index;
      let i = at + match[0].length;
      let names: string[] = ['*'];
      if (kind === 'tojson') {
        while (text[i] === ' ') i++;
        if (text[i] !== ')') continue;
      } else {
        const argumentEnd = text.indexOf(')', i);
        if (argumentEnd === -1 || argumentEnd - i > 200) continue;
        names = secretNames(text.slice(i - 7, argumentEnd));
        if (names.length === 0) continue;
        i = argumentEnd;
      }
      const lineStart = text.lastIndexOf('\n', at) + 1;
      if (text.slice(lineStart, at).trimStart().startsWith('#')) continue;
      const { where, construct } = ownerAt(document, steps, at);
      yield { found: { span: [at, i + 1], kind, names }, where, construct };
    }
  }
}

/** What holds the expression at `offset`, as messages name it: a step, a job, or the workflow. */
function ownerAt(document: ParsedDocument, steps: readonly WorkflowStep[], offset: number): { where: string; construct: string } {
  for (const step of steps) {
    const span = nodeSpan(step.step);
    if (span && span[0] <= offset && offset < span[1]) return { where: `${describe(step)} in ${step.owner}`, construct: step.jobId };
  }
  for (const yaml of document.yaml()) {
    for (const { key, pair } of mapEntries(valueOf(yaml.contents, 'jobs'))) {
      const span = nodeSpan(pair.value);
      if (span && span[0] <= offset && offset < span[1]) return { where: `Job '${key}'`, construct: key };
    }
  }
  return { where: 'The workflow', construct: '' };
}

function message(where: string, found: Found): string {
  const list = found.names.join(', ');
  switch (found.kind) {
    case 'trace':
      return `${where} turns on shell tracing before commands that use secrets (${list}); tracing prints each command with its arguments expanded, and redaction is not guaranteed. Remove set -x / -x from this step.`;
    case 'dump':
      return `${where} prints its environment, which holds secrets (${list}), to the job log; redaction is not guaranteed. Remove the command or print only non-secret variables.`;
    case 'runner-file':
      return `${where} writes secret ${list} to $${found.detail}, so it is handed to ${found.detail === 'GITHUB_STEP_SUMMARY' ? 'the run summary' : 'later steps'} outside the secrets context. Pass the secret through env: to the steps that need it instead.`;
    case 'tojson':
      return `${where} uses toJSON(secrets), which puts every secret the workflow can read into one structured value; redaction is not guaranteed for it. Pass only the secrets each step needs, each by name through env:.`;
    case 'fromjson':
      return `${where} reads a field of the JSON secret ${list} with fromJSON; the field's value was never registered as a secret, so it is printed in clear wherever it reaches the log. Store each value the workflow needs as a secret of its own.`;
    default:
      return `${where} prints secret ${list}${found.detail ? ` (through ${found.detail})` : ''} to the job log; redaction is not guaranteed${found.detail ? ', and a transformed value is not redacted at all' : ''}. Remove the echo and pass the secret through env: to the command that needs it; rotate it if a log already shows it.`;
  }
}

function describe(step: WorkflowStep): string {
  const name = scalarString(valueOf(step.step, 'name'));
  return name ? `Step '${name}'` : `Step ${step.index + 1}`;
}
