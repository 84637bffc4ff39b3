import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import type { EngineConfig } from '../engine/config';
import { ParsedDocument } from '../engine/parsed-document';
import type { ScanResult, Scanner } from '../engine/runner';
import type { Finding } from '../engine/types';
import { readForScan, readLimitsFor } from '../node/files';
import { WORKER_RESOURCE_LIMITS } from '../node/heap';
import { SCAN_WORKER_ROLE } from './worker-role';

/** One file to scan, with the configuration that applies to it. */
export interface FileJob {
  readonly absolute: string;
  /** Content that does not come from disk (`--staged` reads the index). */
  readonly bytes?: Uint8Array;
  readonly config: EngineConfig;
}

export type FileOutcome = { readonly result: ScanResult; readonly fixTitles: FixTitles } | { readonly unreadable: string };

/** The title of the fix the editor would offer first, by finding fingerprint (unique in a file). */
export type FixTitles = Readonly<Record<string, string>>;

/**
 * Reads (unless given) and scans one file: the one path every lane, in-process or worker, takes.
 * Fix titles for the report are worked out here too, on the document just scanned: the content
 * is the one the findings came from (the index, for `--staged`) and nothing is parsed twice.
 */
export async function scanFile(scanner: Scanner, job: FileJob): Promise<FileOutcome> {
  let bytes = job.bytes;
  if (bytes === undefined) {
    const read = readForScan(job.absolute, readLimitsFor(scanner, job.config));
    if ('skipped' in read) {
      if (read.skipped.reason === 'unreadable') return { unreadable: read.skipped.detail };
      return { result: { findings: [], suppressed: [], notices: [], failures: [], skipped: { reason: read.skipped.reason, detail: read.skipped.detail } }, fixTitles: {} };
    }
    bytes = read.bytes;
  }
  const document = ParsedDocument.fromBytes(job.absolute, bytes);
  try {
    const result = await scanner.scan(document, job.config);
    return { result, fixTitles: preferredFixTitles(scanner, document, result.findings, job.config) };
  } finally {
    document.dispose();
  }
}

function preferredFixTitles(scanner: Scanner, document: ParsedDocument, findings: readonly Finding[], config: EngineConfig): FixTitles {
  const titles: Record<string, string> = {};
  for (const finding of findings) {
    if (!finding.fixable) continue;
    try {
      const fixes = scanner.fixes(document, finding, config);
      const title = (fixes.find((fix) => fix.isPreferred) ?? fixes[0])?.title;
      if (title !== undefined) titles[finding.fingerprint] = title;
    } catch {
      // A fix that cannot be built is not offered; the finding is still reported.
    }
  }
  return titles;
}

/**
 * Below this many files a scan stays on one thread: starting a worker (loading the bundle,
 * compiling the grammars again) costs more than it saves, and pre-commit runs are this small.
 */
export const MIN_FILES_FOR_WORKERS = 64;

/** How many threads a scan of `files` files uses: `--jobs`, else one per CPU, never more than useful. */
export function threadCount(files: number, requested: number | undefined): number {
  const wanted = requested ?? availableParallelism();
  if (wanted <= 1 || files < MIN_FILES_FOR_WORKERS) return 1;
  return Math.max(1, Math.min(wanted, Math.floor(files / (MIN_FILES_FOR_WORKERS / 2))));
}

/**
 * Workers run this same bundle, loaded by `cli.js` beside it through the V8 code cache the main
 * thread uses (bin.ts): compiling the bundle afresh kept a worker from its first file for a few
 * hundred milliseconds of a scan. From TypeScript sources (tests under tsx) there is no bundle.
 */
function workerEntry(): string | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  const loader = join(__dirname, 'cli.js');
  return existsSync(loader) ? loader : __filename;
}

/** A file as sent to a worker: its configuration by index into the batch's list. */
interface WorkerJob {
  readonly absolute: string;
  readonly bytes?: Uint8Array;
  readonly configIndex: number;
}

/** The one message a worker receives: every file of the scan, and the counter all lanes take files from. */
interface Batch {
  readonly jobs: readonly WorkerJob[];
  readonly configs: readonly EngineConfig[];
  readonly next: SharedArrayBuffer;
}

type WorkerMessage = { readonly index: number; readonly outcome: FileOutcome } | { readonly index: number; readonly error: string } | { readonly done: true };

