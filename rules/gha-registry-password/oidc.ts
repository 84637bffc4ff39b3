/**
 * The OIDC quick fixes of gha-registry-password for Google Artifact Registry / GCR, Azure
 * Container Registry and Docker Hub. Each has a plan, decided from the parsed tree alone (cheap:
 * `check` uses it to set `fixable`), and a builder that edits through the YAML CST and re-parses
 * (only in `fix`).
 */
import type { YAMLMap } from 'yaml';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, mapEntries, nodeSpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { stepInput, type WorkflowStep } from '../lib/github-actions';
import { conditionOf, finishStepEdits, freshStepId, newStepPoint, newStepText, type NewStepPoint } from '../lib/github-step-fix';
import { PROVIDER_PLACEHOLDER, SERVICE_ACCOUNT_PLACEHOLDER } from '../gha-gcp-sa-key-json';
import { idTokenGrant, withIdTokenWrite } from '../lib/github-permissions';
import { canGrantScope } from './permissions';

export const GOOGLE_AUTH = 'google-github-actions/auth';
export const AZURE_LOGIN = 'azure/login';
/** Steps whose sign-in a later registry login can build on (or would be shadowed by a new one). */
export const SIGN_IN_ACTIONS = new Set(['aws-actions/configure-aws-credentials', GOOGLE_AUTH, AZURE_LOGIN]);

const GOOGLE_AUTH_USES = `${GOOGLE_AUTH}@v3`;
const AZURE_LOGIN_USES = `${AZURE_LOGIN}@v3`;
/** What gha-azure-creds-json writes for an OIDC azure/login; the names are the placeholders. */
const AZURE_INPUTS: ReadonlyArray<readonly [string, string]> = [
  ['client-id', 'AZURE_CLIENT_ID'],
  ['tenant-id', 'AZURE_TENANT_ID'],
  ['subscription-id', 'AZURE_SUBSCRIPTION_ID'],
];
const DOCKERHUB_CONNECTION_ENV = 'DOCKERHUB_OIDC_CONNECTIONID';
const DOCKERHUB_CONNECTION = '${{ vars.DOCKERHUB_OIDC_CONNECTIONID }}';
const DOCKERHUB_ORGANIZATION = '${{ vars.DOCKERHUB_ORGANIZATION }}';
/** docker/login-action user names that make the password a Google service-account key JSON. */
export const JSON_KEY_USERS = new Set(['_json_key', '_json_key_base64']);
const LOGIN_INPUTS = ['registry', 'username', 'password'];

const filled = (node: unknown) => node !== undefined && node !== null && (scalarString(node) ?? 'x') !== '';
/** A value the CST editor can overwrite (or insert, when absent). */
const plainOrAbsent = (node: unknown) => node === undefined || scalarString(node) !== undefined;

/** The most recent earlier sign-in step of `action` in the job: it decides the credentials the login step gets. */
function lastSignIn(earlier: readonly WorkflowStep[], action: string): WorkflowStep | undefined {
  for (let index = earlier.length - 1; index >= 0; index--) if (earlier[index]!.action === action) return earlier[index];
  return undefined;
}

/** The two inputs a registry fix rewrites on the login step can be rewritten in place. */
function loginInputsEditable(step: WorkflowStep): boolean {
  return plainOrAbsent(stepInput(step, 'username')?.value) && scalarString(stepInput(step, 'password')?.value) !== undefined;
}

// --- Google Artifact Registry / GCR ---------------------------------------------------------

export interface GarPlan {
  /** An earlier google-github-actions/auth step with Workload Identity Federation whose token the login can use. */
  readonly reuse?: WorkflowStep;
  readonly point?: NewStepPoint;
}

