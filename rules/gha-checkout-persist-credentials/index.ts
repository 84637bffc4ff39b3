import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { isMap, nodeSpan, pairOf, pairSpan, scalarString, seqItems, valueOf } from '../../server/src/engine/parse/yaml';
import { laterStepsOfJob, stepInput, workflowSteps } from '../lib/github-actions';
import { findStep, sourceText, stepRef } from '../lib/github-step-fix';
import docs from './docs.md';

const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'];

function triggers(root: unknown): string[] {
  const on = valueOf(root, 'on');
  if (isMap(on)) return on.items.map((pair) => String(scalarString(pair.key) ?? ''));
  const scalar = scalarString(on);
  if (scalar !== undefined) return [scalar];
  return seqItems(on).map((item) => scalarString(item) ?? '');
}

/** An upload-artifact `path:` that includes the whole workspace, and so `.git/config`. */
function uploadsWorkspace(path: string): boolean {
  return path
    .split('\n')
    .map((line) => line.trim().replace(/^["']|["']$/g, ''))
    .some((line) => line === '.' || line === './' || line === '${{ github.workspace }}' || line === '${{ github.workspace }}/');
}

export default defineRule({
  id: 'gha-checkout-persist-credentials',
  category: 'fallback',
  defaultSeverity: 'info',
  fileKinds: ['github-actions'],
  keywords: ['actions/checkout'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const steps = workflowSteps(document);
    for (const [position, step] of steps.entries()) {
      if (step.action !== 'actions/checkout') continue;
      if (scalarString(stepInput(step, 'persist-credentials')?.value)?.toLowerCase() === 'false') continue;
      const privileged = triggers(step.yaml.contents).find((name) => PRIVILEGED_TRIGGERS.includes(name));
      const upload = laterStepsOfJob(steps, position).find((other) => {
        if (other.action !== 'actions/upload-artifact') return false;
        const path = stepInput(other, 'path');
        return path !== undefined && path.value !== null && uploadsWorkspace(sourceText(document, path.value));
      });
      if (!privileged && !upload) continue;
      const uses = pairOf(step.step, 'uses');
      const span = uses && pairSpan(uses);
      if (!span) continue;
      const reason = privileged
        ? `the workflow runs on ${privileged}, where later steps may handle untrusted code`
        : `a later step uploads the workspace (with .git/config) as an artifact`;
      report({
        span,
        construct: `${step.jobId}:actions/checkout:${step.index}`,
        message: `actions/checkout in ${step.owner} leaves the job's token in .git/config (persist-credentials defaults to true) and ${reason}; set persist-credentials: false unless a later step pushes with git.`,
        data: stepRef(step),
        fixable: !step.step.flow && (step.with === undefined ? valueOf(step.step, 'with') === undefined : !step.with.flow),
      });
    }
  },
  fix({ document, finding }) {
    const step = findStep(document, finding.data);
    const span = step && nodeSpan(step.step);
    if (!step || !span) return [];
    const editor = new YamlCstEditor(document.text);
    if (step.with) {
      const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
      if (!withMap) return [];
      if (pairOf(step.with, 'persist-credentials') !== undefined) {
        if (!editor.setScalar(withMap, 'persist-credentials', 'false')) return [];
      } else editor.insertEntries(withMap, 'persist-credentials: false\n');
    } else {
      const stepMap = editor.blockMapAt(span[0]);
      if (!stepMap) return [];
      editor.insertEntries(stepMap, 'with:\n  persist-credentials: false\n', editor.indexOf(stepMap, 'uses') + 1);
    }
    const text = editor.toString();
    if (text === document.text) return [];
    // Not preferred: a later step that pushes with plain git needs a token of its own afterwards.
    return [{ title: 'Set persist-credentials: false', edits: diffToEdits(document.text, text) }];
  },
});
