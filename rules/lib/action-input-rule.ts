import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { nodeSpan, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import type { Category, Rule, Severity } from '../../server/src/engine/types';
import { stepInput, workflowSteps } from './github-actions';
import { findStep, stepRef } from './github-step-fix';

/**
 * A GitHub Actions rule for one action input that, set to `true`, opens a fallback path (skips
 * verification, ignores a failure): it is reported on the input, and the preferred fix removes it,
 * restoring the action's fail-closed default.
 */
export function actionInputTrueRule(spec: {
  readonly id: string;
  readonly category: Category;
  readonly severity: Severity;
  readonly action: string;
  readonly input: string;
  readonly docs: string;
  /** What setting it does, after "`<action>` in job 'x' sets <input>: true, so …". */
  readonly consequence: string;
  /** Fix title: "Remove <input> (<restores>)". */
  readonly restores: string;
}): Rule {
  const { action, input } = spec;
  return defineRule({
    id: spec.id,
    category: spec.category,
    defaultSeverity: spec.severity,
    fileKinds: ['github-actions'],
    keywords: [input.toLowerCase()],
    syntax: 'yaml',
    docs: spec.docs,
    check({ document, report }) {
      for (const step of workflowSteps(document)) {
        if (step.action !== action) continue;
        const found = stepInput(step, input);
        const span = found && pairSpan(found);
        if (!found || !span || scalarString(found.value)?.trim().toLowerCase() !== 'true') continue;
        report({
          span,
          message: `${action} in ${step.owner} sets ${input}: true, so ${spec.consequence}`,
          construct: `${step.jobId}:${action}:${input}`,
          data: stepRef(step),
          // Removing the only input would leave an empty `with:`; that edit is left to the user.
          fixable: step.with !== undefined && !step.with.flow && step.with.items.length > 1,
        });
      }
    },
    fix({ document, finding }) {
      const step = findStep(document, finding.data);
      if (!step?.with) return [];
      const editor = new YamlCstEditor(document.text);
      const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
      if (!withMap || editor.removeKeys(withMap, [input]) === -1) return [];
      return [{ title: `Remove ${input} (${spec.restores})`, edits: diffToEdits(document.text, editor.toString()), isPreferred: true }];
    },
  });
}
