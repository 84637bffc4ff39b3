/**
 * Worst-case documents for every rule of the registry, as scan jobs: long runs of each character
 * the rules' patterns repeat, the rule's keywords pumped, near-miss tokens, deep nesting, its own
 * positive fixture repeated, and runs spliced in exactly where the rule reads a value.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../../../rules/index';
import { ParsedDocument } from '../../../server/src/engine/parsed-document';
import { Scanner } from '../../../server/src/engine/runner';
import type { FileKind, Rule } from '../../../server/src/engine/types';
import { prng, randomToken, type Recipe } from './recipes';
import type { ScanJob } from './scan-jobs';

export const RULES_DIR = join(__dirname, '..', '..', '..', 'rules');

/** Lines a little under the engine's 20,000-character limit, so syntax rules still run. */
export const WRAP = 16_000;

/** The characters the rules' patterns repeat (token alphabets, separators, spaces, quotes) and openers for nesting. */
export const RUN_UNITS = ['a', 'Z', '0', '-', '_', '=', '/', '+', '.', ':', '@', ' ', '\t', '"', "'", '[', '{', '('];
/** Multi-character units: template references, YAML sequences and maps, escapes, JSON nesting. */
export const MULTI_UNITS = ['${{', '{{', '- ', 'a:', '\\"', '{"a":', '`', '$(', '#', '\r'];
/** Units for the line-wrapped variant of text-only rules (where `\s` and line anchors matter). */
export const BLOCK_UNITS_TEXT = [' ', '\t', '"', "'", 'a', '=', ':'];

export type Tier = 'quick' | 'full';

interface KindContext {
  readonly path: string;
  /** Text before the filler on one line, and before a line-wrapped filler. */
  readonly lineHead: string;
  readonly blockHead: string;
  readonly tail: string;
  /** Defaults to `tail`. */
  readonly blockTail?: string;
  readonly indent: string;
  readonly yaml: boolean;
}

const WORKFLOW = [
  'name: deploy',
  'on: push',
  'jobs:',
  '  deploy:',
  '    runs-on: ubuntu-latest',
  '    container:',
  '      image: ghcr.io/acme/build:1',
  '      credentials:',
  '        username: ci',
  '        password: hunter2-not-real',
  '    steps:',
  '      - uses: aws-actions/configure-aws-credentials@v4',
  '        with:',
  '          aws-access-key-id: AKIAIOSFODNN7EXAMPLE',
  '',
].join('\n');

