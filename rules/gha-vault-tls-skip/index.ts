import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { nodeSpan, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { stepInput, workflowSteps } from '../lib/github-actions';
import { findStep, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

const ACTION = 'hashicorp/vault-action';
const INPUT = 'tlsSkipVerify';

export default defineRule({
  id: 'gha-vault-tls-skip',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['tlsskipverify'],
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
        message: `${ACTION} in job '${step.jobId}' sets ${INPUT}: true, so it sends its login credential to, and takes secrets from, whatever answers at the Vault URL without checking its certificate. Remove it and pass the Vault CA in caCertificate if the server uses a private CA.`,
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
    return [{ title: `Remove ${INPUT} (verify Vault's certificate)`, edits: diffToEdits(document.text, editor.toString()), isPreferred: true }];
  },
});
