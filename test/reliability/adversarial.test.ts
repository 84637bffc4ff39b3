/**
 * Linear time on hostile input. Every rule of the registry is scanned alone (`new Scanner([rule])`,
 * the rule on at severity error) over worst-case documents of its file kind: a single line of up
 * to 1 MiB, long runs of each character its patterns repeat, its keywords pumped, near-miss tokens,
 * deep nesting, its positive fixture repeated, and runs spliced where it reads a value. Each case is
 * timed (CPU time) at 16 KiB, n = 128 KiB and 8n = 1 MiB: time may grow at most 24x per 8x of input
 * (linear is 8x, quadratic 64x), and no scan may take more than 10 s of CPU per MiB. The scans run in
 * child processes under a watchdog, so a scan that never returns fails its rule instead of hanging
 * the suite.
 *
 * NHI_ADVERSARIAL=full widens the set (every keyword, more units, wrapped variants for every rule).
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { DEFAULT_LIMITS } from '../../server/src/engine/config';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';
import type { Rule } from '../../server/src/engine/types';
import { adversarialJobs, directiveJob, kindContext, type Tier } from './support/adversarial-cases';
import { DEFAULT_TIMING, describeOutcome, runScanJobs, throughput, violation, type JobOutcome, type ScanJob } from './support/scan-jobs';

const KIB = 1024;
const SIZES = [16 * KIB, 128 * KIB, 1024 * KIB];
const TIER: Tier = process.env.NHI_ADVERSARIAL === 'full' ? 'full' : 'quick';
const WORKERS = Math.max(1, Math.min(2, availableParallelism()));

/**
 * Runs jobs in up to WORKERS watched scan processes, each rule's jobs in one process (rules dealt
 * out in turn). In the quick tier a rule's remaining cases are skipped once one fails: its test
 * fails either way, and a broken rule should not cost minutes of a normal test run.
 */
async function runParallel(jobs: readonly ScanJob[], failFast = TIER === 'quick'): Promise<JobOutcome[]> {
  const rules = [...new Set(jobs.map((job) => String(job.ruleIds)))];
  const laneOf = new Map(rules.map((rule, index) => [rule, index % WORKERS]));
  const lanes = Array.from({ length: WORKERS }, (_, lane) => jobs.filter((job) => laneOf.get(String(job.ruleIds)) === lane));
  return (await Promise.all(lanes.map((lane) => runScanJobs(lane, { timing: DEFAULT_TIMING, failFast })))).flat();
}

const enabled = (rule: Rule) => ({ rules: { [rule.id]: { severity: 'error' as const } } });
const ruleOf = (outcome: JobOutcome) => (outcome.job.ruleIds === '*' ? 'engine' : outcome.job.ruleIds[0]!);

describe('adversarial input: every rule runs in linear time', () => {
  let outcomes: JobOutcome[] = [];
  let elapsed = 0;

  before(async () => {
    const jobs = [...(TIER === 'quick' ? [directiveJob(SIZES)] : []), ...(await adversarialJobs({ tier: TIER, sizes: SIZES }))];
    const started = Date.now();
    outcomes = await runParallel(jobs);
    elapsed = Date.now() - started;
    assert.equal(outcomes.length, jobs.length, 'every job reported');
  });

  after(() => {
    // The figures for the closing note: slowest rule and its throughput on hostile input.
    const perRule = new Map<string, JobOutcome>();
    for (const outcome of outcomes) {
      const rate = throughput(outcome);
      const current = perRule.get(ruleOf(outcome));
      if (rate !== undefined && (!current || rate < (throughput(current) ?? Infinity))) perRule.set(ruleOf(outcome), outcome);
    }
    const ranked = [...perRule.values()].sort((a, b) => (throughput(a) ?? 0) - (throughput(b) ?? 0));
    const largest = Math.max(0, ...outcomes.flatMap((o) => (o.measurements ?? []).map((m) => m.size)));
    console.log(`# adversarial (${TIER}): ${outcomes.length} cases over ${allRules.length} rules in ${(elapsed / 1000).toFixed(1)} s; largest input ${largest} characters`);
    for (const outcome of ranked.slice(0, 8)) console.log(`#   slowest case of ${ruleOf(outcome)}: ${describeOutcome(outcome)}`);
  });

  it('engine: reading inline directives (every scan does) is linear', () => {
    const mine = outcomes.filter((outcome) => outcome.job.ruleIds === '*');
    if (TIER === 'full') return; // the full tier checks directives per rule
    assert.equal(mine.length, 1);
    const why = violation(mine[0]!);
    assert.equal(why, undefined, `${describeOutcome(mine[0]!)}: ${why}`);
  });

  it('no rule throws on hostile input (an internal error would drop its findings for the file)', () => {
    const thrown = new Map<string, string>();
    for (const outcome of outcomes) for (const failure of outcome.failures ?? []) thrown.set(`${failure.ruleId}: ${failure.message}`, outcome.id);
    assert.deepEqual([...thrown].map(([failure, where]) => `${failure} (in ${where})`), []);
  });

  for (const rule of allRules) {
    it(rule.id, () => {
      const mine = outcomes.filter((outcome) => ruleOf(outcome) === rule.id);
      assert.ok(mine.length > 0, `no adversarial cases for ${rule.id}`);
      const broken = mine.map((outcome) => ({ outcome, why: violation(outcome) })).filter((entry) => entry.why !== undefined);
      assert.deepEqual(
        broken.map(({ outcome, why }) => `${outcome.id}: ${why} ${describeOutcome(outcome)}`),
        [],
        `${rule.id} is not linear on hostile input (path ${mine[0]!.job.recipe.path})`,
      );
    });
  }
});