/** `earlier` holds the job's sign-in steps before the login step, in order. */
export function garPlan(document: ParsedDocument, earlier: readonly WorkflowStep[], step: WorkflowStep): GarPlan | undefined {
  if (!canGrantScope(step) || !loginInputsEditable(step)) return undefined;
  const condition = conditionOf(document, step);
  if (condition === undefined) return undefined;
  const auth = lastSignIn(earlier, GOOGLE_AUTH);
  if (!auth) {
    const point = newStepPoint(document, step);
    return point ? { point } : undefined;
  }
  // A new auth step would replace the credentials of every later step, so only an earlier one
  // that can mint an access token under the same condition is used; anything else is left alone.
  if (auth.step.flow || !auth.with || auth.with.flow || conditionOf(document, auth) !== condition) return undefined;
  if (!filled(stepInput(auth, 'workload_identity_provider')?.value) || !filled(stepInput(auth, 'service_account')?.value)) return undefined;
  if (stepInput(auth, 'credentials_json') !== undefined) return undefined;
  const format = stepInput(auth, 'token_format');
  if (format !== undefined && scalarString(format.value) !== 'access_token') return undefined;
  const id = valueOf(auth.step, 'id');
  if (id !== undefined && !isIdentifier(scalarString(id))) return undefined;
  return { reuse: auth };
}

export function garFix(document: ParsedDocument, jobSteps: readonly WorkflowStep[], step: WorkflowStep, plan: GarPlan): Fix | undefined {
  const editor = new YamlCstEditor(document.text);
  const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
  const jobMap = editor.blockMapAt(nodeSpan(step.job)![0]);
  if (!withMap || !jobMap) return undefined;
  let id: string;
  let insert: TextEdit | undefined;
  if (plan.reuse) {
    const auth = plan.reuse;
    const authMap = editor.blockMapAt(nodeSpan(auth.step)![0]);
    const authWith = editor.blockMapAt(nodeSpan(auth.with)![0]);
    if (!authMap || !authWith) return undefined;
    const own = scalarString(valueOf(auth.step, 'id'));
    id = own ?? freshStepId(jobSteps, 'auth');
    if (own === undefined) editor.insertEntries(authMap, `id: ${id}\n`, Math.max(0, editor.indexOf(authMap, 'uses')));
    if (pairOf(auth.with, 'token_format') === undefined) editor.insertEntries(authWith, 'token_format: access_token\n');
  } else {
    id = freshStepId(jobSteps, 'auth');
    const condition = conditionOf(document, step);
    insert = newStepText(document, plan.point!, [
      ['id', id],
      ['uses', GOOGLE_AUTH_USES],
      ...(condition ? [['if', condition] as const] : []),
      [
        'with',
        [
          ['token_format', 'access_token'],
          ['workload_identity_provider', PROVIDER_PLACEHOLDER],
          ['service_account', SERVICE_ACCOUNT_PLACEHOLDER],
        ],
      ],
    ]);
  }
  if (!setInput(editor, withMap, step.with!, 'username', 'oauth2accesstoken', 'password')) return undefined;
  if (!editor.setScalar(withMap, 'password', `\${{ steps.${id}.outputs.access_token }}`)) return undefined;
  withIdTokenWrite(editor, jobMap, step);
  const edits = finishStepEdits(document.text, editor.toString(), insert);
  if (!edits) return undefined;
  return plan.reuse
    ? { title: `Log in with the access token of the google-github-actions/auth step '${id}' (Workload Identity Federation)`, edits }
    : {
        title: `Log in with an access token from google-github-actions/auth (Workload Identity Federation) ${idTokenGrant(step)}`,
        edits,
        placeholders: [PROVIDER_PLACEHOLDER, SERVICE_ACCOUNT_PLACEHOLDER],
      };
}

// --- Azure Container Registry ------------------------------------------------------------------

export interface AcrPlan {
  /** The registry name, from the first label of `<name>.azurecr.io`. */
  readonly name: string;
  /** An earlier azure/login step that already signs in through OIDC. */
  readonly reuse?: WorkflowStep;
  readonly point?: NewStepPoint;
}

