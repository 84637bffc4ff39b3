/**
 * Corpus accuracy harness: `npm run bench:accuracy [corpusDir]` (default ../shared/corpus beside the checkout).
 *
 * A corpus directory holds one folder per source, each with a `labels.jsonl` in the shared label
 * schema (see ../shared/corpus/README.md). Every labeled file is scanned with the real engine
 * (`Scanner` over `allRules`, recommended preset, no project config), under its path on disk as
 * the CLI scans it, so file-kind detection sees `.github/workflows/x.yml`, `main.tf`, `.env` as
 * the editor would, and a file the document references (`file("cert.pem")`) is found beside it. Our findings are turned into label kinds with the table below and matched:
 *
 * - a positive label is found (TP) when a finding that maps to its kind starts within
 *   LINE_TOLERANCE lines of the label's line (or of its `line`..`end_line` range when the source
 *   gives one), or anywhere in the file when the label has no line;
 *   each finding satisfies at most one label, nearest first; otherwise it is missed (FN);
 * - a finding that satisfies no label is a false positive (FP) when the labels of its file speak
 *   about one of its kinds: a negative label of that kind (`any-secret`: any secret kind), or a
 *   positive label of that kind elsewhere in the file. A second finding within tolerance of a label
 *   that is already found is the same secret reported twice: counted neither way, listed apart.
 *   Findings about kinds the file's labels say nothing about are not judged.
 * - negative labels that hold only under the upstream tool's options (`rule_options` with an
 *   allow-list or a switch) are left out and listed, since we scan with our defaults.
 *
 * Output: a table of TP/FP/FN, precision, recall and F1 per corpus and per kind on stdout, and the
 * misses and false positives (file:line, values masked) in `.cache/corpus/details.md` plus the
 * figures in `.cache/corpus/summary.json`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allRules } from '../../rules';
import { maskSecret } from '../../server/src/engine/mask';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';
import type { Category, Finding } from '../../server/src/engine/types';

/** `../shared/corpus` beside the checkout, where CI and the development machines keep it. */
export const DEFAULT_CORPUS = resolve(__dirname, '../../../shared/corpus');
export const LINE_TOLERANCE = 3;

/** Label kinds outside this project's mission (not credentials): never scored. */
export const OUT_OF_SCOPE_KINDS: ReadonlySet<string> = new Set(['homedir-path', 'public-ip', 'aws-account-id']);

/** Label kinds that name a static secret written into a file. */
export const SECRET_KINDS: readonly string[] = [
  'aws-access-key',
  'aws-secret-key',
  'private-key',
  'password',
  'password-in-url',
  'generic-secret',
  'generic-token',
  'generic-api-key',
  'provider-token',
  'jwt',
  'webhook-url',
  'gcp-service-account-key',
  'secret-in-env',
  'dotenv-file',
  'ci-hardcoded-credential',
  'k8s-secret-manifest',
];

/**
 * Which label kinds a finding can satisfy, by our rule category. The corpora's kinds are coarser
 * or finer than our rules in different places (detect-secrets' "keyword" plugin is `password`,
 * secretlint's basic-auth is `password-in-url`, KICS calls an AWS key in a Lambda environment
 * `aws-access-key`), so any secret finding answers any secret label; the line decides which.
 *
 * | our category            | label kinds it satisfies                                              |
 * |-------------------------|-----------------------------------------------------------------------|
 * | `secret`                | every kind in SECRET_KINDS                                            |
 * | `long-lived-credential` | long-lived-access-key, key-rotation, certificate, expired-cert,       |
 * |                         | gcp-service-account-key, missing-expiration                           |
 * | `missing-ttl`           | missing-expiration, long-lived-access-key, key-rotation               |
 * | `fallback`              | the literal a fallback path uses: password, generic-secret,           |
 * |                         | generic-token, generic-api-key, ci-hardcoded-credential, secret-in-env |
 */
export const KINDS_BY_CATEGORY: Readonly<Record<Category, readonly string[]>> = {
  secret: SECRET_KINDS,
  'long-lived-credential': ['long-lived-access-key', 'key-rotation', 'certificate', 'expired-cert', 'gcp-service-account-key', 'missing-expiration'],
  'missing-ttl': ['missing-expiration', 'long-lived-access-key', 'key-rotation'],
  fallback: ['password', 'generic-secret', 'generic-token', 'generic-api-key', 'ci-hardcoded-credential', 'secret-in-env'],
};

