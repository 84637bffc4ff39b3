/**
 * `npm run bench:accuracy [corpus-dir]`: precision and recall of the engine on labeled corpora
 * (default ../shared/corpus; any folder of `<source>/labels.jsonl` in the same schema works).
 *
 * Each labeled file is scanned with the recommended rules, as the CLI would scan it. A positive
 * label is found when a finding of a matching kind is within LINE_TOLERANCE lines of it (anywhere
 * in the file when the label has no line). A finding that matches no positive label of its file
 * is a false positive, so files labeled negative count against precision. Kinds outside the
 * mission (home-directory paths, public IPs, account ids) are left out.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allRules } from '../rules';
import { ParsedDocument } from '../server/src/engine/parsed-document';
import { Scanner } from '../server/src/engine/runner';
import type { Category, Finding } from '../server/src/engine/types';

const LINE_TOLERANCE = 3;
const OUT_OF_SCOPE = new Set(['homedir-path', 'public-ip', 'aws-account-id']);

/** Which label kinds a finding of each category can satisfy. */
const KINDS_BY_CATEGORY: Record<Category, ReadonlySet<string>> = {
  secret: new Set([
    'aws-access-key', 'aws-secret-key', 'private-key', 'password', 'password-in-url', 'generic-secret', 'generic-token',
    'generic-api-key', 'provider-token', 'jwt', 'webhook-url', 'gcp-service-account-key', 'secret-in-env', 'dotenv-file',
    'ci-hardcoded-credential', 'k8s-secret-manifest',
  ]),
  'long-lived-credential': new Set(['long-lived-access-key', 'key-rotation', 'certificate', 'expired-cert', 'gcp-service-account-key']),
  'missing-ttl': new Set(['missing-expiration', 'long-lived-access-key']),
  fallback: new Set(['ci-hardcoded-credential', 'password', 'generic-secret']),
};

interface Label {
  file: string;
  line: number | null;
  kind: string;
  expect: 'positive' | 'negative';
}

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

const tally = (): Tally => ({ tp: 0, fp: 0, fn: 0 });
const precision = (t: Tally) => (t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp));
const recall = (t: Tally) => (t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn));

export interface CorpusScore {
  readonly corpus: string;
  readonly total: Tally;
  readonly byKind: ReadonlyMap<string, Tally>;
  readonly misses: string[];
  readonly falsePositives: string[];
}

export async function scoreCorpus(dir: string, name: string): Promise<CorpusScore> {
  const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Label)
    .filter((label) => !OUT_OF_SCOPE.has(label.kind));
  const byFile = new Map<string, Label[]>();
  for (const label of labels) byFile.set(label.file, [...(byFile.get(label.file) ?? []), label]);
  const scanner = new Scanner(allRules);
  const total = tally();
  const byKind = new Map<string, Tally>();
  const kindTally = (kind: string) => byKind.get(kind) ?? byKind.set(kind, tally()).get(kind)!;
  const misses: string[] = [];
  const falsePositives: string[] = [];
  for (const [file, fileLabels] of byFile) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const document = ParsedDocument.of(path, readFileSync(path, 'utf8'));
    const { findings } = await scanner.scan(document, { rules: {} });
    document.dispose();
    const used = new Set<Finding>();
    for (const label of fileLabels.filter((l) => l.expect === 'positive')) {
      const match = findings.find(
        (finding) =>
          !used.has(finding) &&
          KINDS_BY_CATEGORY[finding.category].has(label.kind) &&
          (label.line === null || Math.abs(finding.range.start.line + 1 - label.line) <= LINE_TOLERANCE),
      );
      if (match) {
        used.add(match);
        total.tp++;
        kindTally(label.kind).tp++;
      } else {
        total.fn++;
        kindTally(label.kind).fn++;
        misses.push(`${name}/${file}:${label.line ?? '-'} ${label.kind}`);
      }
    }
    for (const finding of findings) {
      if (used.has(finding)) continue;
      // A finding for a kind this file's labels do not speak about is not judged.
      const judged = fileLabels.some((label) => label.kind === 'any-secret' ? finding.category === 'secret' : KINDS_BY_CATEGORY[finding.category].has(label.kind));
      if (!judged) continue;
      total.fp++;
      const kind = fileLabels.find((label) => KINDS_BY_CATEGORY[finding.category].has(label.kind))?.kind ?? 'any-secret';
      kindTally(kind).fp++;
      falsePositives.push(`${name}/${file}:${finding.range.start.line + 1} ${finding.ruleId} ${finding.message}`);
    }
  }
  return { corpus: name, total, byKind, misses, falsePositives };
}

function row(name: string, t: Tally): string {
  return `| ${name} | ${t.tp} | ${t.fp} | ${t.fn} | ${precision(t).toFixed(3)} | ${recall(t).toFixed(3)} |`;
}

async function main(): Promise<void> {
  const root = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'corpus'));
  if (!existsSync(root)) {
    console.error(`no corpus at ${root}`);
    process.exitCode = 2;
    return;
  }
  const corpora = readdirSync(root).filter((name) => existsSync(join(root, name, 'labels.jsonl'))).sort();
  const lines = ['| corpus / kind | TP | FP | FN | precision | recall |', '|---|---|---|---|---|---|'];
  const report: string[] = [];
  const overall = tally();
  for (const name of corpora) {
    const score = await scoreCorpus(join(root, name), name);
    lines.push(row(`**${name}**`, score.total));
    for (const [kind, t] of [...score.byKind].sort()) lines.push(row(`${name} / ${kind}`, t));
    overall.tp += score.total.tp;
    overall.fp += score.total.fp;
    overall.fn += score.total.fn;
    report.push(`## ${name}: misses`, ...score.misses, `## ${name}: false positives`, ...score.falsePositives, '');
  }
  lines.push(row('**all corpora**', overall));
  console.log(lines.join('\n'));
  const outDir = join(__dirname, '..', '.cache', 'accuracy');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'details.md'), report.join('\n') + '\n');
  console.log(`\nMisses and false positives (messages masked): ${join('.cache', 'accuracy', 'details.md')}`);
}

if (require.main === module) void main();