export function acrPlan(document: ParsedDocument, earlier: readonly WorkflowStep[], step: WorkflowStep, host: string): AcrPlan | undefined {
  if (!canGrantScope(step)) return undefined;
  // The step becomes `run: az acr login`, so inputs other than the login's own would be lost.
  if (!mapEntries(step.with).every(({ key }) => LOGIN_INPUTS.includes(key))) return undefined;
  if (scalarString(valueOf(step.step, 'uses')) === undefined) return undefined;
  const name = host.slice(0, host.indexOf('.'));
  if (!isRegistryName(name)) return undefined;
  const condition = conditionOf(document, step);
  if (condition === undefined) return undefined;
  const login = lastSignIn(earlier, AZURE_LOGIN);
  if (!login) {
    const point = newStepPoint(document, step);
    return point ? { name, point } : undefined;
  }
  // Reused only when it signs in through OIDC to a subscription, under the same condition.
  if (conditionOf(document, login) !== condition || !filled(stepInput(login, 'client-id')?.value)) return undefined;
  if (stepInput(login, 'creds') !== undefined) return undefined;
  if (scalarString(stepInput(login, 'allow-no-subscriptions')?.value) === 'true') return undefined;
  if (scalarString(stepInput(login, 'auth-type')?.value)?.toLowerCase() === 'identity') return undefined;
  return { name, reuse: login };
}

export function acrFix(document: ParsedDocument, step: WorkflowStep, plan: AcrPlan): Fix | undefined {
  const editor = new YamlCstEditor(document.text);
  const stepMap = editor.blockMapAt(nodeSpan(step.step)![0]);
  const jobMap = editor.blockMapAt(nodeSpan(step.job)![0]);
  if (!stepMap || !jobMap) return undefined;
  const command = `az acr login --name ${plan.name}`;
  // Inserted before `uses:` is removed, so the step map is never empty in between.
  editor.insertEntries(stepMap, `run: ${command}\n`, editor.indexOf(stepMap, 'uses'));
  if (editor.removeKeys(stepMap, ['uses', 'with']) === -1) return undefined;
  let insert: TextEdit | undefined;
  if (!plan.reuse) {
    const condition = conditionOf(document, step);
    insert = newStepText(document, plan.point!, [
      ['uses', AZURE_LOGIN_USES],
      ...(condition ? [['if', condition] as const] : []),
      ['with', AZURE_INPUTS.map(([key, name]) => [key, `\${{ secrets.${name} }}`] as const)],
    ]);
  }
  withIdTokenWrite(editor, jobMap, step);
  const edits = finishStepEdits(document.text, editor.toString(), insert);
  if (!edits) return undefined;
  return plan.reuse
    ? { title: `Log in with az acr login --name ${plan.name} (uses the azure/login OIDC sign-in earlier in the job)`, edits }
    : {
        title: `Sign in with azure/login through OIDC (client-id, tenant-id, subscription-id) ${idTokenGrant(step)}, then az acr login --name ${plan.name}`,
        edits,
        placeholders: AZURE_INPUTS.map(([, name]) => name),
      };
}

// --- Docker Hub ----------------------------------------------------------------------------

export interface DockerHubPlan {
  /** The `uses:` to write when the step's docker/login-action is older than v4.5.0. */
  readonly uses?: string;
}

/**
 * Docker Hub OIDC needs docker/login-action v4.5.0 or later; a version tag below it is raised
 * (`v3` → `v4`, `v4.1.0` → `v4.5.0`). A commit SHA or branch cannot be judged and is not fixed.
 */
