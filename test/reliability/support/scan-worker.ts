/**
 * Child-process side of the timing harness: builds each job's documents, scans them with the real
 * engine at growing sizes and reports every measurement over IPC. It runs in its own process so
 * that the test can kill it when one scan never returns (a catastrophic regex or a parser that does
 * not finish cannot be interrupted from inside), and so that process.cpuUsage() measures this
 * scanning alone: CPU time, unlike wall time, does not grow when other work shares the machine.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { allRules } from '../../../rules/index';
import type { EngineConfig } from '../../../server/src/engine/config';
import { ParsedDocument } from '../../../server/src/engine/parsed-document';
import { Scanner } from '../../../server/src/engine/runner';
import type { Rule } from '../../../server/src/engine/types';
import { buildDocument } from './recipes';
import { MIN_STEP, allowedRatio, budgetBounded, capMs, comparable, type JobResult, type ScanJob, type TimingOptions, type WorkerInput, type WorkerMessage } from './scan-jobs';

let input: WorkerInput;
const post = (message: WorkerMessage) => process.send!(message);
const byId = new Map(allRules.map((rule) => [rule.id, rule]));
/** Rules that already broke the property in this run (fail-fast skips their remaining cases). */
const failedRules = new Set<string>();

// A full collection before each large measurement, so one case does not pay for the last one's garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function rulesOf(job: ScanJob): Rule[] {
  if (job.ruleIds === '*') return [...allRules];
  return job.ruleIds.map((id) => {
    const rule = byId.get(id);
    if (!rule) throw new Error(`no rule ${id}`);
    return rule;
  });
}

function configOf(job: ScanJob, rules: readonly Rule[]): EngineConfig {
  // Every rule on, whatever its preset, so opt-in rules face the same inputs.
  return job.config ?? { rules: Object.fromEntries(rules.map((rule) => [rule.id, { severity: 'error' as const }])) };
}

/**
 * One measurement, in CPU time. Noise only ever adds time, so a slow small size can only hide
 * growth, and a slow large size is re-measured before it counts as a failure (see runJob).
 */
async function measure(index: number, job: ScanJob, scanner: Scanner, config: EngineConfig, size: number) {
  const text = buildDocument(job.recipe, size);
  if (size >= 256 * 1024) collectGarbage();
  post({ type: 'begin', job: index, size: text.length });
  const started = process.cpuUsage();
  const document = ParsedDocument.of(job.recipe.path, text);
  try {
    const result = await scanner.scan(document, config);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    const budget = budgetBounded(result.bounded);
    post({ type: 'measured', job: index, size: text.length, ms, ...(budget ? { budget } : {}) });
    return { ms, size: text.length, result, budget };
  } finally {
    document.dispose();
  }
}

async function runJob(index: number, job: ScanJob): Promise<JobResult> {
  const rules = rulesOf(job);
  const scanner = new Scanner(rules);
  const config = configOf(job, rules);
  const { floorMs, maxRatio, capMsPerMiB, warmupSize } = input.options;
  // JIT warm-up on a small document of the same shape; not measured.
  await measure(index, job, scanner, config, warmupSize);
  const measurements: JobResult['measurements'] = [];
  let last: Awaited<ReturnType<typeof measure>> | undefined;
  let stoppedEarly: string | undefined;
  for (const size of job.sizes) {
    last = await measure(index, job, scanner, config, size);
    measurements.push({ size: last.size, ms: last.ms, ...(last.budget ? { budget: true } : {}) });
    const cap = capMs({ capMsPerMiB } as TimingOptions, last.size);
    if (last.ms > cap && last.ms > floorMs) {
      // One more try in case the machine was busy.
      const again = await measure(index, job, scanner, config, size);
      measurements[measurements.length - 1] = { size: again.size, ms: Math.min(last.ms, again.ms), ...(again.budget ? { budget: true } : {}) };
      if (again.ms > cap) {
        stoppedEarly = `${again.size} characters took ${Math.round(Math.min(last.ms, again.ms))} ms, over the ${Math.round(cap)} ms cap`;
        break;
      }
    }
    // Against every smaller size measured so far (n and 8n, and the steps between).
    const large = measurements[measurements.length - 1]!;
    for (let i = 0; i < measurements.length - 1 && !stoppedEarly; i++) {
      const small = measurements[i]!;
      if (large.size < MIN_STEP * small.size || !comparable(small, large)) continue;
      const allowed = allowedRatio(maxRatio, small.size, large.size);
      const ratio = large.ms / Math.max(small.ms, 1);
      if (large.ms < floorMs || ratio <= allowed) continue;
      // Close to the bound: re-measure both sizes and keep the fastest of each before calling it
      // superlinear (a busy machine). Far beyond it, one measurement is enough.
      for (let attempt = 0; attempt < (ratio > 2 * allowed && large.ms > 1000 ? 0 : 2); attempt++) {
        small.ms = Math.min(small.ms, (await measure(index, job, scanner, config, job.sizes[i]!)).ms);
        large.ms = Math.min(large.ms, (await measure(index, job, scanner, config, job.sizes[measurements.length - 1]!)).ms);
      }
      if (large.ms >= floorMs && large.ms / Math.max(small.ms, 1) > allowed) {
        stoppedEarly = `time grew ${(large.ms / Math.max(small.ms, 1)).toFixed(1)}x from ${small.size} to ${large.size} characters (allowed ${allowed.toFixed(1)}x)`;
      }
    }
    if (stoppedEarly) break;
  }
  const result = last!.result;
  const failures = [...new Map(result.failures.map((failure) => [failure.ruleId + failure.message, failure])).values()];
  return {
    id: job.id,
    measurements,
    ...(stoppedEarly ? { stoppedEarly } : {}),
    findings: result.findings.length,
    failures,
    ...(result.bounded ? { bounded: result.bounded } : {}),
    ...(result.skipped ? { skipped: `${result.skipped.reason}: ${result.skipped.detail}` } : {}),
  };
}

process.once('message', (message: WorkerInput) => {
  input = message;
  for (const id of input.skipRules) failedRules.add(id);
  void run();
});

async function run(): Promise<void> {
  for (let index = input.startAt; index < input.jobs.length; index++) {
    const job = input.jobs[index]!;
    const rules = job.ruleIds === '*' ? [] : job.ruleIds;
    if (input.failFast && rules.some((id) => failedRules.has(id))) {
      post({ type: 'result', job: index, result: { id: job.id, measurements: [], findings: 0, failures: [], notRun: 'an earlier case of this rule already failed' } });
      continue;
    }
    try {
      const result = await runJob(index, job);
      if (result.stoppedEarly) for (const id of rules) failedRules.add(id);
      post({ type: 'result', job: index, result });
    } catch (error) {
      post({ type: 'error', job: index, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  post({ type: 'idle' });
}
