import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { nodeSpan, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { findStep, stepRef } from '../lib/github-step-fix';
import { parseGoDuration } from '../lib/go-duration';
import docs from './docs.md';

const ACTION = 'google-github-actions/auth';
const INPUT = 'access_token_lifetime';

export default defineRule({
  id: 'gha-gcp-token-lifetime',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['access_token_lifetime'],
  syntax: 'yaml',
  options: {
    maxSeconds: {
      type: 'number',
      default: 3600,
      description: 'Longest access_token_lifetime allowed in seconds (3600, the action\'s default and the maximum unless an org policy allows up to 12 hours).',
    },
  },
  docs,
  check({ document, options, report }) {
    const limit = Number(options.maxSeconds);
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      const input = stepInput(step, INPUT);
      const span = input && pairSpan(input);
      const text = scalarString(input?.value)?.trim();
      if (!input || !span || text === undefined || text.includes('$')) continue;
      const seconds = parseGoDuration(text);
      if (seconds === undefined || seconds <= limit) continue;
      report({
        span,
        message: `${INPUT}: ${text} in ${step.owner} asks for Google access tokens valid for ${Math.round((seconds / 3600) * 10) / 10} hours, over the ${limit}-second limit; a leaked token stays usable that long, and more than one hour needs the iam.allowServiceAccountCredentialLifetimeExtension org policy. Remove the input to get the 1-hour default.`,
        construct: `${step.jobId}:${ACTION}:${INPUT}`,
        data: stepRef(step),
        fixable: step.with !== undefined && !step.with.flow && step.with.items.length > 1 && limit >= 3600,
      });
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step?.with) return [];
    const editor = new YamlCstEditor(document.text);
    const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
    if (!withMap || editor.removeKeys(withMap, [INPUT]) === -1) return [];
    return [{ title: `Remove ${INPUT} (1-hour default)`, edits: diffToEdits(document.text, editor.toString()), isPreferred: true }];
  },
});
