/**
 * Test side of the timing harness: runs scan jobs in a child process and watches it. Times are CPU
 * time of that process (see scan-worker.ts). A scan that does not finish within its deadline (wall
 * time) is recorded as timed out, the process is killed (which stops regexes and WebAssembly
 * parsers alike) and a fresh one resumes with the next job, so one catastrophic input fails its
 * test instead of hanging the suite.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EngineConfig } from '../../../server/src/engine/config';
import type { RuleFailure } from '../../../server/src/engine/runner';
import type { Recipe } from './recipes';

export interface ScanJob {
  readonly id: string;
  /** Rules the scanner is built with; `*` for the whole registry. */
  readonly ruleIds: readonly string[] | '*';
  readonly recipe: Recipe;
  /** Ascending sizes in characters; consecutive sizes are compared. */
  readonly sizes: readonly number[];
  /** Defaults to every rule of the job on at severity error. */
  readonly config?: EngineConfig;
}

export interface TimingOptions {
  /** Scans faster than this are repeated (best of three) and too noisy to compare. */
  readonly floorMs: number;
  /** Largest acceptable growth for an 8x larger input (linear is 8, quadratic 64). */
  readonly maxRatio: number;
  /** Absolute cap: milliseconds allowed per MiB of input. */
  readonly capMsPerMiB: number;
  readonly warmupSize: number;
}

export const DEFAULT_TIMING: TimingOptions = { floorMs: 100, maxRatio: 24, capMsPerMiB: 10_000, warmupSize: 2048 };

export interface JobResult {
  readonly id: string;
  /** CPU milliseconds per size; `budget` when the engine gave up a parse for time (a bounded scan). */
  readonly measurements: Array<{ size: number; ms: number; budget?: boolean }>;
  /** Why the size ladder stopped before its end: the property failed. */
  readonly stoppedEarly?: string;
  /** Findings, failures, bounded/skipped notes of the last scan. */
  readonly findings: number;
  readonly failures: readonly RuleFailure[];
  readonly bounded?: string;
  readonly skipped?: string;
  /** Set when fail-fast skipped the job. */
  readonly notRun?: string;
}

export interface JobOutcome extends Partial<JobResult> {
  readonly id: string;
  readonly job: ScanJob;
  /** Set when the watchdog killed a scan. */
  readonly timedOut?: { readonly size: number; readonly afterMs: number };
  readonly error?: string;
}

export interface WorkerInput {
  readonly jobs: readonly ScanJob[];
  readonly startAt: number;
  readonly options: TimingOptions;
  /** Skip the remaining cases of a rule once one has failed (the rule's test fails either way). */
  readonly failFast: boolean;
  readonly skipRules: readonly string[];
}

export type WorkerMessage =
  | { type: 'begin'; job: number; size: number }
  | { type: 'measured'; job: number; size: number; ms: number; budget?: boolean }
  | { type: 'result'; job: number; result: JobResult }
  | { type: 'error'; job: number; message: string }
  | { type: 'idle' };

/** True when the engine left syntax rules out because a parse ran over its time budget. */
export function budgetBounded(bounded: string | undefined): boolean {
  return bounded !== undefined && /in time|budget/i.test(bounded);
}

/**
 * Whether two measurements say something about growth: not when the engine gave up a parse for
 * time in one and not the other (different work), and not from a baseline of a few milliseconds
 * (timer and scheduling noise) unless the larger scan took over a second.
 */
export function comparable(small: { ms: number; budget?: boolean }, large: { ms: number; budget?: boolean }): boolean {
  if ((small.budget === true) !== (large.budget === true)) return false;
  return small.ms >= 5 || large.ms >= 1000;
}

/** Sizes closer than this are not compared: a 2x step is too short to tell growth from noise. */
export const MIN_STEP = 4;

/** The ratio allowed between two sizes: `maxRatio` for an 8x step, scaled for other steps. */
export function allowedRatio(maxRatio: number, small: number, large: number): number {
  return Math.pow(maxRatio, Math.log(large / small) / Math.log(8));
}

/** The absolute cap for one scan: a fixed allowance plus `capMsPerMiB` per MiB. */
export function capMs(options: Pick<TimingOptions, 'capMsPerMiB'>, size: number): number {
  return 500 + (options.capMsPerMiB * size) / 1048576;
}

/**
 * How long (wall time) one scan of `size` characters may take before the watchdog kills it: about
 * twice what the CPU-time cap allows (other work may share the machine), and after a smaller scan
 * of the same job, about four times what quadratic growth from it would take, so a superlinear case
 * fails in seconds instead of running for minutes.
 */
export function deadlineMs(options: TimingOptions, size: number, previous?: { size: number; ms: number }): number {
  const cap = 2_000 + 2 * capMs(options, size);
  if (!previous || previous.size >= size) return cap;
  const quadratic = previous.ms * (size / previous.size) ** 2;
  return Math.min(cap, Math.max(3_000, 4 * quadratic));
}

const WORKER = join(__dirname, 'scan-worker.ts');
const BOOTSTRAP = join(__dirname, 'scan-worker-bootstrap.cjs');

