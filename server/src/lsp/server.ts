import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ParsedDocument } from '../engine/parsed-document';
import { Scanner } from '../engine/runner';
import type { Rule } from '../engine/types';
import { collectFiles, readForScan, readLimitsFor } from '../node/files';
import { codeActions } from './code-actions';
import { ConfigResolver, filePath } from './config-resolver';
import { failureDiagnostic, noticeDiagnostic, noticeToDiagnostic, toDiagnostic } from './diagnostics';
import { DocumentScans, type DocumentScan } from './document-scans';
import { hover } from './hover';
import {
  DEFAULT_EDITOR_SETTINGS,
  DIAGNOSTIC_SOURCE,
  SCAN_WORKSPACE_REQUEST,
  type EditorSettings,
  type InitializationOptions,
  type ScanWorkspaceResult,
} from './protocol';

const CONFIG_FILE = /(^|\/)\.nhi-hygiene\.(ya?ml|json)$/;

/**
 * Wires the engine to an LSP connection. No module-level state: tests start it on any
 * connection (stdio, IPC or in-process streams).
 */
export function startServer(connection: Connection, rules: readonly Rule[]): void {
  const scanner = new Scanner(rules);
  const documents = new TextDocuments(TextDocument);
  let trusted = true;
  let docsRoot: string | undefined;
  let snippets = false;
  let createFiles = false;
  let pullDiagnostics = false;
  let configurationPull = false;
  const settingsCache = new Map<string, Promise<EditorSettings>>();
  const configs = new ConfigResolver(
    () => trusted,
    rules,
    (file) => documents.get(pathToFileURL(file).toString())?.getText(),
  );
  const workspaceFolders: string[] = [];
  /** Problems of each config file (by URI), shown with whatever else that file reports. */
  const configProblems = new Map<string, Diagnostic[]>();
  /** The loaded configs whose problems have been published. */
  let publishedConfigs = new Set<unknown>();

  const scans = new DocumentScans(
    scanner,
    (scan) => {
      if (!pullDiagnostics) void connection.sendDiagnostics({ uri: scan.uri, version: scan.version, diagnostics: diagnosticsOf(scan) });
      else connection.languages.diagnostics.refresh().catch(() => undefined);
    },
    (uri, error) => connection.console.error(`Scanning ${uri} failed: ${error instanceof Error ? error.stack : String(error)}`),
  );

  function diagnosticsOf(scan: DocumentScan): Diagnostic[] {
    const { result } = scan;
    const diagnostics = result.findings.map((finding) => toDiagnostic(finding, scan.version, docsRoot));
    diagnostics.push(...result.failures.map(failureDiagnostic));
    diagnostics.push(...result.notices.map(noticeToDiagnostic));
    if (result.skipped) diagnostics.push(noticeDiagnostic(`NHI Hygiene did not scan this file: ${result.skipped.detail}.`));
    if (result.bounded) diagnostics.push(noticeDiagnostic(`NHI Hygiene scanned this file partially: ${result.bounded}.`));
    diagnostics.push(...(configProblems.get(scan.uri) ?? []));
    return diagnostics;
  }

  function settingsFor(uri: string): Promise<EditorSettings> {
    if (!configurationPull) return Promise.resolve(DEFAULT_EDITOR_SETTINGS);
    let settings = settingsCache.get(uri);
    if (!settings) {
      settings = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'nhiHygiene' })
        .then((value: Partial<EditorSettings> | null) => ({ ...DEFAULT_EDITOR_SETTINGS, ...(value ?? {}) }))
        .catch(() => DEFAULT_EDITOR_SETTINGS);
      settingsCache.set(uri, settings);
    }
    return settings;
  }

  async function lint(document: TextDocument, immediately = false): Promise<void> {
    const settings = await settingsFor(document.uri);
    if (!settings.enable || isExcluded(document.uri)) {
      scans.forget(document.uri);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      return;
    }
    const config = configs.engineConfig(document.uri, settings);
    // A config loaded for the first time (by any document) shows its problems at once.
    if (configs.loadedConfigs().some((loaded) => !publishedConfigs.has(loaded))) publishConfigProblems();
    scans.schedule(document, config, immediately ? 0 : settings.debounceMs);
  }

  function isExcluded(uri: string): boolean {
    const project = configs.projectConfig(uri);
    return project ? project.loaded.isExcluded(project.relativePath) : false;
  }

  /** Problems in config files are diagnostics on those files; scanning goes on with defaults. */
  function publishConfigProblems(): void {
    const byFile = new Map<string, Diagnostic[]>();
    const loadedConfigs = configs.loadedConfigs();
    publishedConfigs = new Set(loadedConfigs);
    for (const loaded of loadedConfigs) {
      if (!byFile.has(loaded.configFile!)) byFile.set(loaded.configFile!, []);
      for (const problem of loaded.problems) {
        const list = byFile.get(problem.file) ?? [];
        list.push({
          range: { start: { line: problem.line - 1, character: problem.column - 1 }, end: { line: problem.line - 1, character: Number.MAX_SAFE_INTEGER } },
          severity: problem.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
          source: DIAGNOSTIC_SOURCE,
          code: 'config',
          message: problem.message,
        });
        byFile.set(problem.file, list);
      }
    }
    const next = new Map([...byFile].map(([file, diagnostics]) => [pathToFileURL(file).toString(), diagnostics]));
    for (const uri of configProblems.keys()) if (!next.has(uri)) next.set(uri, []);
    configProblems.clear();
    for (const [uri, diagnostics] of next) {
      if (diagnostics.length) configProblems.set(uri, diagnostics);
      // An open config file also has its own scan's findings (secrets in it, say): publish both.
      const scan = scans.get(uri);
      const own = scan && documents.get(uri)?.version === scan.version ? diagnosticsOf(scan) : diagnostics;
      if (!pullDiagnostics) void connection.sendDiagnostics({ uri, diagnostics: own });
    }
    if (pullDiagnostics) connection.languages.diagnostics.refresh().catch(() => undefined);
  }

  function relintAll(): void {
    settingsCache.clear();
    configs.invalidate();
    for (const document of documents.all()) void lint(document, true);
    // Open documents reload their configs and publish the problems; with none open, clear them.
    if (documents.all().length === 0) publishConfigProblems();
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions & { diagnosticMode?: 'push' | 'pull' };
    trusted = options.workspaceTrusted !== false;
    docsRoot = options.docsRoot;
    snippets = params.capabilities.workspace?.workspaceEdit?.['snippetEditSupport' as never] === true;
    createFiles =
      params.capabilities.workspace?.workspaceEdit?.documentChanges === true &&
      (params.capabilities.workspace.workspaceEdit.resourceOperations ?? []).includes('create');
    configurationPull = params.capabilities.workspace?.configuration === true;
    pullDiagnostics = options.diagnosticMode === 'pull' && params.capabilities.textDocument?.diagnostic !== undefined;
    for (const folder of params.workspaceFolders ?? []) {
      const path = filePath(folder.uri);
      if (path) workspaceFolders.push(path);
    }
    if (workspaceFolders.length === 0 && params.rootUri) {
      const path = filePath(params.rootUri);
      if (path) workspaceFolders.push(path);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: ['quickfix'], resolveProvider: false },
        hoverProvider: true,
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: DIAGNOSTIC_SOURCE, interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'nhi-hygiene' },
    };
  });

  connection.onInitialized(() => {
    // Registering makes VS Code send didChangeConfiguration when our section changes.
    if (configurationPull) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'nhiHygiene' });
  });

  connection.onDidChangeConfiguration(() => relintAll());
  connection.onDidChangeWatchedFiles((params) => {
    if (params.changes.some((change) => CONFIG_FILE.test(change.uri) || change.type === FileChangeType.Deleted)) relintAll();
  });
  connection.onNotification('nhiHygiene/trustChanged', (params: { trusted: boolean }) => {
    trusted = params.trusted;
    relintAll();
  });

  documents.onDidOpen((event) => void lint(event.document, true));
  // Editing a config file re-lints every open document while typing, not only on save.
  let configEditTimer: NodeJS.Timeout | undefined;
  documents.onDidChangeContent((event) => {
    if (!CONFIG_FILE.test(event.document.uri)) return void lint(event.document);
    clearTimeout(configEditTimer);
    configEditTimer = setTimeout(relintAll, 150);
  });
  documents.onDidClose((event) => {
    scans.forget(event.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: configProblems.get(event.document.uri) ?? [] });
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const settings = await settingsFor(document.uri);
    if (!settings.enable) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    let scan = scans.get(document.uri);
    if (!scan || scan.version !== document.version) scan = await scans.scanNow(document, configs.engineConfig(document.uri, settings));
    if (token.isCancellationRequested || !scan) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'superseded', { retriggerRequest: true });
    return { kind: DocumentDiagnosticReportKind.Full, items: diagnosticsOf(scan) };
  });

  connection.onCodeAction((params) => {
    const scan = scans.get(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (!scan || !document || scan.version !== document.version) return [];
    return codeActions(scan, params, scanner, { snippets, createFiles });
  });

  connection.onHover((params) => {
    const scan = scans.get(params.textDocument.uri);
    return scan ? hover(scan, params.position, (id) => scanner.rule(id), docsRoot) : null;
  });

  connection.onRequest(SCAN_WORKSPACE_REQUEST, async (_params, token): Promise<ScanWorkspaceResult> => {
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('NHI Hygiene: scanning workspace', 0, undefined, true);
    const result = { filesScanned: 0, filesWithFindings: 0, findings: 0, skipped: 0 };
    try {
      for (const folder of workspaceFolders) {
        const project = configs.projectConfig(pathToFileURL(folder + '/.').toString());
        const { files, skipped } = collectFiles(folder, [folder], { exclude: project?.loaded.exclude ?? [], respectGitignore: true });
        result.skipped += skipped.length;
        for (const [index, file] of files.entries()) {
          if (token.isCancellationRequested || progress.token.isCancellationRequested) return result;
          const uri = pathToFileURL(file).toString();
          progress.report(Math.round((100 * index) / Math.max(1, files.length)), file.slice(folder.length + 1));
          if (documents.get(uri) || CONFIG_FILE.test(uri)) continue;
          const settings = await settingsFor(uri);
          const config = configs.engineConfig(uri, settings);
          const read = readForScan(file, readLimitsFor(scanner, config));
          if ('skipped' in read) {
            result.skipped++;
            continue;
          }
          const parsed = ParsedDocument.fromBytes(uri, read.bytes);
          try {
            const scan = await scanner.scan(parsed, config);
            result.filesScanned++;
            if (scan.findings.length > 0) result.filesWithFindings++;
            result.findings += scan.findings.length;
            void connection.sendDiagnostics({ uri, diagnostics: scan.findings.map((finding) => toDiagnostic(finding, 0, docsRoot)) });
          } finally {
            parsed.dispose();
          }
        }
      }
      return result;
    } finally {
      progress.done();
    }
  });

  documents.listen(connection);
  connection.listen();
}
