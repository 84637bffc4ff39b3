import { defineRule } from '../../server/src/engine/define-rule';
import { pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { removeInputFix, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

const ACTION = 'aws-actions/configure-aws-credentials';
const WHY: Readonly<Record<string, string>> = {
  'force-skip-oidc': 'skips GitHub OIDC even when the job may request a token, so the step silently signs in with whatever static keys it finds',
  'output-credentials': 'writes the session credentials to step outputs, where any later step, log or artifact can pick them up',
};

export default defineRule({
  id: 'gha-aws-force-skip-oidc',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['force-skip-oidc', 'output-credentials'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      for (const input of Object.keys(WHY)) {
        const pair = stepInput(step, input);
        const span = pair && pairSpan(pair);
        if (!pair || !span || scalarString(pair.value)?.toLowerCase() !== 'true') continue;
        report({
          span,
          message: `${input}: true on ${ACTION} in ${step.owner} ${WHY[input]}; remove it.`,
          construct: `${step.jobId}:${ACTION}:${input}`,
          data: { ...stepRef(step), input },
          fixable: !step.with?.flow,
        });
      }
    }
  },
  fix({ document, finding }) {
    return removeInputFix(document, finding, (input) => `Remove ${input}`);
  },
});
