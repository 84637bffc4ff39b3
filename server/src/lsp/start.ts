import { type Connection, createConnection, ProposedFeatures, StreamMessageReader } from 'vscode-languageserver/node';
import { allRules } from '../../../rules';
import { OneWriteMessageWriter } from './one-write-writer';
import { startServer } from './server';

/**
 * Starts the language server on the transport named on the command line (`--stdio`,
 * `--node-ipc`, `--socket=N`), as any LSP client launches it.
 */
export function startLanguageServer(): void {
  const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  // Never let a stray console call corrupt the stdio protocol stream.
  const log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.log = console.info = console.debug = log;
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
  process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));
  startServer(connection, allRules);
}


/**
 * The stdio connection vscode-languageserver makes for `--stdio`, but writing each message in one
 * write (one-write-writer.ts). Given its own reader and writer, the library leaves two things to
 * its caller: exiting when the editor closes the pipe (0 after a shutdown request, as the
 * library does), and keeping console output off stdout (startLanguageServer).
 */
function stdioConnection(): Connection {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new OneWriteMessageWriter(process.stdout));
  let shutdown = false;
  connection.onShutdown(() => {
    shutdown = true;
  });
  const exit = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  return connection;
}