/** Per-rule additions where a rule answers kinds beyond its category's. */
export const EXTRA_KINDS_BY_RULE: Readonly<Record<string, readonly string[]>> = {
  // An embedded certificate or a private key beside it is what a `certificate` label points at.
  'sec-private-key': ['certificate'],
  // A legacy token Secret is a credential that never expires.
  'k8s-legacy-sa-token-secret': ['missing-expiration', 'long-lived-access-key', 'k8s-secret-manifest'],
  // Static cloud keys in CI are long-lived access keys, not only secrets.
  'gha-static-aws-keys': ['long-lived-access-key'],
  // A key handed to an instance (user data, provisioners) is what an aws-access-key label on it points at.
  'tf-instance-static-aws-keys': ['aws-access-key', 'long-lived-access-key'],
  // A Secret read into environment variables is what KICS's "secrets as environment variables" labels.
  'k8s-secret-env-var': ['secret-in-env'],
};

/**
 * Rules whose findings claim something no corpus labels, so their category's kinds would be a
 * wrong reading: a secret printed to a job log (the file holds only a `${{ secrets.X }}`
 * reference, which the corpora rightly label as no hardcoded credential), a service-account
 * token mounted by default, a checkout that leaves the job's token in .git/config (no
 * credential in the file at all), and an unguarded break-glass branch (reported on its `if`
 * condition, not on any literal).
 */
export const NO_CORPUS_KINDS: ReadonlySet<string> = new Set(['gha-secret-echoed-to-logs', 'k8s-automount-sa-token', 'gha-checkout-persist-credentials', 'code-break-glass-unguarded']);

export function kindsOf(finding: Pick<Finding, 'ruleId' | 'category'>): ReadonlySet<string> {
  if (NO_CORPUS_KINDS.has(finding.ruleId)) return new Set();
  return new Set([...KINDS_BY_CATEGORY[finding.category], ...(EXTRA_KINDS_BY_RULE[finding.ruleId] ?? [])]);
}

/**
 * `any-secret` (a file expected to hold no hardcoded secret) is contradicted by a finding that
 * claims a secret value in the file: a secret rule's, a fallback's literal, or a rule whose own
 * kinds name one (keys handed to an instance). A long-lived or TTL finding about configuration
 * (a client certificate switched on, a key resource, a missing expiry) claims no value there.
 */
export function satisfies(finding: Pick<Finding, 'ruleId' | 'category'>, kind: string): boolean {
  if (kind === 'any-secret') {
    const claimsValue = finding.category === 'secret' || finding.category === 'fallback' || (EXTRA_KINDS_BY_RULE[finding.ruleId] ?? []).some((k) => SECRET_KINDS.includes(k));
    return claimsValue && [...kindsOf(finding)].some((k) => SECRET_KINDS.includes(k));
  }
  return kindsOf(finding).has(kind);
}

/**
 * Lines between a finding and a label: 0 inside the label's lines. A label covers its `line` up to
 * `end_line` when the source gives one (secretlint, for multi-line findings such as a key file), and
 * when its line opens a block (a resource, a `Properties:` map, an `env {` block, which is where
 * KICS points for a problem inside it) the whole block, up to the next line indented no deeper.
 * A label without a line covers the file.
 */
function distanceTo(label: Label, line: number, lines: readonly string[]): number {
  if (label.line === null) return 0;
  let end = typeof label.end_line === 'number' && label.end_line > label.line ? label.end_line : label.line;
  end = Math.max(end, blockEnd(lines, label.line));
  return line < label.line ? label.line - line : line > end ? line - end : 0;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** The last line of the block opened at 1-based `line`, or `line` when it opens none. */
function blockEnd(lines: readonly string[], line: number): number {
  const opener = lines[line - 1];
  if (opener === undefined || opener.trim() === '') return line;
  const indent = indentOf(opener);
  let last = line;
  let heredoc: string | undefined;
  for (let i = line; i < lines.length; i++) {
    const text = lines[i]!;
    // A heredoc's body (HCL `<<EOT`, shell `<<-EOF`) is part of the block however it is indented.
    if (heredoc !== undefined) {
      if (text.trim() === heredoc) heredoc = undefined;
      continue;
    }
    heredoc = /<<-?[ \t]*["']?(\w+)["']?[ \t]*$/.exec(text)?.[1];
    if (text.trim() === '') continue;
    const closes = /^[\]})]/.test(text.trim());
    if (indentOf(text) < indent || (indentOf(text) === indent && !closes)) break;
    last = i + 1;
    if (indentOf(text) === indent) break; // the closing bracket of a JSON/HCL block
  }
  return last;
}

export interface Label {
  readonly file: string;
  readonly line: number | null;
  readonly kind: string;
  readonly expect: 'positive' | 'negative';
  readonly rule_options?: unknown;
  readonly [extra: string]: unknown;
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

export const emptyTally = (): Tally => ({ tp: 0, fp: 0, fn: 0 });
export const precision = (t: Tally): number => (t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp));
export const recall = (t: Tally): number => (t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn));
export const f1 = (t: Tally): number => {
  const p = precision(t);
  const r = recall(t);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
};

