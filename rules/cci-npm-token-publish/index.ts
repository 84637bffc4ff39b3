import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { publishCommand } from '../gha-npm-token-publish';
import { circleUnits, environmentMaps, runCommands } from '../lib/circleci';
import { rawText } from '../lib/gitlab-ci';
import docs from './docs.md';
import { circleNpmFix, circleNpmPlan } from './fix';

const TOKEN_VARIABLES = ['NPM_TOKEN', 'NODE_AUTH_TOKEN'];
const PUBLIC_REGISTRY = 'registry.npmjs.org';
const SAFE_PATTERN =
  'configure a trusted publisher for the package on npmjs.com and publish with the job\'s OIDC token instead: `export NPM_ID_TOKEN=$(circleci run oidc get --claims \'{"aud": "npm:registry.npmjs.org"}\')` then `npm publish` (CircleCI cloud, npm >= 11.5.1)';

export default defineRule({
  id: 'cci-npm-token-publish',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['circleci'],
  keywords: ['npm_token', 'node_auth_token', '_authtoken'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const unit of circleUnits(document)) {
      if (unit.kind === 'workflow') continue;
      const commands = runCommands(unit.node);
      const scripts = commands.map((command) => scalarString(command) ?? '');
      const publisher = scripts.map(publishCommand).find(Boolean);
      if (!publisher) continue;
      const all = scripts.join('\n');
      if (/--registry[= ]/.test(all) && !all.includes(PUBLIC_REGISTRY)) continue;
      const where = `${unit.kind} '${unit.name}'`;
      // One quick fix per job: it replaces all of the job's token setup, or is not offered.
      const fix = { data: { unit: `${unit.kind}:${unit.name}` }, fixable: circleNpmPlan(document, unit) !== undefined };
      const message = (what: string) =>
        `'${publisher}' in ${where} authenticates with ${what}, a stored npm token that can publish from anywhere until it is revoked; ${SAFE_PATTERN}.`;
      let found = false;
      for (const command of commands) {
        const raw = rawText(document, command);
        if (!raw) continue;
        for (let at = raw.text.indexOf('_authToken'); at !== -1; at = raw.text.indexOf('_authToken', at + 1)) {
          const lineStart = raw.text.lastIndexOf('\n', at) + 1;
          const lineEnd = raw.text.indexOf('\n', at);
          const line = raw.text.slice(lineStart, lineEnd === -1 ? raw.text.length : lineEnd);
          if (line.trimStart().startsWith('#') || (line.includes('//') && !line.includes(PUBLIC_REGISTRY))) continue;
          found = true;
          report({ span: [raw.start + at, raw.start + at + '_authToken'.length], message: message('an _authToken written to .npmrc'), construct: `${unit.kind}:${unit.name}:_authToken`, ...fix });
        }
      }
      for (const environment of environmentMaps(unit.node)) {
        for (const { key, pair } of mapEntries(environment)) {
          const span = pairSpan(pair);
          if (!TOKEN_VARIABLES.includes(key) || !span || !scalarString(pair.value)) continue;
          found = true;
          report({ span, message: message(key), construct: `${unit.kind}:${unit.name}:environment:${key}`, ...fix });
        }
      }
      if (found) continue;
      // The token usually lives in a context and is only referenced by the script.
      for (const command of commands) {
        const raw = rawText(document, command);
        const hit = raw && wholeWord(raw.text, TOKEN_VARIABLES);
        if (!raw || !hit) continue;
        report({ span: [raw.start + hit.at, raw.start + hit.at + hit.name.length], message: message(`$${hit.name}`), construct: `${unit.kind}:${unit.name}:ref:${hit.name}`, ...fix });
        break;
      }
    }
  },
  fix({ document, finding }) {
    return circleNpmFix(document, finding.data?.unit);
  },
});

function wholeWord(text: string, names: readonly string[]): { name: string; at: number } | undefined {
  for (const name of names) {
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
      const before = text[at - 1];
      const after = text[at + name.length];
      if ((before && /\w/.test(before)) || (after && /\w/.test(after))) continue;
      return { name, at };
    }
  }
  return undefined;
}
