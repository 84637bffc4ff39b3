import type { Node, YAMLMap } from 'yaml';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { keyOf, YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, isSeq, mapEntries, nodeSpan, pairOf, scalarString, valueOf, yamlParsesCleanly } from '../../server/src/engine/parse/yaml';
import type { Fix } from '../../server/src/engine/types';
import { editableSeq, gitlabJobs, insertSeqItems, isInlineValue, isReference, scalarToSeq, scriptScalars, soleJob, variableValue, type GitlabJob } from '../lib/gitlab-ci';

/** Static AWS credential variables the fix replaces (a session token set beside them is just as static). */
export const AWS_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
export const ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';
/** GitLab's documented audience for AWS: the instance URL, as registered on the IAM OIDC provider. */
export const AUD_PLACEHOLDER = 'https://gitlab.com';
const TOKEN = 'GITLAB_OIDC_TOKEN';

/** GitLab's documented AWS pattern (doc/ci/cloud_services/aws), verbatim. */
const STS_SCRIPT = `# split out for correct exit-code handling
- >
  aws_sts_output=$(aws sts assume-role-with-web-identity
  --role-arn \${ROLE_ARN}
  --role-session-name "GitLabRunner-\${CI_PROJECT_ID}-\${CI_PIPELINE_ID}"
  --web-identity-token \${${TOKEN}}
  --duration-seconds 3600
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]'
  --output text)
- export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" $aws_sts_output)
`;

type YMap = YAMLMap<unknown, unknown>;

/** What the fix changes in one job; undefined when some part of the job is in a shape it cannot edit safely. */
interface AwsPlan {
  readonly job: GitlabJob;
  /** The job's own `variables:` and the AWS keys in it. */
  readonly jobVariables?: { readonly map: YMap; readonly keys: string[] };
  /** The global `variables:` and its AWS keys, only when the job is the file's one job. */
  readonly globalVariables?: { readonly map: YMap; readonly keys: string[] };
  /** `ROLE_ARN` is not defined yet: write the placeholder where the first removed key was. */
  readonly addRole: boolean;
  /** The job has `id_tokens:` (a block map) without GITLAB_OIDC_TOKEN, or none at all. */
  readonly idTokens: 'add-key' | 'create' | 'present';
  /** Where the STS lines go, unless the job already assumes a role with web identity. */
  readonly scriptKey?: 'before_script' | 'script';
  /** The removed keys' values that name CI/CD variables, to delete from the project settings. */
  readonly storedIn: string[];
  readonly literal: boolean;
}

export function awsPlan(document: ParsedDocument, job: GitlabJob): AwsPlan | undefined {
  if (job.job.flow) return undefined;
  const keysOf = (variables: unknown) => mapEntries(variables).filter(({ key }) => AWS_KEYS.includes(key));
  const own = valueOf(job.job, 'variables');
  const ownKeys = keysOf(own);
  // An anchored `variables:` is shared with the jobs that merge it (`<<: *vars`).
  if (ownKeys.length > 0 && (!isMap(own) || own.flow || own.anchor)) return undefined;
  const sole = soleJob(document);
  const global = sole?.job === job.job ? valueOf(job.root, 'variables') : undefined;
  const globalKeys = keysOf(global);
  if (globalKeys.length > 0 && (!isMap(global) || global.flow || global.anchor)) return undefined;
  if (![...ownKeys, ...globalKeys].some(({ key }) => key !== 'AWS_SESSION_TOKEN')) return undefined;

  const idTokens = valueOf(job.job, 'id_tokens');
  let idState: AwsPlan['idTokens'] = 'create';
  if (idTokens !== undefined) {
    if (pairOf(idTokens, TOKEN)) idState = 'present';
    else if (isMap(idTokens) && !idTokens.flow) idState = 'add-key';
    else return undefined;
  }

  let scriptKey: AwsPlan['scriptKey'];
  if (!scriptScalars(job.job).some((scalar) => scalarString(scalar)?.includes('assume-role-with-web-identity'))) {
    scriptKey = valueOf(job.job, 'before_script') !== undefined ? 'before_script' : 'script';
    const script = valueOf(job.job, scriptKey);
    // A job without its own script inherits one (`extends:`): adding `script:` would replace it.
    const editable = (isSeq(script) && !script.flow && !script.anchor && script.items.length > 0) || isInlineValue(document, pairOf(job.job, scriptKey));
    if (!editable) return undefined;
  }

  const removed = [...ownKeys, ...globalKeys].map(({ pair }) => scalarString(variableValue(pair))?.trim() ?? '');
  return {
    job,
    ...(ownKeys.length > 0 ? { jobVariables: { map: own as YMap, keys: ownKeys.map(({ key }) => key) } } : {}),
    ...(globalKeys.length > 0 ? { globalVariables: { map: global as YMap, keys: globalKeys.map(({ key }) => key) } } : {}),
    addRole: !pairOf(own, 'ROLE_ARN') && !pairOf(valueOf(job.root, 'variables'), 'ROLE_ARN'),
    idTokens: idState,
    ...(scriptKey ? { scriptKey } : {}),
    storedIn: [...new Set(removed.filter(isReference).flatMap((value) => value.match(/\w+/g)?.slice(0, 1) ?? []))],
    literal: removed.some((value) => value !== '' && !isReference(value)),
  };
}

