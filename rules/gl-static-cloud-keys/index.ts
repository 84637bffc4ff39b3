import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { gitlabJobs, gitlabVariableMaps, isReference, scriptScalars, shellCommands, soleJob, spanOf, variableValue, type GitlabJob } from '../lib/gitlab-ci';
import docs from './docs.md';
import { awsFix, awsPlan } from './fix';

/** Variables the AWS CLI/SDKs and the Azure tools read as long-lived credentials. */
const KEY_VARIABLES: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'AWS',
  AWS_SECRET_ACCESS_KEY: 'AWS',
  AZURE_CLIENT_SECRET: 'Azure',
  ARM_CLIENT_SECRET: 'Azure',
};
const SAFE_PATTERN: Readonly<Record<string, string>> = {
  AWS: 'request an ID token (`id_tokens:` with `aud:`) and exchange it with `aws sts assume-role-with-web-identity` instead',
  Azure: 'request an ID token (`id_tokens:` with `aud:`) and run `az login --service-principal -u $AZURE_CLIENT_ID -t $AZURE_TENANT_ID --federated-token $GITLAB_OIDC_TOKEN` instead',
  GCP: 'request an ID token (`id_tokens:` with `aud:`) and use Workload Identity Federation instead',
};

export default defineRule({
  id: 'gl-static-cloud-keys',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['gitlab-ci'],
  keywords: ['aws_access_key_id', 'aws_secret_access_key', 'azure_client_secret', 'arm_client_secret', 'google_application_credentials', 'activate-service-account', 'service-principal'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    // The AWS quick fix works per job; a global key only when the file's one job is the only reader.
    const plans = new Map<GitlabJob['job'], ReturnType<typeof awsPlan>>();
    const planOf = (target: GitlabJob) => {
      if (!plans.has(target.job)) plans.set(target.job, awsPlan(document, target));
      return plans.get(target.job);
    };
    const awsFixFor = (key: string, job: GitlabJob | undefined) => {
      const target = job ?? soleJob(document);
      const plan = target && planOf(target);
      const keys = (job ? plan?.jobVariables : plan?.globalVariables)?.keys ?? [];
      return target && keys.includes(key) ? { data: { job: target.name }, fixable: true } : { fixable: false };
    };
    for (const { variables, job } of gitlabVariableMaps(document)) {
      const owner = job ? `job '${job.name}'` : 'the global variables';
      for (const { key, pair } of mapEntries(variables)) {
        const span = pairSpan(pair);
        const value = scalarString(variableValue(pair))?.trim();
        if (!span || !value) continue;
        const cloud = KEY_VARIABLES[key] ?? (key === 'GOOGLE_APPLICATION_CREDENTIALS' ? 'GCP' : undefined);
        if (!cloud) continue;
        if (cloud === 'GCP') {
          // A path is usually a Workload Identity Federation credential config; a variable or inline JSON is a key.
          const inlineKey = value.includes('private_key');
          if (!inlineKey && !isReference(value)) continue;
          report({
            span,
            message: `GOOGLE_APPLICATION_CREDENTIALS in ${owner} ${inlineKey ? 'holds a service-account key' : 'points at a stored service-account key file'}, which stays valid until deleted; ${SAFE_PATTERN.GCP}.`,
            construct: `${job?.name ?? ''}:variables:${key}`,
            severity: inlineKey ? 'error' : 'warning',
            ...(inlineKey ? { secret: value } : {}),
            fixable: false,
          });
          continue;
        }
        if (isReference(value)) {
          report({
            span,
            message: `${key} in ${owner} reads a static ${cloud} credential from a CI/CD variable: it lives in the project settings and never expires; ${SAFE_PATTERN[cloud]}.`,
            construct: `${job?.name ?? ''}:variables:${key}:${value}`,
            severity: 'warning',
            ...(cloud === 'AWS' ? awsFixFor(key, job) : { fixable: false }),
          });
        } else {
          report({
            span,
            message: `${key} in ${owner} is a static ${cloud} credential ({{secret}}) committed to the pipeline file; revoke it, and ${SAFE_PATTERN[cloud]}.`,
            secret: value,
            construct: `${job?.name ?? ''}:variables:${key}`,
            ...(cloud === 'AWS' ? awsFixFor(key, job) : { fixable: false }),
          });
        }
      }
    }
    for (const job of gitlabJobs(document)) {
      for (const scalar of scriptScalars(job.job)) {
        const script = scalarString(scalar);
        if (!script) continue;
        for (const words of shellCommands(script)) {
          const flag = (names: readonly string[]) => words.some((word) => names.some((name) => word === name || word.startsWith(`${name}=`)));
          if (words.includes('gcloud') && words.includes('activate-service-account') && flag(['--key-file'])) {
            const span = spanOf(document, scalar, 'activate-service-account');
            if (!span) continue;
            report({
              span,
              message: `Job '${job.name}' signs in to Google Cloud with a service-account key file, a credential that stays valid until the key is deleted; ${SAFE_PATTERN.GCP}.`,
              construct: `${job.name}:gcloud-key-file`,
              fixable: false,
            });
          }
          const az = words.indexOf('az');
          if (az !== -1 && words[az + 1] === 'login' && words.includes('--service-principal') && flag(['-p', '--password', '--client-secret']) && !flag(['--federated-token'])) {
            const span = spanOf(document, scalar, '--service-principal');
            if (!span) continue;
            report({
              span,
              message: `Job '${job.name}' signs in to Azure with a service-principal secret, which is valid from anywhere until it expires or is removed; ${SAFE_PATTERN.Azure}.`,
              construct: `${job.name}:az-login-secret`,
              fixable: false,
            });
          }
        }
      }
    }
  },
  fix({ document, finding }) {
    return awsFix(document, finding.data?.job);
  },
});
