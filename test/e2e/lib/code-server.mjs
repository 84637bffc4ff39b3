// Starting and stopping code-server (VS Code's workbench and extension host, served over HTTP).
// code-server spawns a file watcher, the extension host, our language server and tsserver; it runs
// in its own process group so that stopping it stops all of them, including on Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CODE_SERVER_BIN } from './paths.mjs';
import { delay, pollUntil } from './wait.mjs';

/** Process-group ids of the code-server instances still running, for the exit and signal handlers. */
const liveGroups = new Set();

/** Kills every code-server group we started (synchronous, so it is safe in 'exit' and signal handlers). */
export function killAllCodeServersSync() {
  for (const pgid of liveGroups) {
    signalGroup(pgid, 'SIGKILL');
    liveGroups.delete(pgid);
  }
}

/** A port the kernel just handed out on the loopback interface (free unless someone races us). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The environment for code-server: its config and state go to `stateDir` instead of the user's
 * home, and variables a surrounding VS Code terminal sets (which would make the CLI talk to that
 * VS Code instead) are dropped. TMPDIR is `tmpDir`, so the sockets the server and extension
 * host create (vscode-ipc-*.sock, vscode-git-*.sock) go away with the run's temp folder instead of
 * piling up in /tmp; keep it short, as a socket path may not exceed 107 bytes.
 */
function codeServerEnv(stateDir, tmpDir = join(stateDir, 'tmp')) {
  mkdirSync(tmpDir, { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VSCODE_')));
  return {
    ...env,
    XDG_CONFIG_HOME: join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: join(stateDir, 'xdg-data'),
    XDG_CACHE_HOME: join(stateDir, 'xdg-cache'),
    TMPDIR: tmpDir,
  };
}

function configFile(stateDir) {
  const file = join(stateDir, 'code-server.yaml');
  // Loopback only and no password: the port is reachable from this machine alone, for one test.
  writeFileSync(file, 'auth: none\ncert: false\n');
  return file;
}

/**
 * Installs a .vsix into `extensionsDir` and returns the installed extension's folder name.
 * Throws if code-server did not install an extension with the expected id.
 */
export function installExtension({ vsix, extensionsDir, stateDir, tmpDir, extensionId }) {
  mkdirSync(extensionsDir, { recursive: true });
  const result = spawnSync(
    CODE_SERVER_BIN,
    ['--config', configFile(stateDir), '--extensions-dir', extensionsDir, '--user-data-dir', join(stateDir, 'install-user-data'),
      '--install-extension', vsix, '--force'],
    { env: codeServerEnv(stateDir, tmpDir), encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status}):\n${output}`);
  const folder = readdirSync(extensionsDir).find((name) => name.toLowerCase().startsWith(`${extensionId.toLowerCase()}-`));
  if (!folder) throw new Error(`installing ${vsix} did not produce an extension ${extensionId} in ${extensionsDir}:\n${output}`);
  return folder;
}

/**
 * Starts code-server on a free loopback port, detached into its own process group, with stdout
 * and stderr going to `logFile`. Resolves once its health endpoint answers.
 */
export async function startCodeServer({ workspaceDir, userDataDir, extensionsDir, stateDir, tmpDir, logFile, extraArgs = [], startTimeout = 60_000 }) {
  const port = await freePort();
  const args = [
    '--config', configFile(stateDir),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...extraArgs,
    workspaceDir,
  ];
  const logFd = openSync(logFile, 'a');
  const child = spawn(CODE_SERVER_BIN, args, {
    detached: true, // a new process group, whose id is the child's pid
    stdio: ['ignore', logFd, logFd],
    env: codeServerEnv(stateDir, tmpDir),
  });
  closeSync(logFd);
  const pgid = child.pid;
  liveGroups.add(pgid);
  let exit;
  child.on('exit', (code, signal) => {
    exit = { code, signal };
  });

  const server = {
    port,
    pid: pgid,
    url: `http://127.0.0.1:${port}/`,
    logFile,
    /** The workbench URL that opens `folder` (defaults to the workspace it was started with). */
    folderUrl(folder = workspaceDir) {
      return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
    },
    stop: () => stopGroup(pgid),
  };

  try {
    await pollUntil(
      async () => {
        if (exit) throw new Error(`code-server exited early (${JSON.stringify(exit)}):\n${tail(logFile)}`);
        return (await httpStatus(`${server.url}healthz`)) === 200;
      },
      { timeout: startTimeout, interval: 200, message: `code-server to answer on port ${port}` },
    );
  } catch (error) {
    await server.stop();
    if (exit) throw new Error(`code-server exited early (${JSON.stringify(exit)}):\n${tail(logFile)}`);
    throw error;
  }
  return server;
}

/** SIGTERM to the whole group, then SIGKILL if anything is still alive after a grace period. */
async function stopGroup(pgid, graceMs = 5_000) {
  if (!liveGroups.has(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(100);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  while (groupAlive(pgid) && Date.now() < deadline + 2_000) await delay(100);
  liveGroups.delete(pgid);
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function httpStatus(url) {
  return new Promise((resolveStatus) => {
    const req = request(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
    req.end();
  });
}

function tail(file, lines = 30) {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
