import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { hasHeapLimit, SERVER_EXEC_ARGV } from './heap';

/** Set in the child, so it never starts another. */
export const RELAUNCHED = 'NHI_HYGIENE_RELAUNCHED';

/**
 * Runs `script` again in a child Node with the server's heap limits (SERVER_EXEC_ARGV), on the same
 * stdio, forwarding SIGINT and SIGTERM; resolves to the child's exit code (`failureCode` when it
 * cannot start or dies of a signal).
 */
export function relaunchWithHeapLimit(script: string, argv: readonly string[], env: NodeJS.ProcessEnv, failureCode: number): Promise<number> {
  const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, ...process.execArgv, script, ...argv], { stdio: 'inherit', env: relaunchedEnv(env) });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', () => resolve(failureCode));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? failureCode : 0)));
  });
}

/**
 * The child's environment: the parent's, marked as relaunched, and with glibc's malloc held to two
 * arenas unless the user chose a number. glibc gives each thread that contends for the heap an
 * arena of its own (up to eight per core), and a scan's threads (the scan workers, V8's compiler
 * and GC helpers) each held on to memory freed in theirs (file buffers, V8's off-heap allocations):
 * on the bench's 98 MB tree the CLI peaked at 203-212 MB with the default and 185-193 MB with two
 * arenas, in the same time. A single-threaded language server measured the same either way. Other
 * C libraries ignore the variable.
 */
export function relaunchedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...env, [RELAUNCHED]: '1' };
}

/**
 * Whether a CLI run should start again under the heap limits. Scans of a tree read thousands of
 * files, and under Node's default young generation the garbage of decoding and matching them took
 * the process past 200 MB (216 MB on the bench's 93 MB tree); with the language server's heap
 * flags the same scan peaks at 185 MB, for the price of one Node start (about 40 ms) before the
 * bundle is loaded. So a scan or baseline with a directory argument, or none (the default is
 * `.`), relaunches; `--staged` runs and lists of files, as pre-commit hooks pass, are mostly
 * start-up and stay in the process.
 */
export function scanWantsHeapLimit(argv: readonly string[], env: NodeJS.ProcessEnv, execArgv: readonly string[] = process.execArgv): boolean {
  if (argv[0] !== 'scan' && argv[0] !== 'baseline') return false;
  if (argv.includes('--staged') || env[RELAUNCHED] !== undefined || hasHeapLimit(execArgv, env.NODE_OPTIONS ?? '')) return false;
  // Option values are looked at too: a config or baseline file alone counts as a file argument.
  const kinds = argv.slice(1).filter((arg) => !arg.startsWith('-')).map(pathKind);
  return kinds.includes('directory') || !kinds.includes('file');
}

function pathKind(path: string): 'file' | 'directory' | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
