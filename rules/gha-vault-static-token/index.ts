import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { mapEntries, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowEnvMaps, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { canRewriteForOidc, findStep, readsStoredSecret, rewriteStep, sourceText, stepRef } from '../lib/github-step-fix';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

const ACTION = 'hashicorp/vault-action';
export const ROLE_PLACEHOLDER = '<VAULT_JWT_ROLE>';
/** The input that carries the stored credential, per auth method (`token` is the action's default method). */
const CREDENTIAL_INPUT: Readonly<Record<string, string>> = { token: 'token', approle: 'secretId', userpass: 'password', ldap: 'password' };
/** Inputs that belong to the static methods; all go when the step switches to `jwt`. */
const STATIC_INPUTS = ['method', 'token', 'roleId', 'secretId', 'username', 'password'];

export default defineRule({
  id: 'gha-vault-static-token',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['hashicorp/vault-action', 'vault_token'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      const method = methodOf(step);
      const name = method && CREDENTIAL_INPUT[method];
      if (!method || !name) continue;
      // `method: token` with the token supplied elsewhere still logs in with a static token.
      const input = stepInput(step, name) ?? (method === 'token' ? stepInput(step, 'method') : undefined);
      const span = input && pairSpan(input);
      if (!input || !span) continue;
      report({
        span,
        severity: method === 'token' ? 'error' : 'warning',
        message:
          method === 'token'
            ? `${ACTION} in ${step.owner} logs in to Vault with a stored token; use method: jwt with the job's GitHub OIDC token and a Vault role instead.`
            : `${ACTION} in ${step.owner} logs in to Vault with ${method} and a stored ${name}; use method: jwt with the job's GitHub OIDC token and a Vault role instead.`,
        construct: `${step.jobId}:${ACTION}:${method}`,
        data: { ...stepRef(step), method },
        fixable: canRewriteForOidc(step),
      });
    }
    for (const yaml of document.yaml()) {
      for (const { env, jobId, owner } of workflowEnvMaps(yaml.contents)) {
        for (const { key, pair } of mapEntries(env)) {
          const span = pairSpan(pair);
          if (key !== 'VAULT_TOKEN' || !span || !readsStoredSecret(sourceText(document, pair.value))) continue;
          report({
            span,
            message: `VAULT_TOKEN hands a stored Vault token to ${owner ?? 'every job'}; log in with ${ACTION} (method: jwt) and the job's GitHub OIDC token instead.`,
            construct: `${jobId ?? ''}:env:VAULT_TOKEN`,
            fixable: false,
          });
        }
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step) return [];
    // For approle, userpass and ldap a custom `path` is the old method's mount; jwt uses its own.
    const remove = finding.data?.method === 'token' ? STATIC_INPUTS : [...STATIC_INPUTS, 'path'];
    const result = rewriteStep(document, step, {
      remove,
      insert: [
        ['method', 'jwt'],
        ['role', ROLE_PLACEHOLDER],
      ],
      idToken: true,
    });
    if (!result) return [];
    return [
      {
        title: `Use GitHub OIDC: method: jwt + role ${idTokenGrant(step)}`,
        edits: diffToEdits(document.text, result.text),
        isPreferred: true,
        ...(result.inserted.includes('role') ? { placeholders: [ROLE_PLACEHOLDER] } : {}),
      },
    ];
  },
});

/** The step's auth method, lower-cased; the action's default is `token`. Undefined for an expression. */
function methodOf(step: WorkflowStep): string | undefined {
  const input = stepInput(step, 'method');
  if (!input) return 'token';
  const value = scalarString(input.value);
  return value === undefined || value.includes('$') ? undefined : value.trim().toLowerCase();
}