/** How long this thread scans before it lets the workers' answers in (progress, and their memory). */
const YIELD_EVERY_MS = 20;

/**
 * The threads of one scan: this one plus worker threads running the same bundle, each with its own
 * `Scanner` over the same rule registry.
 *
 * Every lane takes its next file from one shared counter, so none waits for another to hand it
 * work, and a slow file holds up one lane only. Outcomes are kept by file index, so the report is
 * the same whatever the thread count.
 */
export class ScanPool {
  private constructor(
    private readonly scanner: Scanner,
    private readonly workers: readonly Worker[],
  ) {}

  /**
   * Starts the workers at once: they load the bundle while this thread is still listing and
   * configuring the files, instead of after.
   */
  static start(scanner: Scanner, threads: number): ScanPool {
    const entry = workerEntry();
    const workers: Worker[] = [];
    if (entry) {
      for (let i = 1; i < threads; i++) workers.push(new Worker(entry, { workerData: { role: SCAN_WORKER_ROLE }, resourceLimits: WORKER_RESOURCE_LIMITS }));
    }
    return new ScanPool(scanner, workers);
  }

  async scan(jobs: readonly FileJob[], onDone?: (done: number, total: number) => void): Promise<FileOutcome[]> {
    const outcomes = new Array<FileOutcome | undefined>(jobs.length);
    let done = 0;
    const finished = () => onDone?.(++done, jobs.length);
    const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

    const configIndex = new Map<EngineConfig, number>();
    const workerJobs = jobs.map((job): WorkerJob => {
      let index = configIndex.get(job.config);
      if (index === undefined) configIndex.set(job.config, (index = configIndex.size));
      return { absolute: job.absolute, configIndex: index, ...(job.bytes !== undefined ? { bytes: job.bytes } : {}) };
    });
    const batch: Batch = { jobs: workerJobs, configs: [...configIndex.keys()], next: next.buffer as SharedArrayBuffer };
    // A file a worker could not scan, or held when it failed (out of memory, a crash in a grammar),
    // is left without an outcome; this thread scans those at the end.
    const workersDone = this.workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          worker.on('message', (message: WorkerMessage) => {
            if ('done' in message) resolve();
            else if ('outcome' in message) {
              outcomes[message.index] = message.outcome;
              finished();
            }
          });
          worker.once('error', () => resolve());
          worker.once('exit', () => resolve());
          worker.postMessage(batch);
        }),
    );

    // Loading runs as macrotasks, which a busy scan starves: on an idle thread the grammars a
    // pre-commit run needs load in about 25 ms; started as the first file that needs one is met,
    // they waited 50 ms and more for their turns.
    await this.scanner.preloadGrammars(jobs.map((job) => job.absolute));
    let yielded = performance.now();
    for (let index = Atomics.add(next, 0, 1); index < jobs.length; index = Atomics.add(next, 0, 1)) {
      outcomes[index] = await scanFile(this.scanner, jobs[index]!);
      finished();
      if (this.workers.length > 0 && performance.now() - yielded > YIELD_EVERY_MS) {
        await new Promise(setImmediate);
        yielded = performance.now();
      }
    }
    await Promise.all(workersDone);
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome !== undefined) continue;
      outcomes[index] = await scanFile(this.scanner, jobs[index]!);
      finished();
    }
    return outcomes as FileOutcome[];
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** A worker's side: takes files from the shared counter until none are left, answering each. */
export function serveScanRequests(scanner: Scanner): void {
  parentPort?.once('message', async (batch: Batch) => {
    const next = new Int32Array(batch.next);
    await scanner.preloadGrammars(batch.jobs.map((job) => job.absolute));
    for (let index = Atomics.add(next, 0, 1); index < batch.jobs.length; index = Atomics.add(next, 0, 1)) {
      const { configIndex, ...job } = batch.jobs[index]!;
      try {
        const outcome = await scanFile(scanner, { ...job, config: batch.configs[configIndex]! });
        parentPort?.postMessage({ index, outcome } satisfies WorkerMessage);
      } catch (error) {
        parentPort?.postMessage({ index, error: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
      }
    }
    parentPort?.postMessage({ done: true } satisfies WorkerMessage);
  });
}
