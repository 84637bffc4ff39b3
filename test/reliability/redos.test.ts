/**
 * ReDoS: every regular expression the scanner runs is checked by the `recheck` analyser.
 *
 * The inventory is static (the TypeScript compiler API over rules/**, excluding fixtures, and
 * server/src/**, plus the compiled rule sources of @secretlint/secretlint-rule-preset-recommend):
 * RegExp literals and `new RegExp(<constant>)`. Our own expressions must be `safe`. An expression
 * built at run time must be one of the known constructions below, each covered by its own check.
 *
 * secretlint's expressions are not ours to change: where recheck calls one unsafe, the test feeds
 * recheck's attack string, scaled to 16 KiB, 128 KiB and 1 MiB, through the real scanner with the
 * rule that wraps it, and requires the scan to stay linear and under the cap, so the exposure is
 * bounded where it matters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostics, VulnerableDiagnostics } from 'recheck';
import { allRules } from '../../rules/index';
import { KeywordIndex } from '../../server/src/engine/keywords';
import { SUPPRESSION_MARKERS } from '../../server/src/engine/suppressions';
import { compileGlob } from '../../server/src/node/glob';
import { DEFAULT_EXCLUDES } from '../../server/src/node/files';
import { RecheckCache, describeDiagnostics } from './support/recheck-cache';
import { ourRegexes, secretlintRegexes, type FoundRegex } from './support/regex-inventory';
import { describeOutcome, runScanJobs, violation, type JobOutcome, type ScanJob } from './support/scan-jobs';

/**
 * Regexes built at run time, by file, and what checks them. A new construction elsewhere fails
 * the inventory test until it is added here with a check.
 */
const KNOWN_DYNAMIC: Record<string, string> = {
  'rules/lib/secretlint-rule.ts': "a rule's `secretPart` recompiled with the `d` flag: the pattern is a literal in rules/*/index.ts, checked there",
  'rules/sec-provider-tokens/index.ts': "a format's pattern made sticky, to try it where its keyword is: the literal is in the same file, checked there",
  'server/src/node/glob.ts': 'globs from configuration: checked below by timing hostile paths against the default excludes and typical patterns',
};

const KIB = 1024;
const SIZES = [16 * KIB, 128 * KIB, 1024 * KIB];

const recheck = new RecheckCache();
const ours = ourRegexes();
const theirs = secretlintRegexes();
const verdicts = new Map<FoundRegex, Diagnostics>();
const label = (regex: FoundRegex) => `${regex.where} /${regex.source.length > 70 ? regex.source.slice(0, 70) + '…' : regex.source}/${regex.flags}`;

before(() => {
  const started = Date.now();
  for (const regex of [...ours.literals, ...theirs.literals]) verdicts.set(regex, recheck.check(regex.source, regex.flags));
  recheck.save();
  console.log(`# recheck: ${verdicts.size} regexes (${ours.literals.length} ours, ${theirs.literals.length} secretlint's) in ${((Date.now() - started) / 1000).toFixed(1)} s; ${recheck.checked} analysed, ${recheck.cached} from the cache`);
});

describe('ReDoS: regex inventory', () => {
  it('finds the regexes of the rules, the engine and secretlint, and every run-time construction is covered', () => {
    assert.ok(ours.literals.length >= 50, `only ${ours.literals.length} regexes found in rules/ and server/src/`);
    assert.ok(theirs.literals.length >= 30, `only ${theirs.literals.length} regexes found in secretlint's preset`);
    assert.ok(ours.literals.some((r) => r.where.startsWith('rules/')) && ours.literals.some((r) => r.where.startsWith('server/src/engine/')));
    // Every secretlint rule we wrap contributes at least one expression.
    const owners = new Set(theirs.literals.map((r) => r.owner));
    const wrapped = allRules.flatMap((rule) => rule.aliases ?? []).filter((alias) => alias.startsWith('@secretlint/'));
    assert.deepEqual(wrapped.filter((alias) => !owners.has(alias)), [], 'secretlint rules without a regex found for them');
    const uncovered = ours.dynamic.filter((entry) => !(entry.where.replace(/:\d+$/, '') in KNOWN_DYNAMIC));
    assert.deepEqual(uncovered.map((entry) => `${entry.where}: ${entry.text}`), [], 'a RegExp built at run time needs a check in KNOWN_DYNAMIC');
  });
});

