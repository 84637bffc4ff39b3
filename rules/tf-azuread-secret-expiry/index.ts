import { defineRule } from '../../server/src/engine/define-rule';
import type { Fix } from '../../server/src/engine/types';
import { hclAttribute, hclBlockHolding, hclBlocks, hclExpiry, hclHeaderSpan, hclStringSpan } from '../lib/hcl';
import { azureGithubFederatedCredential, terraformName } from '../lib/trust-templates';
import { parseGoDuration } from '../lib/go-duration';
import docs from './docs.md';

const PASSWORD_RESOURCES = new Set(['azuread_application_password', 'azuread_service_principal_password']);
const DAY = 86400;

export default defineRule({
  id: 'tf-azuread-secret-expiry',
  category: 'missing-ttl',
  defaultSeverity: 'warning',
  fileKinds: ['terraform'],
  keywords: ['azuread_application_password', 'azuread_service_principal_password'],
  pattern: /resource[ \t]+"?azuread_(?:application|service_principal)_password\b/,
  syntax: 'code',
  options: {
    maxDays: {
      type: 'number',
      default: 180,
      description: 'Longest acceptable client secret lifetime in days (Microsoft recommends rotating secrets at least every six months).',
    },
  },
  docs,
  check({ document, options, report }) {
    const maxDays = Number(options.maxDays);
    for (const block of hclBlocks(document.tree('hcl'))) {
      if (block.type !== 'resource' || !PASSWORD_RESOURCES.has(block.labels[0] ?? '')) continue;
      const name = `${block.labels[0]}.${block.labels[1] ?? ''}`;
      const endDate = hclAttribute(block.body, 'end_date');
      const relative = hclAttribute(block.body, 'end_date_relative');
      if (!endDate && !relative) {
        report({
          span: hclHeaderSpan(block),
          severity: 'error',
          message: `${name} has no end_date, so Entra ID gives the client secret its default lifetime of two years; set an end date of at most ${maxDays} days and rotate it (time_rotating), or replace the secret with a federated identity credential.`,
          construct: `${name}:no-end-date`,
        });
        continue;
      }
      if (relative) {
        const text = hclStringSpan(relative.value);
        const seconds = text ? parseGoDuration(text.value) : undefined;
        if (seconds !== undefined && seconds > maxDays * DAY) {
          report({
            span: [relative.node.startIndex, relative.node.endIndex],
            message: `${name} keeps its client secret for ${Math.round(seconds / DAY)} days (end_date_relative = "${text!.value}"), over the ${maxDays}-day limit; a leaked secret stays usable that long.`,
            construct: `${name}:end_date_relative`,
            data: { start: text!.start, end: text!.end },
          });
        }
      }
      if (!endDate) continue;
      const expiry = hclExpiry(endDate.value);
      if (expiry && 'date' in expiry) {
        if (expiry.days > maxDays) {
          report({
            span: [endDate.node.startIndex, endDate.node.endIndex],
            message: `${name} is valid until ${expiry.date.slice(0, 10)}, ${Math.round(expiry.days)} days from now and over the ${maxDays}-day limit; a fixed far end date means the secret is never rotated. Derive the end date from a time_rotating resource, or replace the secret with a federated identity credential.`,
            construct: `${name}:end_date`,
            fixable: false,
          });
        }
        continue;
      }
      // end_date = timeadd(<start>, "<duration>")
      if (expiry && 'seconds' in expiry && expiry.seconds > maxDays * DAY) {
        const { duration, seconds } = expiry;
        report({
          span: [endDate.node.startIndex, endDate.node.endIndex],
          message: `${name} keeps its client secret for ${Math.round(seconds / DAY)} days (timeadd of "${duration.value}"), over the ${maxDays}-day limit; a leaked secret stays usable that long.`,
          construct: `${name}:end_date`,
          data: { start: duration.start, end: duration.end },
        });
      }
    }
  },
  fix({ document, finding, options }) {
    const fixes: Fix[] = [];
    const start = finding.data?.start as number | undefined;
    const end = finding.data?.end as number | undefined;
    if (start !== undefined && end !== undefined) {
      const hours = `${Number(options.maxDays) * 24}h`;
      fixes.push({ title: `Shorten the secret's lifetime to ${hours}`, edits: [{ span: [start, end], newText: hours }] });
    }
    // The way to no secret at all: a federated identity credential on the same application.
    const block = hclBlockHolding(document.tree('hcl'), finding.span, new Set(['resource']));
    if (block) {
      const reference = ['application_id', 'application_object_id'].map((attribute) => ({ attribute, found: hclAttribute(block.body, attribute) })).find(({ found }) => found);
      const application = reference?.found ? { attribute: reference.attribute, value: reference.found.value.text } : undefined;
      fixes.push(azureGithubFederatedCredential(terraformName(block.labels[1], 'secret'), application));
    }
    return fixes;
  },
});
