import type { Node, YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { mapEntries, nodeSpan, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { Fix, Severity } from '../../server/src/engine/types';
import { isExpressionReference, stepInput, workflowSteps, type WorkflowStep } from '../lib/github-actions';
import { findStep, readsStoredSecret, runScript, sourceText, spanWithin, stepRef } from '../lib/github-step-fix';
import { acrFix, acrPlan, dockerHubFix, dockerHubPlan, garFix, garPlan, JSON_KEY_USERS, SIGN_IN_ACTIONS } from './oidc';
import { grantJobScope } from '../lib/github-permissions';
import { canGrantScope } from './permissions';
import docs from './docs.md';

const LOGIN_ACTION = 'docker/login-action';
const GHCR_PASSWORD = '${{ secrets.GITHUB_TOKEN }}';
const GHCR_USERNAME = '${{ github.actor }}';
const ECR_LOGIN = 'aws-actions/amazon-ecr-login@v2';

type Registry = 'ecr' | 'ecr-public' | 'gar' | 'acr' | 'ghcr' | 'dockerhub' | 'other' | 'unknown';

const ADVICE: Record<Registry, { severity: Severity; what: string; advice: string }> = {
  ecr: {
    severity: 'error',
    what: 'Amazon ECR',
    advice: 'assume an IAM role through GitHub OIDC with aws-actions/configure-aws-credentials and log in with aws-actions/amazon-ecr-login',
  },
  'ecr-public': {
    severity: 'error',
    what: 'Amazon ECR Public',
    advice: 'assume an IAM role through GitHub OIDC with aws-actions/configure-aws-credentials and log in with aws-actions/amazon-ecr-login',
  },
  gar: {
    severity: 'error',
    what: 'Google Artifact Registry / GCR',
    advice: 'use google-github-actions/auth with Workload Identity Federation (token_format: access_token) and pass its access_token output with username oauth2accesstoken',
  },
  acr: {
    severity: 'error',
    what: 'Azure Container Registry',
    advice: 'sign in with azure/login through OIDC (client-id, tenant-id, subscription-id) and run az acr login',
  },
  ghcr: {
    severity: 'warning',
    what: 'GitHub Container Registry',
    advice: "use the job's short-lived GITHUB_TOKEN (password: ${{ secrets.GITHUB_TOKEN }}) with permissions packages: write",
  },
  dockerhub: {
    severity: 'warning',
    what: 'Docker Hub',
    advice: 'if your Docker Hub organization has an OIDC connection, use docker/login-action v4.5.0+ with DOCKERHUB_OIDC_CONNECTIONID and no password; otherwise use an organization access token with the narrowest scope',
  },
  other: {
    severity: 'warning',
    what: 'this registry',
    advice: 'prefer a short-lived credential minted for the job (OIDC) if the registry supports it, otherwise a narrowly scoped, rotated token',
  },
  unknown: {
    severity: 'warning',
    what: 'this registry',
    advice: 'prefer a short-lived credential minted for the job (OIDC) if the registry supports it, otherwise a narrowly scoped, rotated token',
  },
};

export default defineRule({
  id: 'gha-registry-password',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['docker/login-action', 'docker login'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    // Sign-in steps by job, gathered once: whether a login can build on one costs the job's
    // sign-in steps, not the whole file.
    const signIns = new Map<YAMLMap<unknown, unknown>, WorkflowStep[]>();
    const steps = workflowSteps(document);
    for (const step of steps) {
      if (step.action === undefined || !SIGN_IN_ACTIONS.has(step.action)) continue;
      const list = signIns.get(step.job);
      if (list) list.push(step);
      else signIns.set(step.job, [step]);
    }
    for (const step of steps) {
      if (step.action === LOGIN_ACTION) {
        const password = stepInput(step, 'password');
        const span = password && pairSpan(password);
        if (!password || !span || password.value === null) continue;
        const text = sourceText(document, password.value);
        const value = scalarString(password.value);
        // The parser blanks `{{ }}` in scalars, so expressions are read from the source text.
        const literal = value !== undefined && value.trim() !== '' && !text.includes('${{');
        if (!literal && !readsStoredSecret(text)) continue;
        const { host, kind } = loginTarget(document, step);
        const advice = ADVICE[kind];
        const where = `${LOGIN_ACTION} in ${step.owner}`;
        if (literal) {
          report({
            span: nodeSpan(password.value as Node)!,
            secret: value,
            severity: 'error',
            construct: `${step.jobId}:${LOGIN_ACTION}:${host ?? ''}:literal`,
            message: `The ${advice.what} password for ${where} is written in the workflow ({{secret}}): anyone who can read the repository can push images with it, and it never expires; ${advice.advice}.`,
            fixable: false,
          });
          continue;
        }
        const earlier = (signIns.get(step.job) ?? []).filter((other) => other.index < step.index);
        const fix = fixFor(document, earlier, step, kind, host);
        report({
          span,
          severity: advice.severity,
          construct: `${step.jobId}:${LOGIN_ACTION}:${host ?? ''}:${text.trim()}`,
          message: `${where} logs in to ${advice.what} with a stored long-lived password or key (${text.trim()}) that works from anywhere until it is rotated; ${advice.advice}.`,
          data: { ...stepRef(step), fix: fix ?? '' },
          fixable: fix !== undefined,
        });
      }

      const script = runScript(document, step);
      if (script === undefined || !script.includes('docker login')) continue;
      const secretVars = secretEnvNames(document, step);
      for (const line of script.split('\n')) {
        const at = line.indexOf('docker login');
        if (at === -1 || line.trimStart().startsWith('#')) continue;
        const fed = readsStoredSecret(line) || secretVars.some((name) => line.includes(`$${name}`) || line.includes(`\${${name}}`));
        if (!fed) continue;
        const needle = line.trim();
        const span = spanWithin(document, valueOf(step.step, 'run'), needle);
        if (!span) continue;
        const host = registryHost(resolveEnv(document, step, commandTarget(line.slice(at + 12))));
        const advice = ADVICE[classify(host)];
        report({
          span,
          severity: advice.severity,
          construct: `${step.jobId}:docker login:${host ?? ''}`,
          message: `'docker login' in ${step.owner} logs in to ${advice.what} with a stored long-lived password or key that works from anywhere until it is rotated; ${advice.advice}.`,
          fixable: false,
        });
      }
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const kind = finding.data?.fix;
    if (!step?.with) return [];
    if (kind === 'gar' || kind === 'acr' || kind === 'dockerhub') {
      const fix = oidcFix(document, step, kind);
      return fix ? [fix] : [];
    }
    if (kind !== 'ghcr' && kind !== 'ecr') return [];
    const editor = new YamlCstEditor(document.text);
    const stepMap = editor.blockMapAt(nodeSpan(step.step)![0]);
    const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
    const jobMap = editor.blockMapAt(nodeSpan(step.job)![0]);
    if (!stepMap || !withMap || !jobMap) return [];
    if (kind === 'ghcr') {
      if (!editor.setScalar(withMap, 'password', GHCR_PASSWORD)) return [];
      if (pairOf(step.with, 'username') === undefined) editor.insertEntries(withMap, `username: ${GHCR_USERNAME}\n`, editor.indexOf(withMap, 'password'));
      else if (!editor.setScalar(withMap, 'username', GHCR_USERNAME)) return [];
      grantJobScope(editor, jobMap, step, 'packages');
      return [
        {
          // Not preferred: GITHUB_TOKEN can only push packages this repository may write.
          title: 'Log in to GHCR with GITHUB_TOKEN + packages: write',
          edits: diffToEdits(document.text, editor.toString()),
        },
      ];
    }
    if (!editor.setScalar(stepMap, 'uses', ECR_LOGIN) || editor.removeKeys(stepMap, ['with']) === -1) return [];
    return [
      {
        title: 'Log in with aws-actions/amazon-ecr-login (uses the role assumed through OIDC)',
        edits: diffToEdits(document.text, editor.toString()),
      },
    ];
  },
});

/** The registry a docker/login-action step logs in to, from its `registry:` input (Docker Hub when there is none). */
function loginTarget(document: ParsedDocument, step: WorkflowStep): { host: string | undefined; kind: Registry } {
  const registry = stepInput(step, 'registry');
  const host = registryHost(registry ? resolveEnv(document, step, registry.value === null ? undefined : sourceText(document, registry.value).trim()) : '');
  const kind = classify(host);
  // A service-account key as the password (`_json_key`) is Google's, wherever the registry comes from.
  if (kind === 'unknown' && JSON_KEY_USERS.has(scalarString(stepInput(step, 'username')?.value) ?? '')) return { host, kind: 'gar' };
  return { host, kind };
}

/** The OIDC fix for Google Artifact Registry / GCR, Azure Container Registry or Docker Hub, re-planned on the document being fixed. */
function oidcFix(document: ParsedDocument, step: WorkflowStep, kind: 'gar' | 'acr' | 'dockerhub'): Fix | undefined {
  const jobSteps = workflowSteps(document).filter((other) => other.job === step.job);
  const earlier = jobSteps.filter((other) => other.index < step.index && other.action !== undefined && SIGN_IN_ACTIONS.has(other.action));
  if (step.with!.flow || step.step.flow) return undefined;
  if (kind === 'gar') {
    const plan = garPlan(document, earlier, step);
    return plan && garFix(document, jobSteps, step, plan);
  }
  if (kind === 'acr') {
    const { host, kind: registry } = loginTarget(document, step);
    const plan = registry === 'acr' && host ? acrPlan(document, earlier, step, host) : undefined;
    return plan && acrFix(document, step, plan);
  }
  const plan = dockerHubPlan(step);
  return plan && dockerHubFix(document, step, plan);
}

/** Which quick fix, if any, the catalog's verified inputs allow for this step; `earlier` are the job's sign-in steps before it. */
function fixFor(document: ParsedDocument, earlier: readonly WorkflowStep[], step: WorkflowStep, kind: Registry, host: string | undefined): string | undefined {
  if (step.with!.flow || step.step.flow) return undefined;
  const plain = (node: unknown) => node === undefined || scalarString(node) !== undefined;
  if (kind === 'ghcr') {
    if (!plain(stepInput(step, 'username')?.value) || !canGrantScope(step)) return undefined;
    return 'ghcr';
  }
  if (kind === 'ecr' && host) {
    // Only when the job already assumes a role of the registry's account through OIDC earlier on.
    const account = host.slice(0, host.indexOf('.'));
    const assumed = earlier.some((other) => {
      if (other.action !== 'aws-actions/configure-aws-credentials') return false;
      if (stepInput(other, 'aws-access-key-id') || stepInput(other, 'aws-secret-access-key')) return false;
      const role = scalarString(stepInput(other, 'role-to-assume')?.value) ?? '';
      return role.startsWith(`arn:aws:iam::${account}:role/`) || role.startsWith(`arn:aws-cn:iam::${account}:role/`);
    });
    const onlyLoginInputs = mapEntries(step.with).every(({ key }) => ['registry', 'username', 'password'].includes(key));
    return assumed && onlyLoginInputs && /^\d{12}$/.test(account) ? 'ecr' : undefined;
  }
  if (kind === 'gar') return garPlan(document, earlier, step) ? 'gar' : undefined;
  if (kind === 'acr' && host) return acrPlan(document, earlier, step, host) ? 'acr' : undefined;
  if (kind === 'dockerhub') return dockerHubPlan(step) ? 'dockerhub' : undefined;
  return undefined;
}

/** `${{ env.NAME }}` resolved from the step's, job's or workflow's `env:` when it is a plain value. */
function resolveEnv(document: Parameters<typeof sourceText>[0], step: WorkflowStep, value: string | undefined): string | undefined {
  if (value === undefined || !isExpressionReference(value)) return value;
  const inner = value.trim().slice(3, -2).trim();
  if (!inner.startsWith('env.')) return undefined;
  const name = inner.slice(4);
  for (const env of [valueOf(step.step, 'env'), valueOf(step.job, 'env'), valueOf(step.yaml.contents, 'env')]) {
    const found = pairOf(env, name)?.value;
    if (found === undefined || found === null) continue;
    const text = sourceText(document, found).trim();
    return text.includes('${{') ? undefined : scalarString(found);
  }
  return undefined;
}

/** Names of env variables visible to the step that read a stored secret (other than GITHUB_TOKEN). */
function secretEnvNames(document: Parameters<typeof sourceText>[0], step: WorkflowStep): string[] {
  const names: string[] = [];
  for (const env of [valueOf(step.step, 'env'), valueOf(step.job, 'env'), valueOf(step.yaml.contents, 'env')]) {
    for (const { key, pair } of mapEntries(env)) if (readsStoredSecret(sourceText(document, pair.value))) names.push(key);
  }
  return names;
}

/** The registry argument of `docker login [flags] [SERVER]`, skipping flags and their values. */
function commandTarget(rest: string): string | undefined {
  const words = rest.split('|')[0]!.split('&&')[0]!.split(';')[0]!.trim().split(/\s+/).filter(Boolean);
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (word === '-u' || word === '--username' || word === '-p' || word === '--password') {
      index++;
      continue;
    }
    if (word.startsWith('-')) continue;
    return word.replace(/^["']|["']$/g, '');
  }
  return '';
}

function registryHost(registry: string | undefined): string | undefined {
  if (registry === undefined) return undefined;
  let host = registry.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme !== -1) host = host.slice(scheme + 3);
  const slash = host.indexOf('/');
  return slash === -1 ? host : host.slice(0, slash);
}

function classify(host: string | undefined): Registry {
  if (host === undefined) return 'unknown';
  if (host === '' || host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com') return 'dockerhub';
  if (host.includes('.dkr.ecr.') && (host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn'))) return 'ecr';
  if (host === 'public.ecr.aws') return 'ecr-public';
  if (host.endsWith('-docker.pkg.dev') || host === 'gcr.io' || host.endsWith('.gcr.io')) return 'gar';
  if (host.endsWith('.azurecr.io')) return 'acr';
  if (host === 'ghcr.io') return 'ghcr';
  return 'other';
}
