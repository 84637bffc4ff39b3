import { isScalar, type Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { nodeSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { ensureLanguage, type SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Report, Span } from '../../server/src/engine/types';
import { cfnPath, cfnRefTarget, cfnResources } from '../lib/cloudformation';
import { hclAttribute, hclBlocks, hclBodyOf, hclChildBlocks, hclHeaderSpan, hclLiteral, hclLiteralNode, hclReferrers, type HclBlock } from '../lib/hcl';
import docs from './docs.md';

type Say = (report: Report) => void;

/** Where a rotation interval is written, what it allows, and the text that would set it to the limit. */
interface Interval {
  readonly days: number;
  readonly span: Span;
  /** How the fix sets it to the limit: the number of days, or the number of a `rate(...)`; none for a cron schedule, which only a person can choose. */
  readonly rewrite?: 'days' | 'rate';
}

const RATE = /^rate\([ \t]*(\d{1,6})[ \t]+(days?|hours?)[ \t]*\)$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * The longest wait between rotations a Secrets Manager schedule expression allows, in days:
 * `rate(N days)`, `rate(N hours)`, or a `cron(...)` by the months it runs in (one that runs
 * every month counts as 30 days). Undefined for what cannot be read.
 */
export function scheduleDays(expression: string): number | undefined {
  const text = expression.trim();
  const rate = RATE.exec(text);
  if (rate) return rate[2]!.startsWith('day') ? Number(rate[1]) : Number(rate[1]) / 24;
  if (!text.startsWith('cron(') || !text.endsWith(')')) return undefined;
  const fields = text.slice(5, -1).trim().split(/[ \t]+/);
  if (fields.length !== 6) return undefined;
  const months = cronMonths(fields[3]!);
  if (!months || months.length === 0) return undefined;
  // The largest gap between consecutive months it runs in, around the year, counted at 30 days a
  // month so that a quarterly schedule meets a 90-day limit, as its author means it to.
  let gap = 12 - months[months.length - 1]! + months[0]!;
  for (let i = 1; i < months.length; i++) gap = Math.max(gap, months[i]! - months[i - 1]!);
  return gap * 30;
}

/** The months (1-12, sorted) a cron month field selects: `*`, lists, ranges, steps and names. */
function cronMonths(field: string): number[] | undefined {
  const selected = new Set<number>();
  const month = (token: string) => {
    const index = MONTHS.indexOf(token.toUpperCase());
    const value = index >= 0 ? index + 1 : /^\d{1,2}$/.test(token) ? Number(token) : NaN;
    return value >= 1 && value <= 12 ? value : undefined;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : /^\d{1,2}$/.test(stepText) ? Number(stepText) : 0;
    if (!range || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*') [from, to] = [1, 12];
    else if (range.includes('-')) [from, to] = range.split('-').map(month);
    else [from, to] = [month(range), stepText === undefined ? month(range) : 12];
    if (from === undefined || to === undefined || from > to) return undefined;
    for (let value = from; value <= to; value += step) selected.add(value);
  }
  return [...selected].sort((a, b) => a - b);
}

export default defineRule({
  id: 'iac-secret-rotation',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['cloudformation', 'terraform'],
  keywords: ['secretsmanager'],
  // Reads the YAML tree for CloudFormation and the HCL tree (loaded below) for Terraform.
  syntax: 'yaml',
  options: {
    maxDays: {
      type: 'number',
      default: 90,
      description: 'Longest acceptable time between rotations of a Secrets Manager secret, in days (AWS Config secretsmanager-secret-periodic-rotation default); the quick fix writes this value.',
    },
  },
  docs,
  async check({ document, options, report }) {
    const maxDays = Number(options.maxDays);
    if (document.codeLanguage === 'hcl') {
      await ensureLanguage('hcl');
      checkTerraform(document, maxDays, report);
    } else if (document.hasKind('cloudformation')) {
      checkCloudFormation(document, maxDays, report);
    }
  },
  fix({ document, finding, options }) {
    const data = finding.data as { rewrite?: 'days' | 'rate' } | undefined;
    const limit = Number(options.maxDays);
    if (!data?.rewrite) return [];
    const current = document.text.slice(finding.span[0], finding.span[1]);
    // The span is the number, or the whole `rate(...)` expression.
    const newText = data.rewrite === 'days' ? String(limit) : `rate(${limit} days)`;
    if (newText === current) return [];
    return [{ title: `Rotate every ${limit} days`, edits: [{ span: finding.span, newText }] }];
  },
});

function reportInterval(interval: Interval, name: string, maxDays: number, report: Say): void {
  if (!(interval.days > maxDays)) return;
  const days = Number.isInteger(interval.days) ? String(interval.days) : interval.days.toFixed(1);
  report({
    span: interval.span,
    message: `${name} lets ${days} days pass between rotations of its secret, over the ${maxDays}-day limit: a copied credential stays valid that long. Rotate at least every ${maxDays} days.`,
    construct: name,
    fixable: interval.rewrite !== undefined,
    ...(interval.rewrite ? { data: { rewrite: interval.rewrite } } : {}),
  });
}

function reportUnrotated(span: Span, name: string, how: string, maxDays: number, report: Say): void {
  report({
    span,
    severity: 'info',
    // Rotation needs a function that knows the credential's system: nothing a fix can write.
    fixable: false,
    message: `${name} is never rotated (${how}): the credential it holds stays valid until someone changes it by hand, so a copy leaked once keeps working. Add a rotation schedule of at most ${maxDays} days with a rotation function, or let the owning service manage the secret (for RDS, manage_master_user_password).`,
    construct: name,
  });
}

// --- Terraform ------------------------------------------------------------------------------

function checkTerraform(document: ParsedDocument, maxDays: number, report: Say): void {
  const blocks = hclBlocks(document.tree('hcl'));
  const isRotation = (block: HclBlock) => block.type === 'resource' && block.labels[0] === 'aws_secretsmanager_secret_rotation';
  const rotations = hclReferrers(blocks, 'aws_secretsmanager_secret', isRotation);
  for (const block of blocks) {
    if (block.type !== 'resource') continue;
    const type = block.labels[0];
    const name = `${type}.${block.labels[1] ?? ''}`;
    if (type === 'aws_secretsmanager_secret_rotation') {
      const interval = terraformInterval(block.body);
      if (interval) reportInterval(interval, name, maxDays, report);
    } else if (type === 'aws_secretsmanager_secret') {
      // Providers before 4.0 configured rotation on the secret itself.
      if (hclAttribute(block.body, 'rotation_lambda_arn') || hclChildBlocks(block.body, 'rotation_rules').length > 0) {
        const interval = terraformInterval(block.body);
        if (interval) reportInterval(interval, name, maxDays, report);
      } else if (!rotations.has(name)) {
        reportUnrotated(hclHeaderSpan(block), name, 'no aws_secretsmanager_secret_rotation in this file refers to it', maxDays, report);
      }
    }
  }
}

function terraformInterval(body: SyntaxNode | undefined): Interval | undefined {
  const rules = hclChildBlocks(body, 'rotation_rules')[0];
  const rulesBody = hclBodyOf(rules);
  const after = hclAttribute(rulesBody, 'automatically_after_days');
  const afterDays = after ? hclLiteral(after.value) : undefined;
  if (after && typeof afterDays === 'number') {
    const node = hclLiteralNode(after.value);
    return { days: afterDays, span: [node.startIndex, node.endIndex], rewrite: 'days' };
  }
  const schedule = hclAttribute(rulesBody, 'schedule_expression');
  const expression = schedule ? hclLiteral(schedule.value) : undefined;
  if (!schedule || typeof expression !== 'string') return undefined;
  const days = scheduleDays(expression);
  const node = hclLiteralNode(schedule.value);
  // The span is the string without its quotes.
  return days === undefined ? undefined : { days, span: [node.startIndex + 1, node.endIndex - 1], ...(RATE.test(expression.trim()) ? { rewrite: 'rate' } : {}) };
}

// --- CloudFormation ------------------------------------------------------------------------

function checkCloudFormation(document: ParsedDocument, maxDays: number, report: Say): void {
  for (const yaml of document.yaml()) {
    const resources = cfnResources(yaml.contents);
    const rotated = new Set<string>();
    let unknownTarget = false;
    for (const resource of resources) {
      if (resource.type !== 'AWS::SecretsManager::RotationSchedule') continue;
      const target = cfnRefTarget(cfnPath(resource.properties, 'SecretId'));
      if (target === undefined) unknownTarget = true;
      else rotated.add(target);
      const interval = cloudFormationInterval(document.text, cfnPath(resource.properties, 'RotationRules'));
      if (interval) reportInterval(interval, resource.logicalId, maxDays, report);
    }
    // A schedule for a secret named by ARN or import may be this template's: nothing is said then.
    if (unknownTarget) continue;
    for (const resource of resources) {
      if (resource.type !== 'AWS::SecretsManager::Secret' || rotated.has(resource.logicalId)) continue;
      const span = nodeSpan(resource.keyNode);
      if (span) reportUnrotated(span, resource.logicalId, 'no AWS::SecretsManager::RotationSchedule in the template refers to it', maxDays, report);
    }
  }
}

function cloudFormationInterval(text: string, rules: Node | null | undefined): Interval | undefined {
  const after = cfnPath(rules, 'AutomaticallyAfterDays');
  const span = nodeSpan(after);
  if (isScalar(after) && span) {
    const days = typeof after.value === 'number' ? after.value : /^\d{1,6}$/.test(String(after.value)) ? Number(after.value) : undefined;
    const [start, end] = unquoted(text, span);
    if (days !== undefined) return { days, span: [start, end], rewrite: 'days' };
  }
  const schedule = cfnPath(rules, 'ScheduleExpression');
  const expression = scalarString(schedule);
  const scheduleSpan = nodeSpan(schedule);
  if (expression === undefined || !scheduleSpan) return undefined;
  const days = scheduleDays(expression);
  return days === undefined ? undefined : { days, span: unquoted(text, scheduleSpan), ...(RATE.test(expression.trim()) ? { rewrite: 'rate' } : {}) };
}

function unquoted(text: string, [start, end]: Span): Span {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end - start >= 2 && (text[start] === '"' || text[start] === "'") && text[end - 1] === text[start]) return [start + 1, end - 1];
  return [start, end];
}
