import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { mapEntries, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowEnvMaps, workflowSteps } from '../lib/github-actions';
import { canRewriteForOidc, findStep, readsStoredSecret, rewriteStep, runScript, sourceText, spanWithin, stepRef } from '../lib/github-step-fix';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

const LOGIN = 'azure/login';
/** Client-secret variables read by the Azure SDKs / CLI (`AZURE_*`) and the azurerm Terraform provider (`ARM_*`). */
const SECRET_ENV = new Set(['AZURE_CLIENT_SECRET', 'ARM_CLIENT_SECRET']);
const OIDC_INPUTS: ReadonlyArray<readonly [string, string]> = [
  ['client-id', '${{ secrets.AZURE_CLIENT_ID }}'],
  ['tenant-id', '${{ secrets.AZURE_TENANT_ID }}'],
  ['subscription-id', '${{ secrets.AZURE_SUBSCRIPTION_ID }}'],
];
/** `az login` options that pass a service principal's password or certificate. */
const PASSWORD_FLAGS = ['-p', '--password', '--client-secret'];

export default defineRule({
  id: 'gha-azure-creds-json',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['creds', 'azure_client_secret', 'arm_client_secret', '--service-principal'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action === LOGIN) {
        const creds = stepInput(step, 'creds');
        const span = creds && pairSpan(creds);
        if (!creds || !span) continue;
        const ignored = OIDC_INPUTS.some(([key]) => stepInput(step, key) !== undefined);
        report({
          span,
          message: ignored
            ? `${LOGIN} in ${step.owner} still passes a service-principal secret in creds; with client-id, tenant-id or subscription-id set the action ignores it, so remove it and delete the secret.`
            : `${LOGIN} in ${step.owner} signs in with a service-principal client secret (creds); use OpenID Connect with client-id, tenant-id and subscription-id instead.`,
          construct: `${step.jobId}:${LOGIN}:creds`,
          data: stepRef(step),
          fixable: canRewriteForOidc(step),
        });
      } else if (step.action === undefined) {
        const script = runScript(document, step);
        if (!script || !script.includes('az login') || !script.includes('--service-principal')) continue;
        if (!passesPassword(script)) continue;
        const span = spanWithin(document, valueOf(step.step, 'run'), '--service-principal');
        if (!span) continue;
        report({
          span,
          message: `A run step in ${step.owner} signs in to Azure as a service principal with a stored secret or certificate; use azure/login with OpenID Connect instead.`,
          construct: `${step.jobId}:az login --service-principal`,
          fixable: false,
        });
      }
    }
    for (const yaml of document.yaml()) {
      for (const { env, jobId, owner } of workflowEnvMaps(yaml.contents)) {
        for (const { key, pair } of mapEntries(env)) {
          const span = pairSpan(pair);
          if (!SECRET_ENV.has(key) || !span || !readsStoredSecret(sourceText(document, pair.value))) continue;
          report({
            span,
            message: `${key} hands a service-principal client secret to ${owner ?? 'every job'}; federate the app registration with GitHub OIDC (${key.startsWith('ARM_') ? 'ARM_USE_OIDC: true' : 'azure/login with client-id'}) instead.`,
            construct: `${jobId ?? ''}:env:${key}`,
            fixable: false,
          });
        }
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step) return [];
    // With `allow-no-subscriptions: true` the login is tenant-only.
    const tenantOnly = scalarString(stepInput(step, 'allow-no-subscriptions')?.value) === 'true';
    const insert = OIDC_INPUTS.filter(([key]) => !(tenantOnly && key === 'subscription-id'));
    const result = rewriteStep(document, step, { remove: ['creds'], insert, idToken: true });
    if (!result) return [];
    const placeholders = insert.filter(([key]) => result.inserted.includes(key)).map(([, value]) => value.slice(12, -3));
    return [
      {
        title: `Use OpenID Connect: client-id, tenant-id, subscription-id ${idTokenGrant(step)}`,
        edits: diffToEdits(document.text, result.text),
        isPreferred: true,
        ...(placeholders.length > 0 ? { placeholders } : {}),
      },
    ];
  },
});

/** Whether an `az login` script passes a password or certificate (`-p x`, `--password=x`, `--client-secret x`). */
function passesPassword(script: string): boolean {
  for (const word of script.split(/\s+/)) {
    const flag = word.split('=')[0]!;
    if (PASSWORD_FLAGS.includes(flag)) return true;
  }
  return false;
}
