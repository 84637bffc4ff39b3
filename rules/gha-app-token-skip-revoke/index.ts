import { defineRule } from '../../server/src/engine/define-rule';
import { pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { isExpressionReference, stepInput, workflowSteps } from '../lib/github-actions';
import { removeInputFix, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

/** Actions that mint a GitHub App installation token and revoke it when the job ends, and the input that stops them. */
const TOKEN_ACTIONS: ReadonlyMap<string, { readonly input: string; readonly keepsToken: (value: string) => boolean }> = new Map([
  ['actions/create-github-app-token', { input: 'skip-token-revoke', keepsToken: (value) => value.toLowerCase() === 'true' }],
  ['tibdex/github-app-token', { input: 'revoke', keepsToken: (value) => value.toLowerCase() === 'false' }],
]);

export default defineRule({
  id: 'gha-app-token-skip-revoke',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['skip-token-revoke', 'tibdex/github-app-token'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      const action = step.action !== undefined ? TOKEN_ACTIONS.get(step.action) : undefined;
      if (!action) continue;
      const pair = stepInput(step, action.input);
      const span = pair && pairSpan(pair);
      const value = pair && scalarString(pair.value);
      if (!span || value === undefined) continue;
      const conditional = isExpressionReference(value);
      if (!conditional && !action.keepsToken(value)) continue;
      report({
        span,
        message: `${action.input}: ${conditional ? 'an expression' : value} on ${step.action} in ${step.owner} ${conditional ? 'can keep' : 'keeps'} the App installation token usable after the job ends, for up to an hour from its creation, by whatever the token was handed to; remove it and create a token in each job that needs one.`,
        construct: `${step.jobId}:${step.action}:${action.input}`,
        data: { ...stepRef(step), input: action.input },
        fixable: !step.with?.flow,
      });
    }
  },
  fix({ document, finding }) {
    return removeInputFix(document, finding, (input) => `Remove ${input} (the token is revoked when the job ends)`);
  },
});
