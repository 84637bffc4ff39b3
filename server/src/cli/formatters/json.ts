import { publicDocsUrl } from '../../engine/docs-url';
import type { Finding } from '../../engine/types';
import type { FileReport } from '../scan';
import { countBySeverity, oneBased, type FormatContext } from './shared';

/** A stable machine-readable report; no secret values (only the masked form) and no rule-private data. */
export function formatJson(context: FormatContext): string {
  const { summary } = context;
  const finding = (file: FileReport) => (item: Finding) => ({
    ruleId: item.ruleId,
    category: item.category,
    severity: item.severity,
    message: item.message,
    ...oneBased(item),
    fingerprint: item.fingerprint,
    ...(item.maskedSecret ? { maskedSecret: item.maskedSecret } : {}),
    fixable: item.fixable,
    ...(item.fixable && file.fixTitles[item.fingerprint] !== undefined ? { fix: file.fixTitles[item.fingerprint] } : {}),
    docs: publicDocsUrl(item.ruleId),
  });
  const report = {
    tool: { name: 'nhi-hygiene', version: context.version },
    files: summary.files
      .filter((file) => file.findings.length > 0 || file.notices.length > 0 || file.failures.length > 0 || (context.listSuppressions && file.suppressed.length > 0))
      .map((file) => ({
        path: file.path,
        findings: file.findings.map(finding(file)),
        ...(file.notices.length ? { suppressionNotices: file.notices.map((notice) => ({ code: notice.code, severity: notice.severity, message: notice.message, line: notice.range.start.line + 1 })) } : {}),
        ...(file.failures.length ? { ruleFailures: file.failures } : {}),
        ...(context.listSuppressions && file.suppressed.length
          ? {
              suppressed: file.suppressed.map(({ finding: hidden, suppression }) => ({
                ...finding(file)(hidden),
                suppression: { source: suppression.source, reason: suppression.reason ?? null, until: suppression.until ?? null, line: suppression.line + 1 },
              })),
            }
          : {}),
      })),
    summary: {
      filesScanned: summary.files.length,
      findings: countBySeverity(summary),
      skipped: summary.skipped.map((skip) => ({ path: skip.relativePath, reason: skip.reason, ...(skip.detail ? { detail: skip.detail } : {}) })),
      baselined: summary.files.reduce((total, file) => total + file.baselined, 0),
      baselineResolved: summary.baselineResolved,
      configProblems: summary.configProblems,
    },
  };
  return JSON.stringify(report, null, 2) + '\n';
}
