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
  // A rule that failed or a broken config must show on the run too, not only in the exit code.
  for (const file of context.summary.files) {
    for (const failure of file.failures) {
      lines.push(`::error file=${escapeProperty(file.path)},title=${escapeProperty(`nhi-hygiene internal-error ${failure.ruleId}`)}::${escapeData(`Rule ${failure.ruleId} failed on this file: ${failure.message}`)}`);
    }
  }
  for (const problem of context.summary.configProblems) {
    lines.push(`::${COMMAND[problem.severity]} file=${escapeProperty(problem.file)},line=${problem.line},col=${problem.column},title=${escapeProperty('nhi-hygiene config')}::${escapeData(problem.message)}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