export interface CorpusScore {
  readonly corpus: string;
  readonly total: Tally;
  readonly byKind: Record<string, Tally>;
  readonly misses: string[];
  readonly falsePositives: string[];
  /** Same secret reported again near a label already found; not counted. */
  readonly duplicates: string[];
  /** Negative labels left out because they hold only under the upstream tool's options. */
  readonly conditional: string[];
  /** Labeled files that are missing, skipped or that a rule failed on. */
  readonly problems: string[];
  files: number;
}

/** Long token-like runs in a line, masked the way the engine masks secrets. */
export function maskLine(line: string): string {
  return line
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?')
    .replace(/[A-Za-z0-9+/=_.:@-]{8,400}/g, (run) => (/^[a-z_.:-]+$/i.test(run) ? run : maskSecret(run)))
    .slice(0, 200);
}

function readLabels(dir: string): Label[] {
  return readFileSync(join(dir, 'labels.jsonl'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Label);
}

/** A negative that upstream only expects under a non-default option (an allow-list, a switch turned off). */
function isConditionalNegative(label: Label): boolean {
  return label.expect === 'negative' && Array.isArray(label.rule_options) && label.rule_options.length > 0;
}

let sharedScanner: Scanner | undefined;

export async function scoreCorpus(dir: string, name: string): Promise<CorpusScore> {
  const scanner = (sharedScanner ??= new Scanner(allRules));
  const labels = readLabels(dir).filter((label) => !OUT_OF_SCOPE_KINDS.has(label.kind));
  const byFile = new Map<string, Label[]>();
  for (const label of labels) byFile.set(label.file, [...(byFile.get(label.file) ?? []), label]);

  const total = emptyTally();
  const byKind: Record<string, Tally> = {};
  const kindTally = (kind: string) => (byKind[kind] ??= emptyTally());
  const score: CorpusScore = {
    corpus: name,
    total,
    byKind,
    misses: [],
    falsePositives: [],
    duplicates: [],
    conditional: [],
    problems: [],
    files: 0,
  };

  for (const [file, allFileLabels] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      score.problems.push(`${name}/${file}: labeled file is missing`);
      continue;
    }
    for (const label of allFileLabels.filter(isConditionalNegative)) {
      score.conditional.push(`${name}/${file} ${label.kind}: negative only with ${JSON.stringify(label.rule_options)}`);
    }
    const fileLabels = allFileLabels.filter((label) => !isConditionalNegative(label));
    if (fileLabels.length === 0) continue;
    score.files++;
    // Read as the CLI reads files: text, or a binary file's bytes (key stores).
    const document = ParsedDocument.fromBytes(path, readFileSync(path));
    const lines = document.text.split(/\r?\n/);
    let findings: readonly Finding[];
    try {
      const result = await scanner.scan(document, { rules: {} });
      findings = result.findings;
      if (result.skipped) score.problems.push(`${name}/${file}: skipped (${result.skipped.detail})`);
      if (result.bounded) score.problems.push(`${name}/${file}: bounded (${result.bounded})`);
      for (const failure of result.failures) score.problems.push(`${name}/${file}: ${failure.ruleId} failed: ${failure.message}`);
    } finally {
      document.dispose();
    }
    const lineOf = (finding: Finding) => finding.range.start.line + 1;
    const describe = (finding: Finding) => `${name}/${file}:${lineOf(finding)} ${finding.ruleId}: ${finding.message}`;

    // Positives: nearest-first one-to-one assignment of findings to labels.
    const positives = fileLabels.filter((label) => label.expect === 'positive');
    const pairs: Array<{ label: Label; finding: Finding; distance: number }> = [];
    for (const label of positives) {
      for (const finding of findings) {
        if (!satisfies(finding, label.kind)) continue;
        const distance = distanceTo(label, lineOf(finding), lines);
        if (distance <= LINE_TOLERANCE) pairs.push({ label, finding, distance });
      }
    }
    pairs.sort((a, b) => a.distance - b.distance);
    const found = new Set<Label>();
    const used = new Set<Finding>();
    for (const { label, finding } of pairs) {
      if (found.has(label) || used.has(finding)) continue;
      found.add(label);
      used.add(finding);
    }
    for (const label of positives) {
      if (found.has(label)) {
        total.tp++;
        kindTally(label.kind).tp++;
      } else {
        total.fn++;
        kindTally(label.kind).fn++;
        const shown = label.line === null ? '(no line)' : maskLine(lines[label.line - 1] ?? '');
        const source = [label.rule, label.query, label.plugin, label.case].find((v) => typeof v === 'string') ?? '';
        score.misses.push(`${name}/${file}:${label.line ?? '-'} ${label.kind} [${source}] ${shown.trim()}`);
      }
    }

    // Everything else: duplicates of a found label, false positives, or not judged.
    for (const finding of findings) {
      if (used.has(finding)) continue;
      if (pairs.some((pair) => pair.finding === finding && found.has(pair.label))) {
        score.duplicates.push(describe(finding));
        continue;
      }
      const contradicted =
        fileLabels.find((label) => label.expect === 'negative' && satisfies(finding, label.kind)) ??
        fileLabels.find((label) => label.expect === 'positive' && satisfies(finding, label.kind));
      if (!contradicted) continue;
      total.fp++;
      kindTally(contradicted.kind).fp++;
      score.falsePositives.push(`${describe(finding)} (label: ${contradicted.expect} ${contradicted.kind})`);
    }
  }
  return score;
}

