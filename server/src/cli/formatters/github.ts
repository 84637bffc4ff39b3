import type { Severity } from '../../engine/types';
import { allFindings, oneBased, type FormatContext } from './shared';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub Actions workflow commands: each finding becomes an annotation on the pull request diff. */
export function formatGithub(context: FormatContext): string {
  const lines = allFindings(context.summary).map(({ file, finding }) => {
    const { line, column, endLine, endColumn } = oneBased(finding);
    const properties = [
      `file=${escapeProperty(file.path)}`,
      `line=${line}`,
      `col=${column}`,
      `endLine=${endLine}`,
      ...(endLine === line ? [`endColumn=${endColumn}`] : []),
      `title=${escapeProperty(`nhi-hygiene ${finding.ruleId}`)}`,
    ];
    return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(finding.message)}`;
  });
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
