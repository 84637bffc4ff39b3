import type { FileKind } from './types';

const HASH_KINDS: readonly FileKind[] = [
  'yaml', 'github-actions', 'gitlab-ci', 'circleci', 'kubernetes', 'cloudformation', 'docker-compose', 'dockerfile',
  'dotenv', 'shell', 'python', 'ini', 'properties', 'terraform',
];
/** Languages of the `source` kind whose line comments start with `#`: Ruby, Perl, PowerShell, R. */
const HASH_COMMENT_SOURCE = /\.(?:rb|rake|gemspec|pl|pm|ps1|psm1|r)$/i;
const SLASH_KINDS: readonly FileKind[] = ['javascript', 'typescript', 'go', 'java', 'source'];

/**
 * The line-comment marker for a document, used to write suppression directives; undefined for
 * formats without comments (JSON), where no directive can be inserted.
 */
export function lineCommentPrefix(kinds: ReadonlySet<FileKind>, path: string): string | undefined {
  if (path.toLowerCase().endsWith('.json')) return undefined;
  if (kinds.has('source') && HASH_COMMENT_SOURCE.test(path)) return '#';
  if (SLASH_KINDS.some((kind) => kinds.has(kind))) return '//';
  if (HASH_KINDS.some((kind) => kinds.has(kind))) return '#';
  return undefined;
}

/** The text of a suppression directive line for `ruleId`, indented like the line it precedes. */
export function suppressionDirective(prefix: string, indent: string, ruleId: string, reason: string): string {
  return `${indent}${prefix} nhi-hygiene-disable-next-line ${ruleId} -- ${reason}\n`;
}
