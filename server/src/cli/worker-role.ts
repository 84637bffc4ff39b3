import { isMainThread, workerData } from 'node:worker_threads';

/** The `workerData.role` of the threads a scan pool starts (scan-pool.ts). */
export const SCAN_WORKER_ROLE = 'nhi-hygiene-scan-worker';

/** True in a thread a scan pool started: it serves its batch instead of running the command line. */
export function isScanWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | undefined)?.role === SCAN_WORKER_ROLE;
}
