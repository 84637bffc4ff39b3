import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { allRules } from '../../../rules';
import { startServer } from './server';

/**
 * Starts the language server on the transport named on the command line (`--stdio`,
 * `--node-ipc`, `--socket=N`), as any LSP client launches it.
 */
export function startLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  // Never let a stray console.log corrupt the stdio protocol stream.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
  process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));
  startServer(connection, allRules);
}

