/**
 * Custom protocol shared by the VS Code client and the server (plain relative imports from both
 * sides; no symlinks). Everything else is standard LSP.
 */

/** Settings read through `workspace/configuration`, section `nhiHygiene`. */
export interface EditorSettings {
  readonly enable: boolean;
  /** Diagnostics below this severity are not shown. */
  readonly minimumSeverity: 'error' | 'warning' | 'info';
  /** Per-rule overrides on top of the project config file: `off|info|warning|error`. */
  readonly rules: Readonly<Record<string, 'off' | 'info' | 'warning' | 'error'>>;
  /** Delay between the last keystroke and a scan, in milliseconds. */
  readonly debounceMs: number;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { enable: true, minimumSeverity: 'info', rules: {}, debounceMs: 150 };

/** Options the client passes in `initialize`. */
export interface InitializationOptions {
  /** False in a restricted-mode workspace: nothing from the workspace may be executed. */
  readonly workspaceTrusted?: boolean;
  /** Directory holding `rules/<id>/docs.md`, so diagnostics can link to local docs. */
  readonly docsRoot?: string;
}

/** Request: scan every file of the workspace folders and publish their diagnostics. */
export const SCAN_WORKSPACE_REQUEST = 'nhiHygiene/scanWorkspace';

export interface ScanWorkspaceResult {
  readonly filesScanned: number;
  readonly filesWithFindings: number;
  readonly findings: number;
  readonly skipped: number;
}

export const DIAGNOSTIC_SOURCE = 'nhi-hygiene';

export { DOCS_BASE_URL } from '../engine/docs-url';