export function awsFix(document: ParsedDocument, jobName: unknown): Fix[] {
  const job = [...gitlabJobs(document)].find((candidate) => candidate.name === jobName);
  const plan = job && awsPlan(document, job);
  if (!plan) return [];
  const text = document.text;
  const editor = new YamlCstEditor(text);
  const at = (node: unknown) => nodeSpan(node as Node)?.[0] ?? -1;
  // Every map is looked up before anything changes: inserted tokens carry offsets of their own.
  const jobMap = editor.blockMapAt(at(plan.job.job));
  const jobVariables = plan.jobVariables && editor.blockMapAt(at(plan.jobVariables.map));
  const rootMap = plan.globalVariables && editor.blockMapAt(at(plan.job.root));
  const globalVariables = plan.globalVariables && editor.blockMapAt(at(plan.globalVariables.map));
  const idTokens = plan.idTokens === 'add-key' ? editor.blockMapAt(at(valueOf(plan.job.job, 'id_tokens'))) : undefined;
  if (!jobMap || (plan.jobVariables && !jobVariables) || (plan.globalVariables && (!rootMap || !globalVariables)) || (plan.idTokens === 'add-key' && !idTokens)) return [];
  const scriptItem = plan.scriptKey ? jobMap.items.find((item) => keyOf(item) === plan.scriptKey) : undefined;
  if (plan.scriptKey && !scriptItem) return [];

  // The static keys go; ROLE_ARN takes the place of the first one (inserted first, so no map is ever empty).
  let roleWritten = !plan.addRole;
  const replace = (owner: NonNullable<typeof jobMap>, map: NonNullable<typeof jobMap>, keys: readonly string[]): boolean => {
    if (!roleWritten) {
      editor.insertEntries(map, `ROLE_ARN: ${ROLE_PLACEHOLDER}\n`, Math.min(...keys.map((key) => editor.indexOf(map, key))));
      roleWritten = true;
    }
    const left = map.items.filter((item) => keyOf(item) !== undefined && !keys.includes(keyOf(item)!)).length;
    return left > 0 ? editor.removeKeys(map, keys) !== -1 : editor.removeKeys(owner, ['variables']) !== -1;
  };
  if (plan.jobVariables && !replace(jobMap, jobVariables!, plan.jobVariables.keys)) return [];
  if (plan.globalVariables && !replace(rootMap!, globalVariables!, plan.globalVariables.keys)) return [];

  if (plan.idTokens === 'create') {
    const before = ['variables', 'before_script', 'script'].map((key) => editor.indexOf(jobMap, key)).filter((index) => index !== -1);
    editor.insertEntries(jobMap, `id_tokens:\n  ${TOKEN}:\n    aud: ${AUD_PLACEHOLDER}\n`, before.length > 0 ? Math.min(...before) : undefined);
  } else if (plan.idTokens === 'add-key') {
    editor.insertEntries(idTokens!, `${TOKEN}:\n  aud: ${AUD_PLACEHOLDER}\n`);
  }

  if (scriptItem) {
    const seq = editableSeq(scriptItem);
    if (seq) insertSeqItems(seq, STS_SCRIPT, 0);
    else if (!scalarToSeq(scriptItem, STS_SCRIPT, jobMap.indent + 2)) return [];
  }

  const fixed = editor.toString();
  if (!yamlParsesCleanly(fixed)) return [];
  const placeholders = [
    ...(plan.idTokens !== 'present' ? [AUD_PLACEHOLDER] : []),
    ...(plan.addRole ? [ROLE_PLACEHOLDER] : []),
  ].sort((a, b) => fixed.indexOf(a) - fixed.indexOf(b));
  const cleanup = [
    ...(plan.storedIn.length > 0 ? [`delete ${plan.storedIn.map((name) => `$${name}`).join(', ')} from the CI/CD variables`] : []),
    ...(plan.literal ? ['revoke the committed key'] : []),
  ];
  return [
    {
      // Not preferred: the job cannot reach AWS until the IAM OIDC provider and the role exist.
      title: `Assume an AWS role with a GitLab ID token instead of static keys (id_tokens + aws sts assume-role-with-web-identity); set ROLE_ARN to a role that trusts your GitLab URL's IAM OIDC provider, with aud as its audience${cleanup.length > 0 ? `; then ${cleanup.join(' and ')}` : ''}`,
      edits: diffToEdits(text, fixed),
      placeholders,
    },
  ];
}