function startWorker(input: WorkerInput): ChildProcess {
  const child = fork(BOOTSTRAP, [WORKER], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  child.send(input);
  return child;
}

export interface RunOptions {
  readonly timing?: TimingOptions;
  readonly failFast?: boolean;
  readonly onOutcome?: (outcome: JobOutcome) => void;
}

export async function runScanJobs(jobs: readonly ScanJob[], run: RunOptions = {}): Promise<JobOutcome[]> {
  const options = run.timing ?? DEFAULT_TIMING;
  const outcomes: JobOutcome[] = [];
  const failed = new Set<string>();
  const record = (outcome: JobOutcome) => {
    outcomes.push(outcome);
    if (outcome.job.ruleIds !== '*' && violation(outcome, options)) for (const id of outcome.job.ruleIds) failed.add(id);
    run.onOutcome?.(outcome);
  };
  let startAt = 0;
  while (startAt < jobs.length) {
    startAt = await new Promise<number>((resolve) => {
      const thread = startWorker({ jobs, startAt, options, failFast: run.failFast === true, skipRules: [...failed] });
      {
        let timer: NodeJS.Timeout | undefined;
        let current = startAt;
        /** Measurements of the current job so far (kept for a job the watchdog kills). */
        let partial: Array<{ size: number; ms: number; budget?: boolean }> = [];
        let settled = false;
        const finish = (next: number) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          thread.kill('SIGKILL');
          resolve(next);
        };
        thread.on('message', (message: WorkerMessage) => {
          if (message.type === 'begin') {
            if (message.job !== current) partial = [];
            current = message.job;
            clearTimeout(timer);
            const began = Date.now();
            const previous = [...partial].reverse().find((m) => m.size < message.size);
            const limit = deadlineMs(options, message.size, previous);
            timer = setTimeout(() => {
              record({ id: jobs[current]!.id, job: jobs[current]!, measurements: partial, timedOut: { size: message.size, afterMs: Date.now() - began } });
              finish(current + 1);
            }, limit);
          } else if (message.type === 'measured') {
            clearTimeout(timer);
            if (message.job !== current) partial = [];
            current = message.job;
            partial.push({ size: message.size, ms: message.ms, ...(message.budget ? { budget: true } : {}) });
          } else if (message.type === 'result') {
            clearTimeout(timer);
            record({ ...message.result, job: jobs[message.job]! });
          } else if (message.type === 'error') {
            clearTimeout(timer);
            record({ id: jobs[message.job]!.id, job: jobs[message.job]!, error: message.message });
          } else {
            finish(jobs.length);
          }
        });
        thread.on('error', (error) => {
          if (settled) return;
          record({ id: jobs[current]!.id, job: jobs[current]!, error: `scan process failed: ${error.stack ?? error.message}` });
          finish(current + 1);
        });
        thread.on('exit', (code, signal) => {
          if (settled) return;
          // Out of memory or a crash inside a parser: the job that was running fails, the rest go on.
          record({ id: jobs[current]!.id, job: jobs[current]!, error: `scan process exited (code ${code}, signal ${signal}) during this job` });
          finish(current + 1);
        });
      }
    });
  }
  return outcomes;
}

/** Throughput of the largest measured scan, in MB/s (10^6 characters per second). */
export function throughput(outcome: JobOutcome): number | undefined {
  const last = outcome.measurements?.[outcome.measurements.length - 1];
  if (!last) return undefined;
  return last.size / 1e6 / (Math.max(last.ms, 0.01) / 1000);
}

/** Why an outcome breaks the linear-time property, or undefined when it holds. */
export function violation(outcome: JobOutcome, options: TimingOptions = DEFAULT_TIMING): string | undefined {
  if (outcome.notRun) return undefined;
  if (outcome.error) return `error: ${outcome.error.split('\n')[0]}`;
  if (outcome.timedOut) return `a scan of ${outcome.timedOut.size} characters did not finish in ${outcome.timedOut.afterMs} ms (killed)`;
  if (outcome.stoppedEarly) return outcome.stoppedEarly;
  const measurements = outcome.measurements ?? [];
  if (measurements.length < outcome.job.sizes.length) return `only ${measurements.length} of ${outcome.job.sizes.length} sizes measured`;
  for (let j = 1; j < measurements.length; j++) {
    for (let i = 0; i < j; i++) {
      const small = measurements[i]!;
      const large = measurements[j]!;
      if (large.size < MIN_STEP * small.size || !comparable(small, large)) continue;
      const allowed = allowedRatio(options.maxRatio, small.size, large.size);
      if (large.ms >= options.floorMs && large.ms / Math.max(small.ms, 1) > allowed) {
        return `time grew ${(large.ms / Math.max(small.ms, 1)).toFixed(1)}x from ${small.size} to ${large.size} characters (allowed ${allowed.toFixed(1)}x)`;
      }
    }
  }
  return undefined;
}

export function describeOutcome(outcome: JobOutcome): string {
  const times = (outcome.measurements ?? []).map((m) => `${Math.round(m.size / 1024)}K:${m.ms.toFixed(0)}ms${m.budget ? '(parse given up)' : ''}`).join(' ');
  const mbps = throughput(outcome);
  return `${outcome.id} [${times}]${mbps !== undefined ? ` ${mbps.toFixed(2)} MB/s` : ''}`;
}
