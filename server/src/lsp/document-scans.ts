import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EngineConfig } from '../engine/config';
import { ParsedDocument } from '../engine/parsed-document';
import { ScanCancelledError, type Scanner, type ScanResult } from '../engine/runner';

/** The latest completed scan of one document version. */
export interface DocumentScan {
  readonly uri: string;
  readonly version: number;
  readonly document: ParsedDocument;
  readonly config: EngineConfig;
  readonly result: ScanResult;
}

interface Pending {
  timer?: NodeJS.Timeout;
  controller?: AbortController;
}

/**
 * How long after publishing a version that left its whole-file parse for later (ParsedDocument
 * `settleWholeParse`) the parse is made, unless a new version comes first and carries it on.
 */
const SETTLE_AFTER_MS = 100;

/**
 * Debounced, cancellable scans per document. A new version cancels the scan of the previous one
 * (its result is never published), and each version is parsed once, shared by all rules.
 */
export class DocumentScans {
  private readonly latest = new Map<string, DocumentScan>();
  private readonly pending = new Map<string, Pending>();
  private readonly settling = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly scanner: Scanner,
    private readonly publish: (scan: DocumentScan) => void,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  get(uri: string): DocumentScan | undefined {
    return this.latest.get(uri);
  }

  /** Schedules a scan after `delayMs`; earlier scheduled or running scans of the URI are dropped. */
  schedule(document: TextDocument, config: EngineConfig, delayMs: number): void {
    const pending = this.cancel(document.uri);
    const run = () => void this.scanNow(document, config, pending);
    if (delayMs <= 0) run();
    else pending.timer = setTimeout(run, delayMs);
    this.pending.set(document.uri, pending);
  }

  /** Scans immediately and resolves with the result (also published), or undefined if superseded. */
  async scanNow(document: TextDocument, config: EngineConfig, pending: Pending = this.cancel(document.uri)): Promise<DocumentScan | undefined> {
    const controller = new AbortController();
    pending.controller = controller;
    this.pending.set(document.uri, pending);
    const version = document.version;
    // The last published version's trees seed an incremental parse of this one.
    const parsed = ParsedDocument.of(document.uri, document.getText(), version, this.latest.get(document.uri)?.document, { wholeParseMayWait: true });
    try {
      const result = await this.scanner.scan(parsed, config, controller.signal);
      if (controller.signal.aborted) {
        parsed.dispose();
        return undefined;
      }
      const scan: DocumentScan = { uri: document.uri, version, document: parsed, config, result };
      this.latest.get(document.uri)?.document.dispose();
      this.latest.set(document.uri, scan);
      this.publish(scan);
      if (parsed.owesWholeParse) this.settleLater(scan);
      return scan;
    } catch (error) {
      parsed.dispose();
      if (!(error instanceof ScanCancelledError)) this.onError(document.uri, error);
      return undefined;
    } finally {
      if (this.pending.get(document.uri) === pending) this.pending.delete(document.uri);
    }
  }

  /**
   * Once the document has been idle a moment, makes the whole-file parse that `scan`'s version left
   * for later; when that changes its tree, scans the version again and publishes the result, which
   * is then what the CLI gives for the same text.
   */
  private settleLater(scan: DocumentScan): void {
    const timer = setTimeout(() => {
      this.settling.delete(scan.uri);
      void this.settle(scan);
    }, SETTLE_AFTER_MS);
    this.settling.set(scan.uri, timer);
  }

  private async settle(scan: DocumentScan): Promise<void> {
    const { uri, document } = scan;
    if (this.latest.get(uri)?.document !== document || !document.settleWholeParse()) return;
    // Registered as the URI's pending scan, so a new version cancels it like any other.
    const controller = new AbortController();
    const pending: Pending = { controller };
    this.pending.set(uri, pending);
    try {
      const result = await this.scanner.scan(document, scan.config, controller.signal);
      if (controller.signal.aborted || this.latest.get(uri)?.document !== document) return;
      const settled: DocumentScan = { ...scan, result };
      this.latest.set(uri, settled);
      this.publish(settled);
    } catch (error) {
      if (!(error instanceof ScanCancelledError)) this.onError(uri, error);
    } finally {
      if (this.pending.get(uri) === pending) this.pending.delete(uri);
    }
  }

  /** Forgets a closed document and frees its syntax trees. */
  forget(uri: string): void {
    this.cancel(uri);
    this.pending.delete(uri);
    this.latest.get(uri)?.document.dispose();
    this.latest.delete(uri);
  }

  uris(): string[] {
    return [...this.latest.keys()];
  }

  private cancel(uri: string): Pending {
    clearTimeout(this.settling.get(uri));
    this.settling.delete(uri);
    const previous = this.pending.get(uri);
    if (previous?.timer) clearTimeout(previous.timer);
    previous?.controller?.abort();
    return {};
  }
}
