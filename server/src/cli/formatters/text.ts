import { publicDocsUrl } from '../../engine/docs-url';
import type { Severity } from '../../engine/types';
import { countBySeverity, oneBased, skippedTally, type FormatContext } from './shared';

interface Palette {
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly underline: (text: string) => string;
  readonly severity: (severity: Severity, text: string) => string;
}

function palette(enabled: boolean): Palette {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  const colours: Record<Severity, (text: string) => string> = { error: wrap(31, 39), warning: wrap(33, 39), info: wrap(36, 39) };
  return { dim: wrap(2, 22), bold: wrap(1, 22), underline: wrap(4, 24), severity: (severity, text) => colours[severity](text) };
}

/**
 * Human output grouped by file, like ESLint's stylish format: position, severity, message (with the
 * secret masked), rule id, the fix the editor offers, and a link to the rule's docs.
 */
export function formatText(context: FormatContext): string {
  const { summary } = context;
  const paint = palette(context.color);
  const out: string[] = [];
  for (const file of summary.files) {
    const rows: string[] = [];
    for (const finding of file.findings) {
      const { line, column } = oneBased(finding);
      rows.push(`  ${paint.dim(`${line}:${column}`.padEnd(8))} ${paint.severity(finding.severity, finding.severity.padEnd(7))} ${finding.message}  ${paint.dim(finding.ruleId)}`);
      const fix = finding.fixable ? file.fixTitles[finding.fingerprint] : undefined;
      if (fix) rows.push(`  ${' '.repeat(16)} ${paint.dim('fix:')} ${fix}`);
      rows.push(`  ${' '.repeat(16)} ${paint.dim('docs:')} ${paint.dim(publicDocsUrl(finding.ruleId))}`);
    }
    for (const notice of file.notices) {
      rows.push(`  ${paint.dim(`${notice.range.start.line + 1}:${notice.range.start.character + 1}`.padEnd(8))} ${paint.severity(notice.severity, notice.severity.padEnd(7))} ${notice.message}  ${paint.dim(notice.code)}`);
    }
    for (const failure of file.failures) {
      rows.push(`  ${paint.dim('-'.padEnd(8))} ${paint.severity('error', 'error'.padEnd(7))} Rule ${failure.ruleId} failed on this file: ${failure.message}  ${paint.dim('internal-error')}`);
    }
    if (context.listSuppressions) {
      for (const { finding, suppression } of file.suppressed) {
        const { line, column } = oneBased(finding);
        const expiry = suppression.until ? ` until ${suppression.until}` : '';
        rows.push(`  ${paint.dim(`${line}:${column}`.padEnd(8))} ${paint.dim('suppressed')} ${finding.ruleId} by ${suppression.source} (line ${suppression.line + 1})${expiry}: ${suppression.reason ?? paint.severity('warning', 'no reason given')}`);
      }
    }
    if (rows.length > 0) out.push(paint.underline(file.path), ...rows, '');
  }
  for (const problem of summary.configProblems) {
    out.push(`${paint.underline(problem.file)}:${problem.line}:${problem.column} ${paint.severity(problem.severity, problem.severity)} ${problem.message}  ${paint.dim('config')}`);
  }
  for (const entry of summary.baselineResolved) {
    out.push(`${paint.dim('resolved')} ${entry.path} ${entry.ruleId} ${paint.dim(entry.fingerprint)} ${paint.dim('(no longer found; prune it with `nhi-hygiene baseline --prune`)')}`);
  }
  // Binary, oversized and excluded files are expected and only counted; a file that could not be
  // read is a surprise the user should see by name.
  const unreadable = summary.skipped.filter((skip) => skip.reason === 'unreadable');
  for (const skip of unreadable) out.push(`${paint.underline(skip.relativePath)} ${paint.severity('warning', 'skipped')} could not be read${skip.detail ? `: ${skip.detail}` : ''}`);
  if (summary.configProblems.length > 0 || summary.baselineResolved.length > 0 || unreadable.length > 0) out.push('');
  out.push(summaryText(context));
  return out.join('\n') + '\n';
}

/** One line: problem counts, files scanned, skipped with reasons, baselined and suppressed. */
export function summaryText(context: FormatContext): string {
  const { summary } = context;
  const paint = palette(context.color);
  const counts = countBySeverity(summary);
  const total = counts.error + counts.warning + counts.info;
  const withFindings = summary.files.filter((file) => file.findings.length > 0).length;
  const parts = [
    total === 0
      ? 'No problems found'
      : `${total} problem${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info) in ${withFindings} file${withFindings === 1 ? '' : 's'}`,
    `${summary.files.length} file${summary.files.length === 1 ? '' : 's'} scanned`,
  ];
  if (summary.skipped.length > 0) parts.push(`${summary.skipped.length} skipped (${skippedTally(summary)})`);
  const baselined = summary.files.reduce((sum, file) => sum + file.baselined, 0);
  if (baselined > 0) parts.push(`${baselined} accepted by the baseline`);
  const suppressed = summary.files.reduce((sum, file) => sum + file.suppressed.length, 0);
  if (suppressed > 0) parts.push(`${suppressed} suppressed inline`);
  const line = parts.join('; ');
  return total === 0 ? paint.bold(line) : paint.severity(counts.error > 0 ? 'error' : 'warning', paint.bold(line));
}
