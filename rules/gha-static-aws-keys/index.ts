import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { mapEntries, nodeSpan, scalarString, pairSpan } from '../../server/src/engine/parse/yaml';
import { idTokenGrant, withIdTokenWrite } from '../lib/github-permissions';
import { workflowEnvMaps, workflowSteps, stepInput } from '../lib/github-actions';
import { canRewriteForOidc } from '../lib/github-step-fix';
import docs from './docs.md';

const ACTION = 'aws-actions/configure-aws-credentials';
const STATIC_INPUTS = ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'];
const STATIC_ENV = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
export const ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';

export default defineRule({
  id: 'gha-static-aws-keys',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['github-actions'],
  keywords: ['aws-access-key-id', 'aws-secret-access-key', 'aws_access_key_id', 'aws_secret_access_key'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      const input = STATIC_INPUTS.map((name) => stepInput(step, name)).find(Boolean);
      const span = input && pairSpan(input);
      if (!input || !span) continue;
      report({
        span,
        message: `Static AWS access keys are passed to ${ACTION} in ${step.owner}; use GitHub OIDC with role-to-assume instead.`,
        // The key's source (e.g. secrets.DEPLOY_KEY_ID) tells two such steps in a job apart.
        construct: `${step.jobId}:${ACTION}:${scalarString(input.value) ?? ''}`,
        data: { jobId: step.jobId, stepIndex: step.index },
        fixable: canRewriteForOidc(step),
      });
    }
    // Keys exported through `env:` at workflow, job or step level reach every AWS CLI and SDK call.
    for (const yaml of document.yaml()) {
      for (const { env } of workflowEnvMaps(yaml.contents)) {
        for (const { key, pair } of mapEntries(env)) {
          const span = pairSpan(pair);
          if (!STATIC_ENV.has(key) || !span || scalarString(pair.value) === undefined) continue;
          report({
            span,
            message: `${key} is set in env: static AWS keys never expire; assume a role through GitHub OIDC instead.`,
            construct: `env:${key}:${scalarString(pair.value)}`,
            fixable: false,
          });
        }
      }
    }
  },
  fix({ document, finding }) {
    const { jobId, stepIndex } = finding.data as { jobId: string; stepIndex: number };
    const step = workflowSteps(document).find((s) => s.jobId === jobId && s.index === stepIndex);
    if (!step?.with) return [];
    const editor = new YamlCstEditor(document.text);
    const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
    const jobMap = editor.blockMapAt(nodeSpan(step.job)![0]);
    if (!withMap || !jobMap) return [];
    const position = editor.removeKeys(withMap, STATIC_INPUTS);
    if (position === -1) return [];
    const needsRole = editor.indexOf(withMap, 'role-to-assume') === -1;
    if (needsRole) editor.insertEntries(withMap, `role-to-assume: ${ROLE_PLACEHOLDER}\n`, position);
    withIdTokenWrite(editor, jobMap, step);
    return [
      {
        title: `Use GitHub OIDC: role-to-assume ${idTokenGrant(step)}`,
        edits: diffToEdits(document.text, editor.toString()),
        isPreferred: true,
        ...(needsRole ? { placeholders: [ROLE_PLACEHOLDER] } : {}),
      },
    ];
  },
});
