import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import type { RuleFailure } from '../engine/runner';
import type { DirectiveNotice } from '../engine/suppressions';
import type { Finding, Severity } from '../engine/types';
import { publicDocsUrl } from '../engine/docs-url';
import { DIAGNOSTIC_SOURCE } from './protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The data a diagnostic carries back to `codeAction`, so fixes need no re-matching by text. */
export interface DiagnosticData {
  readonly fingerprint: string;
  readonly version: number;
}

/** Documentation URLs by docs root and rule. */
const docsUrls = new Map<string, string>();

/**
 * Where a rule's documentation lives: the `docs.md` shipped beside the server when present (works
 * offline, matches the installed version), else the public repository page.
 */
export function docsUrl(ruleId: string, docsRoot: string | undefined): string {
  // Asked for every diagnostic of every version: the file system is asked once per rule.
  const key = `${docsRoot ?? ''}\0${ruleId}`;
  let url = docsUrls.get(key);
  if (url === undefined) {
    const local = docsRoot ? join(docsRoot, ruleId, 'docs.md') : undefined;
    url = local && existsSync(local) ? pathToFileURL(local).toString() : publicDocsUrl(ruleId);
    docsUrls.set(key, url);
  }
  return url;
}

export function toDiagnostic(finding: Finding, version: number, docsRoot: string | undefined): Diagnostic {
  const data: DiagnosticData = { fingerprint: finding.fingerprint, version };
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: docsUrl(finding.ruleId, docsRoot) },
    message: finding.message,
    data,
  };
}

/** A rule that crashed is shown once, on the first line, so the user knows coverage is partial. */
export function failureDiagnostic(failure: RuleFailure): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: 'internal-error',
    message: `Rule ${failure.ruleId} failed on this file and was skipped: ${failure.message}`,
  };
}

/** A document that was not scanned says so, instead of silently showing nothing. */
export function noticeDiagnostic(message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    code: 'scan-limit',
    message,
  };
}

/** Problems with suppression directives (no reason, expired, unused) point at the directive. */
export function noticeToDiagnostic(notice: DirectiveNotice): Diagnostic {
  return {
    range: notice.range,
    severity: SEVERITY[notice.severity],
    source: DIAGNOSTIC_SOURCE,
    code: notice.code,
    message: notice.message,
    ...(notice.code === 'suppression-unused' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}
