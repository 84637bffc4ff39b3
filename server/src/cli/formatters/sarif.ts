import { pathToFileURL } from 'node:url';
import { publicDocsUrl } from '../../engine/docs-url';
import type { Finding, Rule, Severity } from '../../engine/types';
import type { FileReport } from '../scan';
import { oneBased, type FormatContext } from './shared';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: rule metadata with help text,
 * one result per finding with `partialFingerprints` (so re-uploads de-duplicate) and the
 * category in `properties`; findings suppressed inline are included as suppressed results.
 */
export function formatSarif(context: FormatContext): string {
  const { summary } = context;
  // Every rule is listed (not only those that fired) so viewers can show rule help for all of them.
  const rules = [...context.rules.values()];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results: unknown[] = [];
  for (const file of summary.files) {
    for (const finding of file.findings) results.push(result(finding, file, ruleIndex));
    for (const { finding, suppression } of file.suppressed) {
      results.push({
        ...result(finding, file, ruleIndex),
        suppressions: [{ kind: 'inSource', status: 'accepted', ...(suppression.reason ? { justification: suppression.reason } : {}) }],
      });
    }
  }
  const notifications = [
    ...summary.skipped.map((skip) => ({
      level: 'note',
      message: { text: `Skipped (${skip.reason}${skip.detail ? `: ${skip.detail}` : ''})` },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodePath(skip.relativePath), uriBaseId: '%SRCROOT%' } } }],
    })),
    ...summary.files.flatMap((file) =>
      file.failures.map((failure) => ({
        level: 'error',
        message: { text: `Rule ${failure.ruleId} failed: ${failure.message}` },
        associatedRule: { id: failure.ruleId },
        locations: [{ physicalLocation: { artifactLocation: { uri: encodePath(file.path), uriBaseId: '%SRCROOT%' } } }],
      })),
    ),
  ];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nhi-hygiene',
            semanticVersion: context.version,
            informationUri: 'https://github.com/nhi-hygiene/nhi-hygiene',
            rules: rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(summary.root.endsWith('/') ? summary.root : summary.root + '/').toString() } },
        invocations: [{ executionSuccessful: summary.configProblems.every((problem) => problem.severity !== 'error'), toolExecutionNotifications: notifications }],
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleDescriptor(rule: Rule) {
  const { docs } = rule;
  const markdown = `${docs.summary}\n\n## Why it matters\n${docs.why}\n\n## How to fix\n${docs.howToFix}`;
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: firstSentence(docs.summary) },
    fullDescription: { text: docs.summary },
    help: { text: `${docs.why}\n\n${docs.howToFix}`, markdown },
    helpUri: publicDocsUrl(rule.id),
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity], enabled: rule.recommended !== false },
    properties: {
      category: rule.category,
      tags: ['security', 'non-human-identity', rule.category],
      // GitHub code scanning orders alerts by this 0-10 score.
      'security-severity': rule.defaultSeverity === 'error' ? '8.0' : rule.defaultSeverity === 'warning' ? '5.0' : '2.0',
    },
  };
}

function result(finding: Finding, file: FileReport, ruleIndex: ReadonlyMap<string, number>) {
  const { line, column, endLine, endColumn } = oneBased(finding);
  return {
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodePath(file.path), uriBaseId: '%SRCROOT%' },
          region: { startLine: line, startColumn: column, endLine, endColumn },
        },
      },
    ],
    partialFingerprints: { 'nhiHygiene/v1': finding.fingerprint },
    properties: { category: finding.category, ...(finding.maskedSecret ? { maskedSecret: finding.maskedSecret } : {}) },
  };
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}
