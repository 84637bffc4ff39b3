import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { nodeSpan, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { findStep, runScript, secretNames, sourceText, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

/** Actions that sign a job in somewhere; their failure must stop the job. */
const AUTH_ACTIONS = new Set([
  'aws-actions/configure-aws-credentials',
  'google-github-actions/auth',
  'azure/login',
  'hashicorp/vault-action',
  'docker/login-action',
  'actions/create-github-app-token',
]);
/** Sign-in commands of `run:` steps. */
const AUTH_COMMANDS = ['aws sts assume-role', 'gcloud auth', 'az login', 'vault login', 'docker login'];
/** Parts of secret names that mark a stored credential (`AWS_SECRET_ACCESS_KEY`, `DEPLOY_TOKEN`, `SA_PASSWORD`…). */
const CREDENTIAL_WORDS = ['KEY', 'SECRET', 'TOKEN', 'PASSWORD', 'PASSWD', 'CREDENTIAL', 'PAT'];

export default defineRule({
  id: 'gha-auth-continue-on-error-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['continue-on-error', 'failure()'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const jobs = new Map<object, WorkflowStep[]>();
    for (const step of workflowSteps(document)) {
      const steps = jobs.get(step.job);
      if (steps) steps.push(step);
      else jobs.set(step.job, [step]);
    }
    for (const steps of jobs.values()) {
      // One pass over the job's steps: what each is, then the first fallback after each position.
      const facts = steps.map((step) => ({
        step,
        auth: authName(document, step),
        credential: usesStoredCredential(document, step),
        onFailure: runsOnFailure(document, step),
      }));
      const nextFallback: Array<(typeof facts)[number] | undefined> = [];
      for (let i = facts.length - 1, next: (typeof facts)[number] | undefined; i >= 0; i--) {
        nextFallback[i] = next;
        if (facts[i]!.credential || facts[i]!.onFailure) next = facts[i];
      }
      const firstAuth = facts.find((fact) => fact.auth !== undefined);
      facts.forEach((fact, position) => {
        const { step, auth } = fact;
        if (auth === undefined) return;
        const coe = pairOf(step.step, 'continue-on-error');
        const span = coe && pairSpan(coe);
        const fallback = nextFallback[position];
        if (!coe || !span || scalarString(coe.value) !== 'true' || !fallback) return;
        report({
          span,
          message: `The ${auth} step in ${step.owner} may fail without failing the job, and ${describe(fallback.step)} then runs ${fallback.credential ? 'with stored credentials' : 'as a fallback'}; remove continue-on-error so a failed sign-in stops the job.`,
          construct: `${step.jobId}:${auth}:continue-on-error`,
          data: stepRef(step),
          fixable: !step.step.flow,
        });
      });
      // A `failure()` step that reaches for stored credentials after a sign-in step is the same fallback.
      if (!firstAuth) continue;
      for (const { step, credential, onFailure } of facts) {
        if (step.index <= firstAuth.step.index || !credential || !onFailure) continue;
        const condition = pairOf(step.step, 'if');
        const span = condition && pairSpan(condition);
        if (!condition || !span || !sourceText(document, condition.value).includes('failure()')) continue;
        report({
          span,
          message: `${capitalised(describe(step))} in ${step.owner} runs with stored credentials when an earlier step, such as the ${firstAuth.auth} sign-in, fails; fail closed and move any break-glass path to a separate job behind a protected environment.`,
          construct: `${step.jobId}:failure-fallback:${step.index}`,
          fixable: false,
        });
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const span = step && nodeSpan(step.step);
    if (!step || !span) return [];
    const editor = new YamlCstEditor(document.text);
    const stepMap = editor.blockMapAt(span[0]);
    if (!stepMap || editor.removeKeys(stepMap, ['continue-on-error']) === -1) return [];
    return [
      {
        title: 'Fail closed: remove continue-on-error from the sign-in step',
        edits: diffToEdits(document.text, editor.toString()),
        isPreferred: true,
      },
    ];
  },
});

/** The action or command a sign-in step runs, or undefined for other steps. */
function authName(document: ParsedDocument, step: WorkflowStep): string | undefined {
  if (step.action !== undefined) return AUTH_ACTIONS.has(step.action) ? step.action : undefined;
  const script = runScript(document, step);
  return script === undefined ? undefined : AUTH_COMMANDS.find((command) => script.includes(command));
}

/** Whether a step reads a stored secret that looks like a credential (the job's GITHUB_TOKEN does not count). */
function usesStoredCredential(document: ParsedDocument, step: WorkflowStep): boolean {
  return secretNames(sourceText(document, step.step)).some((name) => {
    const upper = name.toUpperCase();
    return upper !== 'GITHUB_TOKEN' && CREDENTIAL_WORDS.some((word) => upper.includes(word));
  });
}

/** Whether a step's `if:` makes it run when an earlier step failed. */
function runsOnFailure(document: ParsedDocument, step: WorkflowStep): boolean {
  const condition = sourceText(document, valueOf(step.step, 'if'));
  return condition.includes('failure()') || (condition.includes('.outcome') && condition.includes('failure'));
}

function describe(step: WorkflowStep): string {
  const name = scalarString(valueOf(step.step, 'name'));
  return name ? `step '${name}'` : `step ${step.index + 1}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