export function dockerHubPlan(step: WorkflowStep): DockerHubPlan | undefined {
  if (!canGrantScope(step) || !loginInputsEditable(step)) return undefined;
  const env = valueOf(step.step, 'env');
  if (env !== undefined && (!isMap(env) || env.flow)) return undefined;
  const uses = scalarString(valueOf(step.step, 'uses')) ?? '';
  const at = uses.indexOf('@');
  const version = at === -1 ? undefined : /^v(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?$/.exec(uses.slice(at + 1));
  if (!version) return undefined;
  const [major, minor, patch] = version.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if (major! > 4 || (major === 4 && (minor === undefined || minor >= 5))) return {};
  // An exact version stays exact; a major or minor tag becomes the v4 major tag.
  return { uses: `${uses.slice(0, at)}@${patch !== undefined ? 'v4.5.0' : 'v4'}` };
}

export function dockerHubFix(document: ParsedDocument, step: WorkflowStep, plan: DockerHubPlan): Fix | undefined {
  const editor = new YamlCstEditor(document.text);
  const stepMap = editor.blockMapAt(nodeSpan(step.step)![0]);
  const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
  const jobMap = editor.blockMapAt(nodeSpan(step.job)![0]);
  if (!stepMap || !withMap || !jobMap) return undefined;
  if (plan.uses !== undefined && !editor.setScalar(stepMap, 'uses', plan.uses)) return undefined;
  const env = valueOf(step.step, 'env');
  const visible = [env, valueOf(step.job, 'env'), valueOf(step.yaml.contents, 'env')].some((map) => pairOf(map, DOCKERHUB_CONNECTION_ENV) !== undefined);
  if (!visible) {
    const entry = `${DOCKERHUB_CONNECTION_ENV}: ${DOCKERHUB_CONNECTION}\n`;
    if (isMap(env)) {
      const envMap = editor.blockMapAt(nodeSpan(env)![0]);
      if (!envMap) return undefined;
      editor.insertEntries(envMap, entry);
    } else {
      // A new `env:` goes before `with:`, nested as `with:` is.
      const withStart = nodeSpan(step.with)![0];
      const stepStart = nodeSpan(step.step)![0];
      const column = (offset: number) => offset - (document.text.lastIndexOf('\n', offset - 1) + 1);
      const width = column(withStart) - column(stepStart);
      const unit = ' '.repeat(width > 0 && width <= 8 ? width : 2);
      editor.insertEntries(stepMap, `env:\n${unit}${entry}`, editor.indexOf(stepMap, 'with'));
    }
  }
  if (!setInput(editor, withMap, step.with!, 'username', DOCKERHUB_ORGANIZATION, 'password')) return undefined;
  if (editor.removeKeys(withMap, ['password']) === -1) return undefined;
  withIdTokenWrite(editor, jobMap, step);
  const edits = finishStepEdits(document.text, editor.toString(), undefined);
  if (!edits) return undefined;
  return {
    // Never preferred: it works only for a Docker Hub organization with an OIDC connection.
    title:
      'Log in to Docker Hub with OIDC, no password (needs a Docker Hub organization on a Team or Business plan with an OIDC connection, and docker/login-action v4.5.0+) + id-token: write',
    edits,
  };
}

// --- shared --------------------------------------------------------------------------------

type BlockMap = NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>;

/** Sets `key` in a `with:` map, or inserts it just before `before` when the step does not have it. */
function setInput(editor: YamlCstEditor, withCst: BlockMap, withMap: YAMLMap<unknown, unknown>, key: string, value: string, before: string): boolean {
  if (pairOf(withMap, key) !== undefined) return editor.setScalar(withCst, key, value);
  editor.insertEntries(withCst, `${key}: ${value}\n`, Math.max(0, editor.indexOf(withCst, before)));
  return true;
}

/** A step id usable in `steps.<id>.outputs` as written (letters, digits, `_`, `-`, not starting with a digit or `-`). */
function isIdentifier(id: string | undefined): boolean {
  if (!id) return false;
  for (let index = 0; index < id.length; index++) {
    const code = id.charCodeAt(index);
    const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
    const digitOrDash = (code >= 48 && code <= 57) || code === 45;
    if (!letter && (index === 0 || !digitOrDash)) return false;
  }
  return true;
}

/** Azure Container Registry names: 5 to 50 letters and digits (the host is lower-cased). */
function isRegistryName(name: string): boolean {
  if (name.length < 5 || name.length > 50) return false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) return false;
  }
  return true;
}