describe('adversarial input at the engine limits', () => {
  it('scans a worst-case document of exactly the size limit (lines of exactly the line limit) within the cap, for every rule', async () => {
    const size = DEFAULT_LIMITS.maxFileBytes;
    const jobs: ScanJob[] = allRules.map((rule) => {
      const context = kindContext(rule);
      return {
        id: `${rule.id} at ${size} characters`,
        ruleIds: [rule.id],
        // The head ends its line, so every filler line is exactly the limit long.
        recipe: { path: context.path, head: context.blockHead.endsWith('\n') ? context.blockHead : `${context.blockHead}\n`, units: [`${rule.keywords[0] ?? ''}a`], tail: context.blockTail ?? context.tail, lineLength: DEFAULT_LIMITS.maxLineLength, indent: context.indent },
        sizes: [size],
      };
    });
    const results = await runParallel(jobs, false);
    const problems: string[] = [];
    for (const outcome of results) {
      const why = violation(outcome);
      if (why) problems.push(`${outcome.id}: ${why}`);
      if (outcome.skipped) problems.push(`${outcome.id}: skipped (${outcome.skipped}) although it is at, not over, the limit`);
      // A parse given up for time is a reported bound; a line-length bound would be wrong here.
      if (outcome.bounded && /longer than/.test(outcome.bounded)) problems.push(`${outcome.id}: bounded (${outcome.bounded}) although no line is over the limit`);
      const last = outcome.measurements?.[0];
      if (last && last.size !== size) problems.push(`${outcome.id}: built ${last.size} characters, not ${size}`);
    }
    const slowest = [...results].sort((a, b) => (throughput(a) ?? 0) - (throughput(b) ?? 0))[0];
    if (slowest) console.log(`# at the size limit, slowest: ${describeOutcome(slowest)}`);
    assert.deepEqual(problems, []);
  });

  it('skips a document one character over the size limit and says why, for every rule', async () => {
    for (const rule of allRules) {
      const context = kindContext(rule);
      const text = context.lineHead + 'a'.repeat(DEFAULT_LIMITS.maxFileBytes + 1 - context.lineHead.length);
      const result = await new Scanner([rule]).scan(ParsedDocument.of(context.path, text), enabled(rule));
      assert.equal(result.skipped?.reason, 'too-large', `${rule.id}: ${JSON.stringify(result.skipped)}`);
      assert.match(result.skipped!.detail, new RegExp(String(DEFAULT_LIMITS.maxFileBytes)));
    }
  });

  it('runs syntax rules on a line of exactly the line limit and leaves them out, saying so, one character over', async () => {
    const syntaxRules = allRules.filter((rule) => rule.syntax !== undefined);
    assert.ok(syntaxRules.length > 0);
    for (const rule of syntaxRules) {
      const context = kindContext(rule);
      // The line the filler lands on: the head's last line, the filler, the tail's first line.
      const around = context.lineHead.split('\n').pop()!.length + context.tail.split('\n')[0]!.length;
      const pad = (length: number) => context.lineHead + 'a'.repeat(length - around) + context.tail;
      const atLimit = await new Scanner([rule]).scan(ParsedDocument.of(context.path, pad(DEFAULT_LIMITS.maxLineLength)), enabled(rule));
      assert.equal(atLimit.bounded, undefined, `${rule.id}: a ${DEFAULT_LIMITS.maxLineLength}-character line must not bound the scan`);
      const over = await new Scanner([rule]).scan(ParsedDocument.of(context.path, pad(DEFAULT_LIMITS.maxLineLength + 1)), enabled(rule));
      assert.match(over.bounded ?? '', new RegExp(`longer than ${DEFAULT_LIMITS.maxLineLength}`), `${rule.id}: ${JSON.stringify(over)}`);
      assert.deepEqual(over.failures, []);
    }
  });
});
