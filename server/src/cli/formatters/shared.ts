import { SEVERITY_RANK, type Finding, type Rule, type Severity } from '../../engine/types';
import type { FileReport, ScanSummary } from '../scan';

export interface FormatContext {
  readonly summary: ScanSummary;
  /** The registry, for rule metadata (docs, default severity) in SARIF and help text. */
  readonly rules: ReadonlyMap<string, Rule>;
  readonly color: boolean;
  readonly listSuppressions: boolean;
  readonly version: string;
}

/** Findings of every file, in path order then document order. */
export function allFindings(summary: ScanSummary): Array<{ file: FileReport; finding: Finding }> {
  return summary.files.flatMap((file) => file.findings.map((finding) => ({ file, finding })));
}

export function countBySeverity(summary: ScanSummary): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const { finding } of allFindings(summary)) counts[finding.severity]++;
  return counts;
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** `too-large: 2, binary: 1` style tally of skipped files. */
export function skippedTally(summary: ScanSummary): string {
  const counts = new Map<string, number>();
  for (const skip of summary.skipped) counts.set(skip.reason, (counts.get(skip.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
}

/** 1-based line and column for people and for SARIF/annotation formats. */
export function oneBased(finding: Finding): { line: number; column: number; endLine: number; endColumn: number } {
  const { start, end } = finding.range;
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}