/** A document of the rule's file kind whose keywords are present, with the filler where a value goes. */
function kindContext(rule: Rule): KindContext {
  const keywords = rule.keywords.join(' ');
  const kinds: readonly FileKind[] = rule.fileKinds === '*' ? ['dotenv'] : rule.fileKinds;
  const kind = kinds[0]!;
  switch (kind) {
    case 'github-actions':
      return { path: '.github/workflows/deploy.yml', lineHead: `# ${keywords}\n${WORKFLOW}          aws-secret-access-key: `, blockHead: `# ${keywords}\n${WORKFLOW}          aws-secret-access-key: |\n`, tail: '\n', indent: '            ', yaml: true };
    case 'kubernetes': {
      const head = `# ${keywords}\napiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\nmetadata:\n  name: `;
      return { path: 'deploy/secret.yaml', lineHead: head, blockHead: `${head}|\n`, tail: '\n', indent: '    ', yaml: true };
    }
    case 'yaml':
    case 'gitlab-ci':
    case 'circleci':
    case 'docker-compose':
    case 'cloudformation': {
      const path = { yaml: 'config/app.yaml', 'gitlab-ci': '.gitlab-ci.yml', circleci: '.circleci/config.yml', 'docker-compose': 'docker-compose.yml', cloudformation: 'cfn/stack.yaml' }[kind];
      const head = `# ${keywords}\n${kind === 'cloudformation' ? "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X:\n    Type: AWS::IAM::User\n" : ''}value: `;
      return { path, lineHead: head, blockHead: `${head}|\n`, tail: '\n', indent: '  ', yaml: true };
    }
    case 'terraform':
      return {
        path: 'infra/main.tf',
        lineHead: `# ${keywords}\nresource "tls_self_signed_cert" "ca" {\n  validity_period_hours = `,
        blockHead: `# ${keywords}\nresource "tls_self_signed_cert" "ca" {\n  validity_period_hours = 87600\n  subject = <<EOT\n`,
        tail: '\n}\n',
        indent: '',
        yaml: false,
      };
    case 'typescript':
    case 'javascript': {
      const path = kind === 'typescript' ? 'src/config.ts' : 'src/config.js';
      const head = `// ${keywords}\nimport jwt from 'jsonwebtoken';\nexport const token = jwt.sign({ sub: 'svc' }, process.env.API_TOKEN || `;
      return { path, lineHead: `${head}'`, blockHead: `${head}\``, tail: "', { expiresIn: '1h' });\n", blockTail: "`, { expiresIn: '1h' });\n", indent: '', yaml: false };
    }
    case 'json':
      return { path: 'config/app.json', lineHead: `{"_": "${keywords}", "value": "`, blockHead: `{"_": "${keywords}", "value": "`, tail: '"}\n', indent: '', yaml: false };
    default: {
      const path: Partial<Record<FileKind, string>> = {
        dockerfile: 'Dockerfile', dotenv: 'config/app.env', shell: 'scripts/deploy.sh', python: 'app/settings.py', go: 'main.go', java: 'App.java',
        ini: 'config/app.ini', properties: 'config/app.properties', text: 'notes.txt',
      };
      const comment = kind === 'go' || kind === 'java' ? '//' : '#';
      return { path: path[kind] ?? 'notes.txt', lineHead: `${comment} ${keywords}\nVALUE=`, blockHead: `${comment} ${keywords}\nVALUE=`, tail: 'x\n', indent: '', yaml: false };
    }
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

export function positiveFixtures(rule: Rule): string[] {
  return filesUnder(join(RULES_DIR, rule.id, 'fixtures', 'positive'));
}

/** Where the rule reads a value: the first finding in its first positive fixture that has one. */
export interface Splice {
  readonly path: string;
  readonly before: string;
  readonly after: string;
  readonly indent: string;
  readonly fixture: string;
  /** The text the finding covers (for secret rules, the token itself). */
  readonly flagged: string;
}

export async function spliceOf(rule: Rule): Promise<Splice | undefined> {
  for (const file of positiveFixtures(rule)) {
    const text = readFileSync(file, 'utf8');
    const relative = file.slice(join(RULES_DIR, rule.id, 'fixtures', 'positive').length + 1).split('\\').join('/');
    const document = ParsedDocument.of(relative, text);
    try {
      const result = await new Scanner([rule]).scan(document, { rules: { [rule.id]: { severity: 'error' } } });
      const finding = result.findings.find((f) => f.ruleId === rule.id);
      if (!finding) continue;
      const [start, end] = finding.span;
      const flagged = text.slice(start, end);
      // Keep the keyword that lets the rule run (a token's prefix such as `ghp_`); the run replaces the rest.
      const lower = flagged.toLowerCase();
      const hits = rule.keywords.map((keyword) => ({ keyword, at: lower.indexOf(keyword) })).filter((hit) => hit.at !== -1).sort((a, b) => a.at - b.at);
      const cut = hits[0] ? start + hits[0].at + hits[0].keyword.length : start;
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0] + '  ';
      return { path: relative, before: text.slice(0, cut), after: text.slice(end), indent, fixture: text, flagged };
    } finally {
      document.dispose();
    }
  }
  return undefined;
}

function label(unit: string): string {
  return JSON.stringify(unit.length > 24 ? `${unit.slice(0, 24)}…` : unit);
}

export interface CaseOptions {
  readonly tier: Tier;
  readonly sizes: readonly number[];
}

/**
 * Every adversarial scan job for one rule. The full tier (NHI_ADVERSARIAL=full) gives every unit
 * its own document in every layout, so a failure names the character. The quick tier (npm test)
 * puts the same runs into one document as consecutive segments, each growing with the size (a
 * run that is quadratic alone is still quadratic there), plus the structural cases.
 */
export function casesFor(rule: Rule, splice: Splice | undefined, options: CaseOptions): ScanJob[] {
  const jobs: ScanJob[] = [];
  const full = options.tier === 'full';
  const syntax = rule.syntax !== undefined;
  const context = kindContext(rule);
  const random = prng(rule.id.length * 7919 + rule.id.charCodeAt(0));
  const add = (name: string, recipe: Recipe) => jobs.push({ id: `${rule.id} ${name}`, ruleIds: [rule.id], recipe, sizes: options.sizes });
  /** One job per unit (full tier), or one job with every unit as a segment (quick tier). */
  const each = (name: string, units: readonly string[], recipe: (units: string[]) => Omit<Recipe, 'units'>) => {
    if (full) for (const unit of units) add(`${name} ${label(unit)}`, { ...recipe([unit]), units: [unit] });
    else add(`${name} (${units.length} runs as segments)`, { ...recipe([...units]), units: [...units], shape: 'segments' });
  };

  // Keyword pumps: the rule's keywords back to back, alone or with a token character after each,
  // and near-miss tokens (the prefix and a body one character short of what patterns want).
  const pumps: string[] = [];
  for (const keyword of full ? rule.keywords : rule.keywords.slice(0, 2)) {
    pumps.push(keyword, `${keyword}a`, `${keyword}${randomToken(random, 31)} `);
    if (full) pumps.push(`${keyword}0`, `${keyword}-`, `${keyword}_`, `${keyword.toUpperCase()}=`, `${keyword}${randomToken(random, 39)}\n`);
  }
  const soup = rule.keywords.join(' ') + ' ';
  const runs = [...RUN_UNITS, ...(full ? MULTI_UNITS : ['${{', '{{', '- '])];

  // One line of up to 1 MiB: syntax rules are left out above the line limit, text rules are not.
  each('line', [...runs, ...pumps, soup], () => ({ path: context.path, head: context.lineHead, tail: context.tail }));
  // The same wrapped into lines under the limit, so syntax rules parse it.
  each('lines', [...runs, ...pumps], () => ({ path: context.path, head: context.blockHead, tail: context.blockTail ?? context.tail, lineLength: WRAP, indent: context.indent }));
  // An inline suppression directive whose tail is a long run (every scan reads directives; the
  // quick tier checks this once for the engine, see directiveJob).
  if (full) {
    for (const unit of [' ', '\t', '-', '*/']) add(`directive ${label(unit)}`, { path: context.path, head: `${context.lineHead}\n# nhi-hygiene-disable-line ${rule.id} -- reason`, units: [unit], tail: 'x\n' });
  }
  // Code: a duration (jsonwebtoken's expiresIn) that is mostly whitespace.
  if (context.path.startsWith('src/config.')) {
    const head = `// ${rule.keywords.join(' ')}\nimport jwt from 'jsonwebtoken';\nexport const token = jwt.sign({ sub: 'svc' }, key, { expiresIn: \`0`;
    each('expiresIn lines', [' ', '\t', '0'], () => ({ path: context.path, head, tail: 'x` });\n', lineLength: WRAP }));
  }
  // Deep nesting: flow brackets on many lines, and for YAML an indentation staircase.
  for (const opener of full ? ['[', '{', '('] : ['[']) {
    add(`nested ${label(opener)} lines`, { path: context.path, head: context.blockHead, units: [opener], tail: context.blockTail ?? context.tail, lineLength: 200 });
  }
  if (context.yaml) {
    add('nested YAML maps (staircase)', { path: context.path, head: `# ${rule.keywords.join(' ')}\nroot:\n`, units: ['a:'], tail: '\n', shape: 'staircase' });
    if (full) add('nested YAML sequences', { path: context.path, head: `# ${rule.keywords.join(' ')}\nroot:\n  `, units: ['- '], tail: 'x\n', lineLength: 200, indent: '  ' });
  }
  if (splice) {
    // The rule's own positive fixture, many times over: many findings, realistic structure.
    const separator = context.yaml || /\.ya?ml$/.test(splice.path) ? '\n---\n' : '\n';
    add('positive fixture repeated', { path: splice.path, head: '', units: [splice.fixture + separator], tail: '' });
    // Text rules: what they flag, one per line: a finding every few dozen characters.
    if (!syntax) add('dense findings', { path: splice.path, head: '', units: [`${splice.flagged}\n`], tail: '' });
    // Runs where the rule reads its value, on one line and wrapped.
    each('value', runs, () => ({ path: splice.path, head: splice.before, tail: splice.after }));
    if (syntax || full) each('value lines', full ? runs : [' ', '"', '{'], () => ({ path: splice.path, head: splice.before, tail: splice.after, lineLength: WRAP, indent: splice.indent }));
  }
  return jobs;
}

/** Directives are read on every scan whatever the rules: one job with the whole registry. */
export function directiveJob(sizes: readonly number[]): ScanJob {
  const head = `# ${allRules.flatMap((rule) => rule.keywords).join(' ')}\n# nhi-hygiene-disable-line sec-github -- accepted for the test`;
  return { id: 'engine: inline directive with a long tail (tabs)', ruleIds: '*', recipe: { path: 'config/app.env', head, units: ['\t'], tail: 'x\n' }, sizes };
}

export async function adversarialJobs(options: CaseOptions, rules: readonly Rule[] = allRules): Promise<ScanJob[]> {
  const jobs: ScanJob[] = [];
  for (const rule of rules) jobs.push(...casesFor(rule, await spliceOf(rule), options));
  return jobs;
}

export { kindContext };