describe('ReDoS: our regexes are safe', () => {
  for (const regex of ours.literals) {
    it(label(regex), () => {
      const verdict = verdicts.get(regex)!;
      assert.equal(verdict.status, 'safe', `${regex.where} /${regex.source}/${regex.flags} is ${describeDiagnostics(verdict)}`);
    });
  }

  it('the keyword prefilter built from the registry is one automaton step per character, even on text made of keyword fragments', () => {
    const index = new KeywordIndex([...allRules.flatMap((rule) => rule.keywords), ...SUPPRESSION_MARKERS]);
    // Text made only of near-misses keeps the automaton deep in partial matches at every character.
    const fragments = [...index.keywords].map((keyword) => keyword.slice(0, -1));
    let text = '';
    for (let i = 0; text.length < 4 * KIB * KIB; i++) text += fragments[i % fragments.length];
    const work = (chars: string) => {
      const started = process.hrtime.bigint();
      index.find(chars);
      return Number(process.hrtime.bigint() - started);
    };
    work(text.slice(0, 64 * KIB));
    // Linear: four times the text takes about four times as long, never the square.
    const small = Math.min(...[0, 1, 2].map(() => work(text.slice(0, KIB * KIB))));
    const large = Math.min(...[0, 1, 2].map(() => work(text)));
    assert.ok(large / small < 12, `1 MiB ${small / 1e6} ms, 4 MiB ${large / 1e6} ms`);
  });

  it('globs (default excludes and typical patterns) match hostile paths in linear time', () => {
    const patterns = [...DEFAULT_EXCLUDES, '**/*.min.js', 'fixtures/**/secrets/*.env', '*.{js,ts}', 'a*b*c*d', '**', '/build/', '[a-z]*.yaml'];
    const matchers = patterns.map(compileGlob);
    // Long paths of realistic segments (a file system caps a name at 255 bytes, which bounds `*`).
    const segments = (segment: string, n: number) => `${segment}/`.repeat(Math.ceil(n / (segment.length + 1)));
    const hostile = (n: number) => [
      segments('a', n),
      segments('x'.repeat(250), n),
      segments('a*b'.repeat(80), n) + 'd',
      segments('.min'.repeat(60), n) + 'x.jsx',
      segments('node_modules', n) + 'a.min.js',
      segments('fixtures', n) + 'secrets/x.env',
      '/'.repeat(n) + 'x',
    ];
    const time = (n: number) => {
      let best = Infinity;
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = performance.now();
        for (const path of hostile(n)) for (const matcher of matchers) matcher.matches(path, true);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    time(1024);
    const small = time(16 * KIB);
    const large = time(128 * KIB);
    assert.ok(large < 40 || large / Math.max(small, 1) <= 24, `glob matching grew ${(large / Math.max(small, 1)).toFixed(1)}x for 8x longer paths (${small.toFixed(1)} → ${large.toFixed(1)} ms)`);
  });
});

/** recheck's attack, scaled: the first pump repeated to fill the size, the rest as found. */
function attackJobs(regex: FoundRegex, verdict: VulnerableDiagnostics): ScanJob[] {
  const { pumps, suffix } = verdict.attack;
  const [first, ...rest] = pumps;
  if (!first) return [];
  const tail = rest.map((pump) => pump.prefix + pump.pump.repeat(Math.max(1, verdict.attack.base))).join('') + suffix;
  const rule = allRules.find((candidate) => candidate.aliases?.includes(regex.owner ?? ''));
  const ruleIds = rule ? [rule.id] : ('*' as const);
  const keywords = rule ? rule.keywords : [...new Set(allRules.flatMap((candidate) => candidate.keywords))];
  const jobs: ScanJob[] = [
    // The attack as the whole document, the rule's keywords on the first line so it runs.
    { id: `${regex.where} attack after a keyword line`, ruleIds, recipe: { path: 'config/app.env', head: `# ${keywords.join(' ')}\n${first.prefix}`, units: [first.pump], tail }, sizes: SIZES },
  ];
  // Right after the rule's first keyword, where its token patterns start matching.
  if (keywords[0]) jobs.push({ id: `${regex.where} attack glued to '${keywords[0]}'`, ruleIds, recipe: { path: 'config/app.env', head: `${keywords[0]}${first.prefix}`, units: [first.pump], tail }, sizes: SIZES });
  return jobs;
}

describe("ReDoS: secretlint's regexes are safe, or the scanner bounds their attack strings", () => {
  const outcomes = new Map<FoundRegex, JobOutcome[]>();
  const unsafe: string[] = [];

  before(async () => {
    const jobs: Array<{ regex: FoundRegex; job: ScanJob }> = [];
    for (const regex of theirs.literals) {
      const verdict = verdicts.get(regex)!;
      if (verdict.status !== 'vulnerable') continue;
      for (const job of attackJobs(regex, verdict)) jobs.push({ regex, job });
    }
    const results = await runScanJobs(jobs.map((entry) => entry.job));
    for (const result of results) {
      const entry = jobs.find((candidate) => candidate.job === result.job)!;
      outcomes.set(entry.regex, [...(outcomes.get(entry.regex) ?? []), result]);
    }
  });

  after(() => {
    if (unsafe.length === 0) return;
    console.log(`# secretlint regexes recheck does not call safe (${unsafe.length}):`);
    for (const line of unsafe) console.log(`#   ${line}`);
  });

  for (const regex of theirs.literals) {
    it(`${label(regex)} (${regex.owner})`, () => {
      const verdict = verdicts.get(regex)!;
      if (verdict.status === 'safe') return;
      const results = outcomes.get(regex) ?? [];
      const scans = results.map((outcome) => `${describeOutcome(outcome)}${violation(outcome) ? ` FAILS: ${violation(outcome)}` : ''}`);
      unsafe.push(`${regex.where} (${regex.owner}) /${regex.source}/${regex.flags}: ${describeDiagnostics(verdict)}; through the scanner: ${scans.join('; ') || 'not reachable'}`);
      if (verdict.status === 'unknown') return; // recheck gave up (timeout): nothing to pump; the adversarial test covers the rule.
      assert.ok(results.length > 0, 'no attack scan ran');
      const broken = results.map((outcome) => violation(outcome)).filter((why): why is string => why !== undefined);
      assert.deepEqual(broken, [], `recheck: ${describeDiagnostics(verdict)}; the scanner does not bound it: ${scans.join('; ')}`);
    });
  }
});
