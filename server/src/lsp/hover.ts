import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { Rule } from '../engine/types';
import { docsUrl } from './diagnostics';
import type { DocumentScan } from './document-scans';

/** Hover on a finding: what it is, why it matters, how to fix it, and the docs link. */
export function hover(scan: DocumentScan, position: Position, ruleOf: (id: string) => Rule | undefined, docsRoot: string | undefined): Hover | null {
  const offset = scan.document.source.offsetAt(position);
  const findings = scan.result.findings.filter((finding) => finding.span[0] <= offset && offset <= finding.span[1]);
  if (findings.length === 0) return null;
  const sections = findings.map((finding) => {
    const rule = ruleOf(finding.ruleId);
    const lines = [`**${finding.ruleId}** · ${finding.category} · ${finding.severity}`, '', finding.message];
    if (finding.maskedSecret) lines.push('', `Value: \`${finding.maskedSecret}\``);
    if (rule) {
      lines.push('', '**Why it matters**', '', rule.docs.why, '', '**How to fix**', '', firstParagraphs(rule.docs.howToFix));
    }
    lines.push('', `[Rule documentation](${docsUrl(finding.ruleId, docsRoot)})`);
    return lines.join('\n');
  });
  const first = findings[0]!;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    range: first.range,
  };
}

/** Hovers stay short: the fix's opening paragraphs, up to its first code block. */
function firstParagraphs(markdown: string): string {
  const fence = markdown.indexOf('```');
  const text = fence === -1 ? markdown : markdown.slice(0, fence);
  return text.trim();
}
