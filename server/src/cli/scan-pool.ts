import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { EngineConfig } from '../engine/config';
import { ParsedDocument } from '../engine/parsed-document';
import type { ScanResult, Scanner } from '../engine/runner';
import type { Finding } from '../engine/types';
import { readForScan, readLimitsFor } from '../node/files';
import { WORKER_RESOURCE_LIMITS } from '../node/heap';

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
const WORKER_ROLE = 'nhi-hygiene-scan-worker';

/** How many threads a scan of `files` files uses: `--jobs`, else one per CPU, never more than useful. */
export function threadCount(files: number, requested: number | undefined): number {
  const wanted = requested ?? availableParallelism();
  if (wanted <= 1 || files < MIN_FILES_FOR_WORKERS) return 1;
  return Math.max(1, Math.min(wanted, Math.floor(files / (MIN_FILES_FOR_WORKERS / 2))));
}

/** Workers load this same bundle; from TypeScript sources (tests under tsx) there is no bundle to load. */
function workerEntry(): string | undefined {
  return __filename.endsWith('.js') ? __filename : undefined;
}

interface Request {
  readonly id: number;
  readonly job: Omit<FileJob, 'config'>;
  readonly configId: number;
  /** Sent with the first job that uses it; workers keep it by id afterwards. */
  readonly config?: EngineConfig;
}

type Response = { readonly id: number; readonly outcome: FileOutcome } | { readonly id: number; readonly error: string };

/** A worker, the configurations it has already been sent, and the requests it has not answered. */
interface WorkerLane {
  readonly worker: Worker;
  readonly knownConfigs: Set<number>;
  readonly pending: Map<number, { resolve(outcome: FileOutcome): void; reject(error: Error): void }>;
}

/**
 * Requests kept in flight per worker, so that it starts its next file while this thread, busy
 * with a file of its own, has not yet read the previous answer.
 */
const REQUESTS_IN_FLIGHT = 32;

/**
 * Scans files on `threads` lanes: this thread plus worker threads running the same bundle, each
 * with its own `Scanner` over the same rule registry. Lanes pull the next file when they are free,
 * so a slow file holds up one lane only; outcomes come back in job order, so the report is the
 * same whatever the thread count.
 */
export async function scanFiles(
  scanner: Scanner,
  jobs: readonly FileJob[],
  threads: number,
  onDone?: (done: number, total: number) => void,
): Promise<FileOutcome[]> {
  const outcomes = new Array<FileOutcome>(jobs.length);
  const entry = workerEntry();
  const lanes: WorkerLane[] = [];
  if (entry) {
    for (let i = 1; i < threads; i++) {
      lanes.push({ worker: new Worker(entry, { workerData: { role: WORKER_ROLE }, resourceLimits: WORKER_RESOURCE_LIMITS }), knownConfigs: new Set(), pending: new Map() });
    }
  }
  const configIds = new Map<string, number>();
  let next = 0;
  let done = 0;
  const finished = () => onDone?.(++done, jobs.length);

  const runInWorker = (lane: WorkerLane, index: number): Promise<FileOutcome> => {
    const { config: jobConfig, ...job } = jobs[index]!;
    const key = JSON.stringify(jobConfig);
    let configId = configIds.get(key);
    if (configId === undefined) configIds.set(key, (configId = configIds.size));
    const fresh = !lane.knownConfigs.has(configId);
    lane.knownConfigs.add(configId);
    const request: Request = { id: index, job, configId, ...(fresh ? { config: jobConfig } : {}) };
    return new Promise((resolve, reject) => {
      lane.pending.set(index, { resolve, reject });
      lane.worker.postMessage(request);
    });
  };

  for (const lane of lanes) {
    const failAll = (error: Error) => {
      for (const pending of lane.pending.values()) pending.reject(error);
      lane.pending.clear();
    };
    lane.worker.on('message', (response: Response) => {
      const pending = lane.pending.get(response.id);
      lane.pending.delete(response.id);
      if ('error' in response) pending?.reject(new Error(response.error));
      else pending?.resolve(response.outcome);
    });
    lane.worker.on('error', failAll);
    lane.worker.on('exit', (code) => failAll(new Error(`scan worker exited with code ${code}`)));
  }

  // Loading runs as macrotasks, which a busy scan starves: on an idle thread the grammars a
  // pre-commit run needs load in about 25 ms; started as the first file that needs one is met,
  // they waited 50 ms and more for their turns.
  await scanner.preloadGrammars(jobs.map((job) => job.absolute));
  const drainHere = async () => {
    while (next < jobs.length) {
      const index = next++;
      outcomes[index] = await scanFile(scanner, jobs[index]!);
      finished();
      // A scan that needs no grammar resolves without leaving the microtask queue; yield so the
      // workers' replies (macrotasks) are read and they get their next file.
      if (lanes.length > 0) await new Promise(setImmediate);
    }
  };
  // A worker that fails (out of memory, a crash in a grammar) hands its files back to this thread
  // and takes no more: the scan finishes, one lane short.
  const failed = new Set<WorkerLane>();
  const drainWorker = async (lane: WorkerLane) => {
    while (next < jobs.length && !failed.has(lane)) {
      const index = next++;
      try {
        outcomes[index] = await runInWorker(lane, index);
      } catch {
        failed.add(lane);
        outcomes[index] = await scanFile(scanner, jobs[index]!);
        finished();
        return;
      }
      finished();
    }
  };
  try {
    const workerLoops = lanes.flatMap((lane) => Array.from({ length: REQUESTS_IN_FLIGHT }, () => drainWorker(lane)));
    await Promise.all([drainHere(), ...workerLoops]);
  } finally {
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }
  return outcomes;
}

/** True in a thread started by `scanFiles`; the bundle's entry point then serves scan requests instead of the CLI. */
export function isScanWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | undefined)?.role === WORKER_ROLE;
}

export function serveScanRequests(scanner: Scanner): void {
  const configs = new Map<number, EngineConfig>();
  // One file at a time, in the order sent: requests queue up here rather than interleave.
  let queue = Promise.resolve();
  parentPort?.on('message', (request: Request) => {
    if (request.config) configs.set(request.configId, request.config);
    const job: FileJob = { ...request.job, config: configs.get(request.configId) ?? { rules: {} } };
    queue = queue.then(() => scanFile(scanner, job)).then(
      (outcome) => parentPort?.postMessage({ id: request.id, outcome } satisfies Response),
      (error: unknown) => parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies Response),
    );
  });
}
