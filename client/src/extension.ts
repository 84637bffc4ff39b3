import * as vscode from 'vscode';
import { SERVER_EXEC_ARGV } from '../../server/src/node/heap';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  DIAGNOSTIC_SOURCE,
  SCAN_WORKSPACE_REQUEST,
  type InitializationOptions,
  type ScanWorkspaceResult,
} from '../../server/src/lsp/protocol';

let client: LanguageClient | undefined;

/**
 * A thin client: it starts the bundled language server over IPC and adds what only the editor
 * can do (status bar, commands, trust). All detection happens in the server.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('NHI Hygiene', { log: true });
  client = createClient(context, output);
  context.subscriptions.push(
    output,
    createStatusItem(),
    vscode.commands.registerCommand('nhiHygiene.scanWorkspace', () => scanWorkspace()),
    vscode.commands.registerCommand('nhiHygiene.showRuleDocumentation', (ruleId?: string) => showRuleDocumentation(context, ruleId)),
    vscode.commands.registerCommand('nhiHygiene.restartServer', () => client?.restart()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification('nhiHygiene/trustChanged', { trusted: true })),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6011'] } },
  };
  const initializationOptions: InitializationOptions = {
    workspaceTrusted: vscode.workspace.isTrusted,
    docsRoot: context.asAbsolutePath('rules'),
  };
  const clientOptions: LanguageClientOptions = {
    // By pattern rather than language id, so `.tf`, `Dockerfile`, `.env` and workflows are
    // scanned whether or not an extension for their language is installed.
    documentSelector: [
      { scheme: 'file', pattern: '**/*' },
      { scheme: 'untitled' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/.nhi-hygiene.{yaml,yml,json}') },
    initializationOptions,
    outputChannel: output,
    diagnosticCollectionName: DIAGNOSTIC_SOURCE,
  };
  return new LanguageClient('nhiHygiene', 'NHI Hygiene', serverOptions, clientOptions);
}

/** Total of our diagnostics across the workspace, with the active file's share. */
function createStatusItem(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  item.name = 'NHI Hygiene';
  item.command = 'workbench.actions.view.problems';
  const update = () => {
    let total = 0;
    for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
      total += diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE).length;
    }
    item.text = total === 0 ? '$(shield) NHI' : `$(shield) NHI ${total}`;
    item.tooltip = total === 0 ? 'NHI Hygiene: no credential findings' : `NHI Hygiene: ${total} credential finding${total === 1 ? '' : 's'}`;
    item.show();
  };
  update();
  const subscription = vscode.languages.onDidChangeDiagnostics(update);
  return vscode.Disposable.from(item, subscription);
}

async function scanWorkspace(): Promise<void> {
  if (!client) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'NHI Hygiene: scanning workspace', cancellable: true },
    (_progress, token) => client!.sendRequest<ScanWorkspaceResult>(SCAN_WORKSPACE_REQUEST, {}, token),
  );
  void vscode.window.showInformationMessage(
    `NHI Hygiene scanned ${result.filesScanned} files: ${result.findings} findings in ${result.filesWithFindings} files` +
      (result.skipped ? ` (${result.skipped} skipped).` : '.'),
  );
}

async function showRuleDocumentation(context: vscode.ExtensionContext, ruleId?: string): Promise<void> {
  let id = ruleId;
  if (!id) {
    const rules = await vscode.workspace.fs.readDirectory(vscode.Uri.file(context.asAbsolutePath('rules')));
    id = await vscode.window.showQuickPick(
      rules.filter(([name, type]) => type === vscode.FileType.Directory && name !== 'lib').map(([name]) => name),
      { placeHolder: 'Rule to show documentation for' },
    );
  }
  if (!id) return;
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(context.asAbsolutePath(`rules/${id}/docs.md`)));
}
