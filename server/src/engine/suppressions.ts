import type { SourceDocument } from './document';
import type { Finding, Range, Severity } from './types';

/** An inline directive that accepts findings on the record. */
export interface Suppression {
  readonly line: number;
  /** Lines whose findings it covers (0-based). */
  readonly targetLines: readonly number[];
  /** Rule ids it names; `undefined` means every rule (secretlint's bare form, gitleaks:allow). */
  readonly ruleIds: readonly string[] | undefined;
  readonly reason: string | undefined;
  /** `until YYYY-MM-DD`, when given. */
  readonly until: string | undefined;
  readonly source: 'nhi-hygiene' | 'secretlint' | 'gitleaks';
  readonly range: Range;
  /** Only secret findings (gitleaks' allow marker covers secrets only). */
  readonly secretsOnly?: boolean;
}

/** Something about a directive the user should act on. */
export interface DirectiveNotice {
  readonly code: 'suppression-missing-reason' | 'suppression-expired' | 'suppression-unused' | 'suppression-invalid';
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
}

export interface SuppressionOutcome {
  readonly findings: Finding[];
  readonly suppressed: Array<{ finding: Finding; suppression: Suppression }>;
  readonly suppressions: Suppression[];
  readonly notices: DirectiveNotice[];
}

const OWN = /nhi-hygiene-disable-(next-line|line)\b([^\n]*)/;
const SECRETLINT = /secretlint-(disable-next-line|disable-line|disable|enable)\b([^\n]*)/;
const GITLEAKS = /gitleaks:allow\b/;
const COMMENT_START = /(?:^|\s)(?:#|\/\/|\/\*|<!--|--|;|%|REM\b)/;

/**
 * Reads the directives of a document. Cheap when there are none: one `includes` per marker
 * decides whether any line is looked at.
 */
/** Lower-case markers of every directive form; a file without any has no directives. */
export const SUPPRESSION_MARKERS = ['nhi-hygiene-disable', 'secretlint-', 'gitleaks:allow'] as const;

export function readSuppressions(source: SourceDocument, ruleIdOf: (id: string) => string = (id) => id): Suppression[] {
  const lower = source.lowerText;
  if (!lower.includes('nhi-hygiene-disable') && !lower.includes('secretlint-') && !lower.includes('gitleaks:allow')) return [];
  const suppressions: Suppression[] = [];
  let blockStart: { line: number; ruleIds: string[] | undefined; range: Range } | undefined;
  for (let line = 0; line < source.lineCount; line++) {
    const text = source.lineText(line);
    if (!text.includes('nhi-hygiene-disable') && !text.includes('secretlint-') && !text.includes('gitleaks:allow')) continue;
    const lineRange = { start: { line, character: 0 }, end: { line, character: text.length } };
    const own = OWN.exec(text);
    if (own && COMMENT_START.test(text.slice(0, own.index + 1))) {
      const { ruleIds, reason, until } = parseTail(own[2]!);
      const range = { start: { line, character: own.index }, end: { line, character: text.length } };
      suppressions.push({
        line,
        targetLines: own[1] === 'next-line' ? [line + 1] : [line],
        ruleIds,
        reason,
        until,
        source: 'nhi-hygiene',
        range,
      });
      continue;
    }
    const secretlint = SECRETLINT.exec(text);
    if (secretlint) {
      const ids = secretlint[2]!.replace(/\*\/|-->/g, '').split(/[,\s]+/).filter(Boolean).map(ruleIdOf);
      const ruleIds = ids.length > 0 ? ids : undefined;
      const kind = secretlint[1];
      if (kind === 'disable') blockStart = { line, ruleIds, range: lineRange };
      else if (kind === 'enable' && blockStart) {
        const lines = Array.from({ length: line - blockStart.line }, (_, i) => blockStart!.line + i);
        suppressions.push({ line: blockStart.line, targetLines: lines, ruleIds: blockStart.ruleIds, reason: 'secretlint-disable block', until: undefined, source: 'secretlint', range: blockStart.range });
        blockStart = undefined;
      } else if (kind !== 'enable') {
        suppressions.push({
          line,
          targetLines: kind === 'disable-next-line' ? [line + 1] : [line],
          ruleIds,
          reason: 'secretlint directive',
          until: undefined,
          source: 'secretlint',
          range: lineRange,
        });
      }
      continue;
    }
    if (GITLEAKS.test(text)) {
      suppressions.push({ line, targetLines: [line], ruleIds: undefined, reason: 'gitleaks:allow', until: undefined, source: 'gitleaks', range: lineRange, secretsOnly: true });
    }
  }
  if (blockStart) {
    const lines = Array.from({ length: source.lineCount - blockStart.line }, (_, i) => blockStart!.line + i);
    suppressions.push({ line: blockStart.line, targetLines: lines, ruleIds: blockStart.ruleIds, reason: 'secretlint-disable block', until: undefined, source: 'secretlint', range: blockStart.range });
  }
  return suppressions;
}

/** Drops a trailing block-comment or HTML-comment closer (a regex anchored at the end would retry at every space). */
function stripCommentCloser(tail: string): string {
  const trimmed = tail.trimEnd();
  for (const closer of ['*/', '-->']) {
    if (trimmed.endsWith(closer)) return trimmed.slice(0, -closer.length).trimEnd();
  }
  return trimmed;
}

/** `rule-a, rule-b -- reason text until 2026-12-31` → parts; tolerant of comment closers. */
function parseTail(tail: string): { ruleIds: string[]; reason: string | undefined; until: string | undefined } {
  const cleaned = stripCommentCloser(tail);
  const separator = cleaned.indexOf('--');
  const idsPart = separator === -1 ? cleaned : cleaned.slice(0, separator);
  let reasonPart = separator === -1 ? '' : cleaned.slice(separator + 2).trim();
  let until: string | undefined;
  const untilMatch = /\buntil\s+(\d{4}-\d{2}-\d{2})\s*$/.exec(reasonPart);
  if (untilMatch) {
    until = untilMatch[1];
    reasonPart = reasonPart.slice(0, untilMatch.index).trim();
  }
  return { ruleIds: idsPart.split(',').map((id) => id.trim()).filter(Boolean), reason: reasonPart || undefined, until };
}

/**
 * Applies directives to findings: a live directive hides the findings it names; an expired one
 * hides nothing and says so; one with no reason still hides but warns; one that hides nothing
 * is reported so stale directives get removed.
 */
export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[], today: string): SuppressionOutcome {
  const kept: Finding[] = [];
  const suppressed: SuppressionOutcome['suppressed'] = [];
  const used = new Set<Suppression>();
  const live = suppressions.filter((suppression) => !suppression.until || suppression.until >= today);
  for (const finding of findings) {
    const match = live.find(
      (suppression) =>
        suppression.targetLines.includes(finding.range.start.line) &&
        (!suppression.secretsOnly || finding.category === 'secret') &&
        (suppression.ruleIds === undefined || suppression.ruleIds.includes(finding.ruleId)),
    );
    if (match) {
      used.add(match);
      suppressed.push({ finding, suppression: match });
    } else {
      kept.push(finding);
    }
  }
  const notices: DirectiveNotice[] = [];
  for (const suppression of suppressions) {
    if (suppression.source !== 'nhi-hygiene') continue;
    const names = suppression.ruleIds?.join(', ') ?? '';
    if (!suppression.ruleIds || suppression.ruleIds.length === 0) {
      notices.push({ code: 'suppression-invalid', severity: 'warning', range: suppression.range, message: 'This suppression names no rule; write nhi-hygiene-disable-line <rule-id> -- <reason>.' });
      continue;
    }
    if (suppression.until && suppression.until < today) {
      notices.push({ code: 'suppression-expired', severity: 'warning', range: suppression.range, message: `The suppression of ${names} expired on ${suppression.until} and no longer applies; fix the finding or renew the suppression with a reason.` });
      continue;
    }
    if (!suppression.reason) {
      notices.push({ code: 'suppression-missing-reason', severity: 'warning', range: suppression.range, message: `The suppression of ${names} gives no reason; add one after "--" so the record explains why the risk was accepted.` });
    }
    if (!used.has(suppression)) {
      notices.push({ code: 'suppression-unused', severity: 'info', range: suppression.range, message: `The suppression of ${names} matches no finding; remove it.` });
    }
  }
  return { findings: kept, suppressed, suppressions: [...suppressions], notices };
}
