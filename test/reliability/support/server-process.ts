/**
 * The bundled language server (dist/server.js) as an editor starts it: a child process speaking
 * LSP over its stdio pipes. Unlike test/support/lsp-client.ts this one takes node flags and an
 * environment (for the network guard), records everything the server says besides results
 * (logMessage, showMessage, telemetry, stderr) and exposes the process for exit and memory checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const SERVER = join(__dirname, '..', '..', '..', 'dist', 'server.js');
export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface ServerOptions {
  readonly nodeArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly settings?: Record<string, unknown>;
}

export class ServerProcess {
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every notification and request the server sent, serialised, for leak checks. */
  readonly transcript: string[] = [];
  readonly logs: string[] = [];
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Called with every publishDiagnostics, after it is recorded. */
  readonly publishListeners: Array<(params: PublishDiagnosticsParams) => void> = [];
  private readonly waiters: Array<() => void> = [];
  private readonly exitWaiters: Array<() => void> = [];
  settings: Record<string, unknown>;

  constructor(options: ServerOptions = {}) {
    this.settings = options.settings ?? { debounceMs: 0 };
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    this.child.stderr!.on('data', (chunk) => (this.stderr += String(chunk)));
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      // Requests still waiting for an answer fail now instead of hanging the test.
      setImmediate(() => this.connection.dispose());
      for (const wake of this.exitWaiters.splice(0)) wake();
      for (const wake of this.waiters.splice(0)) wake();
    });
    // Writes to a dead server must not crash the test process.
    this.child.stdin!.on('error', () => undefined);
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification((method, params) => {
      this.transcript.push(`${method} ${JSON.stringify(params)}`);
      if (method === 'textDocument/publishDiagnostics') {
        const published = params as PublishDiagnosticsParams;
        this.diagnostics.set(published.uri, published);
        for (const listener of this.publishListeners) listener(published);
        for (const wake of this.waiters.splice(0)) wake();
      } else if (method === 'window/logMessage' || method === 'window/showMessage') {
        this.logs.push((params as { message: string }).message);
      }
    });
    this.connection.onRequest((method, params) => {
      this.transcript.push(`${method} ${JSON.stringify(params)}`);
      if (method === 'workspace/configuration') return (params as { items: unknown[] }).items.map(() => this.settings);
      return null;
    });
    this.connection.onError(() => undefined);
    this.connection.onClose(() => undefined);
    this.connection.listen();
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  async initialize(rootUri: string | null = null): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      capabilities: { workspace: { configuration: true, workspaceEdit: { documentChanges: true } }, window: { workDoneProgress: true } },
      initializationOptions: {},
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1, languageId = languageOf(uri)): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Resolves with the diagnostics published for `uri` once `accept` holds. */
  waitForDiagnostics(uri: string, accept: (params: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 15_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; server ${this.alive ? 'alive' : `exited ${JSON.stringify(this.exit)}`}; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      const check = () => {
        if (!this.alive) {
          clearTimeout(timer);
          reject(new Error(`server exited ${JSON.stringify(this.exit)} while waiting for ${uri}; stderr: ${this.stderr.slice(-2000)}`));
          return;
        }
        const current = this.diagnostics.get(uri);
        if (current && accept(current)) {
          clearTimeout(timer);
          resolve(current);
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  /** A request that must be answered within `timeoutMs`. */
  request<T>(method: string, params: unknown, timeoutMs = 15_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} not answered within ${timeoutMs} ms; server ${this.alive ? 'alive' : 'dead'}`)), timeoutMs);
      this.connection.sendRequest(method, params).then(
        (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Resident set size of the server process, from /proc (Linux), in bytes. */
  rssBytes(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  waitForExit(timeoutMs = 5_000): Promise<boolean> {
    if (!this.alive) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** A clean LSP shutdown; resolves with the process's exit status. */
  async shutdown(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    if (this.alive) {
      try {
        await this.request('shutdown', null, 10_000);
        await this.connection.sendNotification('exit');
      } catch {
        // Reported through the exit status below.
      }
      if (!(await this.waitForExit(5_000))) this.child.kill('SIGKILL');
      await this.waitForExit(5_000);
    }
    this.connection.dispose();
    return this.exit;
  }
}

export function languageOf(uri: string): string {
  const lower = uri.toLowerCase();
  if (/\.ya?ml$/.test(lower)) return 'yaml';
  if (/\.tsx?$/.test(lower)) return 'typescript';
  if (/\.[cm]?jsx?$/.test(lower)) return 'javascript';
  if (/\.py$/.test(lower)) return 'python';
  if (/\.(tf|tfvars|hcl)$/.test(lower)) return 'terraform';
  if (/\.json$/.test(lower)) return 'json';
  if (/(^|\/)\.env[^/]*$|\.env$/.test(lower)) return 'dotenv';
  if (/\.(sh|bash)$/.test(lower)) return 'shellscript';
  if (/\.go$/.test(lower)) return 'go';
  if (/\.java$/.test(lower)) return 'java';
  return 'plaintext';
}
