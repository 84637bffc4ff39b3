import { parseDocument } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { isMap, mapEntries, pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { readReferencedFile } from '../../server/src/engine/referenced-files';
import type { Span } from '../../server/src/engine/types';
import docs from './docs.md';

/** A reusable workflow of this repository, as a job's `uses:` names it. */
const LOCAL_WORKFLOW = /^\.\/\.github\/workflows\/([\w.-]+\.ya?ml)$/;

export default defineRule({
  id: 'gha-secrets-inherit',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: ['github-actions'],
  keywords: ['inherit'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const yaml of document.yaml()) {
      for (const { key: jobId, pair } of mapEntries(valueOf(yaml.contents, 'jobs'))) {
        const job = pair.value;
        const uses = scalarString(valueOf(job, 'uses'));
        const secrets = pairOf(job, 'secrets');
        const span = secrets && pairSpan(secrets);
        if (!uses || !span || scalarString(secrets.value) !== 'inherit') continue;
        const declared = calleeSecrets(document, uses);
        report({
          span,
          message: `Job '${jobId}' calls ${uses} with secrets: inherit, which hands it every secret this workflow can read (repository, environment and organization secrets), not only the ones it uses; a compromised or retargeted callee gets them all. List the secrets it needs under secrets: instead${declared ? ` (it declares ${declared.length === 0 ? 'none' : declared.join(', ')})` : ''}.`,
          construct: `${jobId}:secrets-inherit`,
          data: { uses },
          fixable: declared !== undefined && !(isMap(job) && job.flow),
        });
      }
    }
  },
  fix({ document, finding }) {
    const uses = finding.data?.uses;
    if (typeof uses !== 'string') return [];
    const declared = calleeSecrets(document, uses);
    if (!declared) return [];
    const [start, end] = finding.span as Span;
    const text = document.text;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (text.slice(lineStart, start).trim() !== '') return [];
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    if (declared.length === 0) {
      // Nothing to pass: the line goes.
      const lineEnd = text.indexOf('\n', end);
      return [{ title: 'Remove secrets: inherit (the called workflow declares no secrets)', edits: [{ span: [lineStart, lineEnd === -1 ? text.length : lineEnd + 1], newText: '' }], isPreferred: true }];
    }
    const indent = ' '.repeat(start - lineStart + 2);
    const block = ['secrets:', ...declared.map((name) => `${indent}${name}: \${{ secrets.${name} }}`)].join(eol);
    return [{ title: `Pass only the secrets ${uses} declares: ${declared.join(', ')}`, edits: [{ span: [start, end], newText: block }], isPreferred: true }];
  },
});

/**
 * The secrets a local reusable workflow declares under `on.workflow_call.secrets`, read from the
 * file beside this one; undefined for another repository's workflow, or one that cannot be read.
 */
function calleeSecrets(document: ParsedDocument, uses: string): string[] | undefined {
  const file = LOCAL_WORKFLOW.exec(uses)?.[1];
  if (!file || !/(?:^|[\\/])\.github[\\/]workflows[\\/][^\\/]+$/.test(document.path)) return undefined;
  const text = readReferencedFile(document.path, file);
  if (text === undefined) return undefined;
  const callee = parseDocument(text, { uniqueKeys: false });
  if (callee.errors.length > 0) return undefined;
  const call = valueOf(valueOf(callee.contents, 'on'), 'workflow_call');
  const secrets = valueOf(call, 'secrets');
  return isMap(secrets) ? mapEntries(secrets).map(({ key }) => key) : [];
}
