/**
 * The `nhi-hygiene` command (`dist/cli.js`). It loads the CLI bundle (`dist/cli-main.js`) through
 * a V8 code cache kept in the user's cache directory. A pre-commit run is mostly start-up, and
 * much of that is compiling the bundle and the functions a scan calls; from the second run on the
 * cache skips it. Node 22's `module.enableCompileCache` does the same; Node 20 has no such switch.
 *
 * The cache is an optimisation only: if it cannot be read, is rejected by V8 (another Node or
 * bundle version), or cannot be written, the bundle is compiled as usual.
 * `NHI_HYGIENE_COMPILE_CACHE=0` turns it off; any other value names the directory.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { RELAUNCHED, relaunchWithHeapLimit, scanWantsHeapLimit } from '../node/relaunch';
import { isScanWorker } from './worker-role';

type Cli = typeof import('./main');

const BUNDLE = join(__dirname, 'cli-main.js');
/** Commands that run the engine: their runs leave the scan's functions compiled in the cache. */
const CACHE_WRITERS = new Set(['scan', 'baseline']);
/** Caches kept per user: each upgrade of the CLI or of Node makes a new one, about 1.5 MB each. */
const CACHES_KEPT = 4;
const CACHE_FILE = /^cli-[0-9a-f]{16}\.v8cache$/;

function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.NHI_HYGIENE_COMPILE_CACHE;
  if (setting === '0') return undefined;
  if (setting) return setting;
  // Per user, never a shared temporary directory: cached code is code this process will run.
  const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined);
  return base ? join(base, 'nhi-hygiene') : undefined;
}

function readCache(path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(path: string, data: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Write then rename, so a concurrent run reads the old cache or the new one, never half of one.
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, path);
    pruneCaches(dirname(path));
  } catch {
    // A read-only or full disk costs the next run its speed-up, nothing else.
  }
}

/** Removes all but the most recently written caches (other versions' caches, never read again). */
function pruneCaches(directory: string): void {
  const caches = readdirSync(directory)
    .filter((name) => CACHE_FILE.test(name))
    .map((name) => ({ path: join(directory, name), written: statSync(join(directory, name)).mtimeMs }))
    .sort((a, b) => b.written - a.written);
  for (const stale of caches.slice(CACHES_KEPT)) unlinkSync(stale.path);
}

/** Compiles and runs the bundle; `writesCache`: whether this run may leave its compiled functions in the cache. */
function load(writesCache: boolean): Cli {
  const source = readFileSync(BUNDLE, 'utf8');
  const directory = cacheDirectory(process.env);
  // One file per bundle and Node version, so versions side by side do not overwrite each other's.
  // V8 rejects a cache made under other flags, so runs with and without heap flags keep one each.
  // The bundle is told apart by its size, modification time and inode, which every build and
  // install changes: hashing its 2 MB of text took 5 ms of each run.
  const built = statSync(BUNDLE);
  const key = createHash('sha256')
    .update(process.version)
    .update(process.arch)
    .update(process.execArgv.join(' '))
    .update(`${built.size}:${built.mtimeMs}:${built.ino}`)
    .digest('hex')
    .slice(0, 16);
  const cachePath = directory ? join(directory, `cli-${key}.v8cache`) : undefined;
  const cachedData = readCache(cachePath);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  if (writesCache && cachePath && (!cachedData || script.cachedDataRejected)) {
    // Taken at exit, the cache holds the functions the run compiled, not just the top level.
    process.once('exit', () => writeCache(cachePath, script.createCachedData()));
  }
  const bundle = { exports: {} as Cli, filename: BUNDLE, id: BUNDLE };
  script.runInThisContext()(bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, dirname(BUNDLE));
  return bundle.exports;
}

const argv = process.argv.slice(2);
if (isScanWorker()) {
  // A scan pool's worker (scan-pool.ts): the bundle, once loaded, serves the pool. The main thread
  // set the V8 flags for the process and writes the cache; the worker only reads it.
  load(false);
} else {
  runCommand();
}

function runCommand(): void {
  const scanning = argv[0] === 'scan' || argv[0] === 'baseline';
  if (scanning) {
    // Tree-sitter's WebAssembly runs on Liftoff's baseline code only, never optimised by TurboFan.
    // A CLI run is short: a pre-commit run takes a few hundred milliseconds, in which the tier-up
    // (compiled on a second thread that the scan's own compilation and GC also want) costs more than
    // it returns; `--staged` with 20 files went from 0.37 to 0.31 s (medians of 15). On the bench's
    // 93 MB tree the scan takes as long (3.3 s) and peaks 13 MB lower. Not set for `lsp`: a
    // long-running server gains from the optimised parser on every keystroke.
    setFlagsFromString('--liftoff-only');
  }
  if (scanning && process.env[RELAUNCHED] !== undefined) {
    // A scan of a tree: the relaunched child (`lsp` relaunches too, and keeps the server's flags).
    // TurboFan inlined the rules' helpers into the scan's large functions and compiled those again
    // after each deoptimization: about 1.2 s of compiler threads' CPU on the bench's 93 MB tree,
    // which on two cores the scan threads wait for. Without inlining a single-thread scan is as
    // fast and two threads finish 6% sooner (3.60 -> 3.37 s). Set before the bundle is compiled, so
    // the code cache is made and read under the same flags.
    setFlagsFromString('--no-turbo-inlining');
  }
  if (scanWantsHeapLimit(argv, process.env)) {
    // 2: the CLI's exit code for errors (main.ts EXIT_ERROR), when the child cannot run.
    relaunchWithHeapLimit(__filename, argv, process.env, 2).then((code) => {
      process.exitCode = code;
    });
  } else {
    load(CACHE_WRITERS.has(argv[0] ?? '')).runFromProcess();
  }
}
