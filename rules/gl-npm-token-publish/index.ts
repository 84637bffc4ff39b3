import type { Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { mapEntries, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { publishCommand } from '../gha-npm-token-publish';
import { gitlabJobs, rawText, scriptScalars, variableValue } from '../lib/gitlab-ci';
import docs from './docs.md';
import { npmFix, npmPlan } from './fix';

const TOKEN_VARIABLES = ['NPM_TOKEN', 'NODE_AUTH_TOKEN'];
const PUBLIC_REGISTRY = 'registry.npmjs.org';
export const SAFE_PATTERN =
  'configure a trusted publisher for the package on npmjs.com and give the job `id_tokens: { NPM_ID_TOKEN: { aud: "npm:registry.npmjs.org" } }` instead (GitLab.com shared runners, npm >= 11.5.1)';

export default defineRule({
  id: 'gl-npm-token-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['gitlab-ci'],
  keywords: ['npm_token', 'node_auth_token', '_authtoken'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const reported = new Set<number>();
    for (const job of gitlabJobs(document)) {
      const scalars = scriptScalars(job.job);
      const scripts = scalars.map((scalar) => scalarString(scalar) ?? '');
      const publisher = scripts.map(publishCommand).find(Boolean);
      if (!publisher) continue;
      const all = scripts.join('\n');
      // Publishing to the GitLab package registry (CI_JOB_TOKEN) or a private registry is not this rule's case.
      if (/--registry[= ]/.test(all) && !all.includes(PUBLIC_REGISTRY)) continue;
      // One quick fix per job: it replaces all of the job's token setup, or is not offered.
      const plan = npmPlan(document, job);
      const fix = { data: { job: job.name }, fixable: plan !== undefined };
      const message = (what: string) =>
        `'${publisher}' in job '${job.name}' authenticates with ${what}, a stored npm token that can publish from anywhere until it is revoked; ${SAFE_PATTERN}.`;
      let found = false;
      for (const scalar of scalars) {
        for (const span of authTokenSpans(document, scalar)) {
          found = true;
          report({ span, message: message('an _authToken written to .npmrc'), construct: `${job.name}:_authToken`, ...fix });
        }
      }
      const levels = [
        { variables: valueOf(job.job, 'variables'), owner: job.name },
        { variables: valueOf(job.root, 'variables'), owner: '' },
      ];
      for (const { variables, owner } of levels) {
        for (const { key, pair } of mapEntries(variables)) {
          const span = pairSpan(pair);
          if (!TOKEN_VARIABLES.includes(key) || !span || !scalarString(variableValue(pair))) continue;
          found = true;
          // A global variable is reported once, however many jobs publish with it.
          if (reported.has(span[0])) continue;
          reported.add(span[0]);
          const removes = (owner ? plan?.jobVariables : plan?.globalVariables)?.keys.includes(key) ?? false;
          report({ span, message: message(key), construct: `${owner}:variables:${key}`, ...fix, fixable: removes });
        }
      }
      if (found) continue;
      // The token may live only in the project's CI/CD variables and be referenced from the script.
      for (const scalar of scalars) {
        const hit = wholeWord(rawText(document, scalar), TOKEN_VARIABLES);
        if (!hit) continue;
        report({ span: hit.span, message: message(hit.name), construct: `${job.name}:ref:${hit.name}`, ...fix });
        break;
      }
    }
  },
  fix({ document, finding }) {
    return npmFix(document, finding.data?.job);
  },
});

/** `_authToken` settings in a script line that target the public npm registry (not the GitLab registry via CI_JOB_TOKEN). */
function authTokenSpans(document: ParsedDocument, scalar: Node): Array<readonly [number, number]> {
  const raw = rawText(document, scalar);
  if (!raw) return [];
  const spans: Array<readonly [number, number]> = [];
  for (let at = raw.text.indexOf('_authToken'); at !== -1; at = raw.text.indexOf('_authToken', at + 1)) {
    const lineStart = raw.text.lastIndexOf('\n', at) + 1;
    let lineEnd = raw.text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = raw.text.length;
    const line = raw.text.slice(lineStart, lineEnd);
    if (line.trimStart().startsWith('#') || line.includes('CI_JOB_TOKEN') || (line.includes('//') && !line.includes(PUBLIC_REGISTRY))) continue;
    spans.push([raw.start + at, raw.start + at + '_authToken'.length]);
  }
  return spans;
}

/** The first whole-word occurrence of one of `names` in a script's source text. */
function wholeWord(raw: { text: string; start: number } | undefined, names: readonly string[]): { name: string; span: readonly [number, number] } | undefined {
  if (!raw) return undefined;
  for (const name of names) {
    for (let at = raw.text.indexOf(name); at !== -1; at = raw.text.indexOf(name, at + 1)) {
      const before = raw.text[at - 1];
      const after = raw.text[at + name.length];
      if ((before && /\w/.test(before)) || (after && /\w/.test(after))) continue;
      return { name, span: [raw.start + at, raw.start + at + name.length] };
    }
  }
  return undefined;
}
