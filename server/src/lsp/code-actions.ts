import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { lineCommentPrefix, suppressionDirective } from '../engine/comment-syntax';
import type { Scanner } from '../engine/runner';
import type { Finding, Fix } from '../engine/types';
import type { DiagnosticData } from './diagnostics';
import type { DocumentScan } from './document-scans';
import { DIAGNOSTIC_SOURCE } from './protocol';

export interface CodeActionOptions {
  /** The client applies snippet edits (`workspace.workspaceEdit.snippetEditSupport`). */
  readonly snippets: boolean;
  /** The client creates files in a workspace edit (`workspace.workspaceEdit.resourceOperations`). */
  readonly createFiles: boolean;
}

/**
 * Quick fixes for our diagnostics in the requested range: the rule's fixes (the safe one marked
 * preferred) and "fix all of this rule in the file".
 */
export function codeActions(scan: DocumentScan, params: CodeActionParams, scanner: Scanner, options: CodeActionOptions): CodeAction[] {
  const actions: CodeAction[] = [];
  const ours = params.context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
  const seenRules = new Set<string>();
  for (const diagnostic of ours) {
    const finding = findingFor(scan, diagnostic);
    if (!finding) continue;
    for (const fix of finding.fixable ? scanner.fixes(scan.document, finding, scan.config) : []) {
      if (fix.createFiles?.length && (!options.createFiles || !scan.uri.startsWith('file:'))) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.isPreferred === true,
        edit: workspaceEdit(scan, [fix], options),
      });
    }
    const suppress = suppressAction(scan, finding, diagnostic, options);
    if (suppress) actions.push(suppress);
    if (!seenRules.has(finding.ruleId)) {
      seenRules.add(finding.ruleId);
      const fixAll = fixAllOfRule(scan, finding.ruleId, scanner);
      if (fixAll.length > 1) {
        actions.push({
          title: `Fix all ${finding.ruleId} problems in this file`,
          kind: CodeActionKind.QuickFix,
          edit: workspaceEdit(scan, fixAll, { snippets: false, createFiles: false }),
        });
      }
    }
  }
  return actions;
}

export const REASON_PLACEHOLDER = '<why this is acceptable>';

/** "Suppress with a reason": a directive above the line, with the reason to fill in. */
function suppressAction(scan: DocumentScan, finding: Finding, diagnostic: Diagnostic, options: CodeActionOptions): CodeAction | undefined {
  const source = scan.document.source;
  const prefix = lineCommentPrefix(scan.document.kinds, scan.document.path);
  if (!prefix) return undefined;
  const line = finding.range.start.line;
  const indent = /^[ \t]*/.exec(source.lineText(line))![0];
  const at = source.lineStart(line);
  const fix: Fix = {
    title: `Suppress ${finding.ruleId} on this line with a reason`,
    edits: [{ span: [at, at], newText: suppressionDirective(prefix, indent, finding.ruleId, REASON_PLACEHOLDER) }],
    placeholders: [REASON_PLACEHOLDER],
  };
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit(scan, [fix], options) };
}

function findingFor(scan: DocumentScan, diagnostic: Diagnostic): Finding | undefined {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (data && data.version !== scan.version) return undefined;
  return scan.result.findings.find((finding) => finding.fingerprint === data?.fingerprint);
}

/** The preferred fix of every fixable finding of a rule, skipping any that would overlap. */
function fixAllOfRule(scan: DocumentScan, ruleId: string, scanner: Scanner): Fix[] {
  const fixes: Fix[] = [];
  const taken: Array<readonly [number, number]> = [];
  for (const finding of scan.result.findings) {
    if (finding.ruleId !== ruleId || !finding.fixable) continue;
    const fix = scanner.fixes(scan.document, finding, scan.config).find((candidate) => candidate.isPreferred);
    if (!fix || fix.createFiles?.length || fix.edits.some((edit) => taken.some((span) => edit.span[0] < span[1] && span[0] < edit.span[1]))) continue;
    fixes.push(fix);
    taken.push(...fix.edits.map((edit) => edit.span));
  }
  return fixes;
}

function workspaceEdit(scan: DocumentScan, fixes: readonly Fix[], options: CodeActionOptions): WorkspaceEdit {
  const source = scan.document.source;
  const edits = fixes.flatMap((fix) =>
    fix.edits.map((edit) => {
      const range = source.rangeOf(edit.span);
      if (options.snippets && fix.placeholders?.length) {
        return { range, snippet: { kind: 'snippet', value: toSnippet(edit.newText, fix.placeholders) } } as unknown as LspTextEdit;
      }
      return { range, newText: edit.newText };
    }),
  );
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  if (edits.length > 0) documentChanges.push({ textDocument: { uri: scan.uri, version: scan.version }, edits });
  for (const file of fixes.flatMap((fix) => fix.createFiles ?? [])) {
    const uri = freeFileUri(scan.uri, file.path);
    // Never replaces a file: if one appears meanwhile, the client refuses the whole edit.
    documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text }] });
  }
  return { documentChanges };
}

/** The URI of `relative` beside the document, numbered (`name-2.tf`) when that file exists. */
function freeFileUri(documentUri: string, relative: string): string {
  const wanted = join(dirname(fileURLToPath(documentUri)), ...relative.split('/'));
  const extension = extname(wanted);
  let candidate = wanted;
  for (let n = 2; existsSync(candidate); n++) candidate = `${wanted.slice(0, wanted.length - extension.length)}-${n}${extension}`;
  return pathToFileURL(candidate).toString();
}

/** Escapes snippet syntax in the text and turns each marked placeholder into a tab stop. */
export function toSnippet(text: string, placeholders: readonly string[]): string {
  let result = text.replace(/[$}\\]/g, (ch) => `\\${ch}`);
  placeholders.forEach((placeholder, index) => {
    const escaped = placeholder.replace(/[$}\\]/g, (ch) => `\\${ch}`);
    result = result.split(escaped).join(`\${${index + 1}:${escaped}}`);
  });
  return result;
}
