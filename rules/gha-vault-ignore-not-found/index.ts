import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { nodeSpan, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { findStep, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

const ACTION = 'hashicorp/vault-action';
const INPUT = 'ignoreNotFound';

export default defineRule({
  id: 'gha-vault-ignore-not-found',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['ignorenotfound'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const step of workflowSteps(document)) {
      if (step.action !== ACTION) continue;
      const input = stepInput(step, INPUT);
      const span = input && pairSpan(input);
      if (!input || !span || scalarString(input.value)?.trim().toLowerCase() !== 'true') continue;
      report({
        span,
        message: `${ACTION} in job '${step.jobId}' sets ${INPUT}: true, so a secret that is not found at its path is simply not set and the step still succeeds; later steps then run with empty credentials or fall back to another path. Remove it so the job fails where the secret is missing.`,
        construct: `${step.jobId}:${ACTION}:${INPUT}`,
        data: stepRef(step),
        fixable: step.with !== undefined && !step.with.flow && step.with.items.length > 1,
      });
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    if (!step?.with) return [];
    const editor = new YamlCstEditor(document.text);
    const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
    if (!withMap || editor.removeKeys(withMap, [INPUT]) === -1) return [];
    return [{ title: `Remove ${INPUT} (fail when a secret is missing)`, edits: diffToEdits(document.text, editor.toString()), isPreferred: true }];
  },
});
