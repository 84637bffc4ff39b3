import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { canRewriteForOidc, findStep, rewriteStep, runScript, spanWithin, stepRef } from '../lib/github-step-fix';
import { idTokenGrant } from '../lib/github-permissions';
import docs from './docs.md';

const AUTH = 'google-github-actions/auth';
const DOCKER_LOGIN = 'docker/login-action';
export const PROVIDER_PLACEHOLDER = 'projects/<PROJECT_NUMBER>/locations/global/workloadIdentityPools/<POOL_ID>/providers/<PROVIDER_ID>';
export const SERVICE_ACCOUNT_PLACEHOLDER = '<SERVICE_ACCOUNT>@<PROJECT_ID>.iam.gserviceaccount.com';
/** docker/login-action user names that make the password a service-account key JSON. */
const JSON_KEY_USERS = new Set(['_json_key', '_json_key_base64']);

export default defineRule({
  id: 'gha-gcp-sa-key-json',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['credentials_json', '_json_key', 'activate-service-account'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action === AUTH) {
        const input = stepInput(step, 'credentials_json');
        const span = input && pairSpan(input);
        if (!input || !span) continue;
        report({
          span,
          message: `${AUTH} in ${step.owner} signs in with a service-account key JSON, a credential that is valid until someone deletes the key; use Workload Identity Federation (workload_identity_provider) instead.`,
          construct: `${step.jobId}:${AUTH}:credentials_json`,
          data: stepRef(step),
          fixable: canRewriteForOidc(step),
        });
      } else if (step.action === DOCKER_LOGIN) {
        const user = stepInput(step, 'username');
        const span = user && pairSpan(user);
        if (!user || !span || !JSON_KEY_USERS.has(scalarString(user.value) ?? '')) continue;
        report({
          span,
          message: `${DOCKER_LOGIN} in ${step.owner} logs in to a Google registry with a service-account key JSON; authenticate with google-github-actions/auth (Workload Identity Federation, token_format: access_token) and log in with username oauth2accesstoken instead.`,
          construct: `${step.jobId}:${DOCKER_LOGIN}:${scalarString(user.value)}`,
          fixable: false,
        });
      } else if (step.action === undefined) {
        const script = runScript(document, step);
        if (!script || !script.includes('activate-service-account') || !script.includes('--key-file')) continue;
        const span = spanWithin(document, valueOf(step.step, 'run'), 'activate-service-account');
        if (!span) continue;
        report({
          span,
          message: `A run step in ${step.owner} activates a service account from a key file; authenticate with google-github-actions/auth and Workload Identity Federation instead of a stored key.`,
          construct: `${step.jobId}:gcloud auth activate-service-account`,
          fixable: false,
        });
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step) return [];
    const result = rewriteStep(document, step, {
      remove: ['credentials_json'],
      insert: [
        ['workload_identity_provider', PROVIDER_PLACEHOLDER],
        ['service_account', SERVICE_ACCOUNT_PLACEHOLDER],
      ],
      idToken: true,
    });
    if (!result) return [];
    const placeholders = [
      ...(result.inserted.includes('workload_identity_provider') ? [PROVIDER_PLACEHOLDER] : []),
      ...(result.inserted.includes('service_account') ? [SERVICE_ACCOUNT_PLACEHOLDER] : []),
    ];
    return [
      {
        title: `Use Workload Identity Federation: workload_identity_provider ${idTokenGrant(step)}`,
        edits: diffToEdits(document.text, result.text),
        isPreferred: true,
        ...(placeholders.length > 0 ? { placeholders } : {}),
      },
    ];
  },
});