export interface CorpusRun {
  readonly root: string;
  readonly scores: CorpusScore[];
  readonly overall: Tally;
}

/** Every `<source>/labels.jsonl` under `root`, scored. */
export async function scoreCorpora(root: string): Promise<CorpusRun> {
  const names = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'labels.jsonl')))
    .sort();
  const scores: CorpusScore[] = [];
  const overall = emptyTally();
  for (const name of names) {
    const score = await scoreCorpus(join(root, name), name);
    scores.push(score);
    overall.tp += score.total.tp;
    overall.fp += score.total.fp;
    overall.fn += score.total.fn;
  }
  return { root, scores, overall };
}

function row(name: string, t: Tally): string {
  return `| ${name} | ${t.tp} | ${t.fp} | ${t.fn} | ${precision(t).toFixed(3)} | ${recall(t).toFixed(3)} | ${f1(t).toFixed(3)} |`;
}

export function formatTable(run: CorpusRun): string {
  const lines = ['| corpus / kind | TP | FP | FN | precision | recall | F1 |', '|---|---|---|---|---|---|---|'];
  for (const score of run.scores) {
    lines.push(row(`**${score.corpus}**`, score.total));
    for (const kind of Object.keys(score.byKind).sort()) lines.push(row(`${score.corpus} / ${kind}`, score.byKind[kind]!));
  }
  lines.push(row('**all corpora**', run.overall));
  return lines.join('\n');
}

export function formatDetails(run: CorpusRun): string {
  const out: string[] = [`# Corpus score details (${run.root})`, '', formatTable(run), ''];
  for (const score of run.scores) {
    const section = (title: string, items: string[]) => {
      out.push(`## ${score.corpus}: ${title} (${items.length})`, '', ...items.map((item) => `- ${item}`), '');
    };
    section('misses', score.misses);
    section('false positives', score.falsePositives);
    section('duplicate findings (not counted)', score.duplicates);
    section('negatives left out (upstream options)', score.conditional);
    section('problems', score.problems);
  }
  return out.join('\n');
}

export function writeReport(run: CorpusRun, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'details.md'), formatDetails(run));
  const summary = {
    root: run.root,
    overall: { ...run.overall, precision: precision(run.overall), recall: recall(run.overall), f1: f1(run.overall) },
    corpora: Object.fromEntries(
      run.scores.map((score) => [
        score.corpus,
        {
          ...score.total,
          precision: precision(score.total),
          recall: recall(score.total),
          f1: f1(score.total),
          byKind: Object.fromEntries(
            Object.entries(score.byKind).map(([kind, t]) => [kind, { ...t, precision: precision(t), recall: recall(t), f1: f1(t) }]),
          ),
        },
      ]),
    ),
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
}

async function main(): Promise<void> {
  const root = resolve(process.argv[2] ?? DEFAULT_CORPUS);
  if (!existsSync(root)) {
    console.error(`no corpus at ${root}`);
    process.exitCode = 2;
    return;
  }
  const run = await scoreCorpora(root);
  if (run.scores.length === 0) {
    console.error(`no <source>/labels.jsonl under ${root}`);
    process.exitCode = 2;
    return;
  }
  console.log(formatTable(run));
  const outDir = join(__dirname, '..', '..', '.cache', 'corpus');
  writeReport(run, outDir);
  const mapped = new Set(['any-secret', ...Object.values(KINDS_BY_CATEGORY).flat(), ...Object.values(EXTRA_KINDS_BY_RULE).flat()]);
  const unmapped = [...new Set(run.scores.flatMap((score) => Object.keys(score.byKind)))].filter((kind) => !mapped.has(kind));
  if (unmapped.length > 0) console.log(`\nLabel kinds no rule maps to (every positive of them counts as a miss): ${unmapped.join(', ')}`);
  const problems = run.scores.reduce((n, score) => n + score.problems.length, 0);
  if (problems > 0) console.log(`\n${problems} file problem(s) (missing, skipped, rule failures): see the details file`);
  console.log(`\nMisses and false positives (values masked): .cache/corpus/details.md; figures: .cache/corpus/summary.json`);
}

if (require.main === module) void main();
