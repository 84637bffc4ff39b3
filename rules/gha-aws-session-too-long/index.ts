import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { nodeSpan, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { findStep, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

const ACTION = 'aws-actions/configure-aws-credentials';
/** AssumeRole's hard maximum (12 hours); a longer value makes the step fail. */
const API_MAX_SECONDS = 43200;

export default defineRule({
  id: 'gha-aws-session-too-long',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['role-duration-seconds'],
  syntax: 'yaml',
  options: {
    maxSeconds: {
      type: 'number',
      default: 3600,
      description: 'Longest role-duration-seconds allowed (1 hour, the action\'s and AssumeRole\'s default); the quick fix sets this value.',
    },
  },
  docs,
  check({ document, options, report }) {
    const limit = Number(options.maxSeconds);
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      const input = stepInput(step, 'role-duration-seconds');
      const span = input && pairSpan(input);
      const text = scalarString(input?.value)?.trim();
      if (!input || !span || text === undefined || !/^\d{1,9}$/.test(text)) continue;
      const seconds = Number(text);
      if (seconds <= limit) continue;
      const invalid = seconds > API_MAX_SECONDS;
      report({
        span,
        severity: invalid ? 'error' : undefined,
        message: invalid
          ? `role-duration-seconds: ${seconds} in ${step.owner} is over the 43200-second (12-hour) maximum AWS allows, so the step fails; use at most ${limit}.`
          : `role-duration-seconds: ${seconds} in ${step.owner} keeps the AWS session valid for ${Math.round((seconds / 3600) * 10) / 10} hours, over the ${limit}-second limit; a leaked session stays usable that long.`,
        construct: `${step.jobId}:${ACTION}:role-duration-seconds`,
        data: { ...stepRef(step), limit },
        fixable: step.with !== undefined && !step.with.flow,
      });
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const limit = finding.data?.limit;
    if (!step?.with || typeof limit !== 'number') return [];
    const editor = new YamlCstEditor(document.text);
    const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
    if (!withMap || !editor.setScalar(withMap, 'role-duration-seconds', String(limit))) return [];
    return [
      {
        title: `Set role-duration-seconds to ${limit}`,
        edits: diffToEdits(document.text, editor.toString()),
        isPreferred: true,
      },
    ];
  },
});
