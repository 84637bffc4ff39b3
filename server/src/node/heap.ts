/**
 * V8 heap sizes for the long-running language server and the CLI's scan workers.
 *
 * Without a limit V8 sizes its heap from the machine's memory (a 4 GiB limit on a 24 GiB machine)
 * and lets the garbage of re-parsing every document version pile up before collecting it: ten
 * edits of a 10,000-line workflow left 190 MB of heap for a live set under 50 MB. Under a 512 MB
 * limit V8 collects early and the same edits peak at about 130 MB. The largest document the engine
 * accepts (2 MiB) needs a fraction of that, so the limit bounds garbage, not work.
 */
export const HEAP_LIMIT_MB = 512;
export const SEMI_SPACE_MB = 4;

/** Node flags for a server process: the VS Code client launches the server with these. */
export const SERVER_EXEC_ARGV: readonly string[] = [`--max-old-space-size=${HEAP_LIMIT_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`];

/** The same limits for a worker thread (the young generation is two semi-spaces and a little more). */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: HEAP_LIMIT_MB, maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } as const;

/** Whether this process was started with an old-space limit, on the command line or in NODE_OPTIONS. */
export function hasHeapLimit(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) => flag.startsWith('--max-old-space-size'));
}
