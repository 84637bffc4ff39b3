import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import type { Report, Rule } from '../../server/src/engine/types';
import { ciSecretReferenceFixes, hasCiSecretSite } from './literal-to-ci-secret';
import { environmentLookupFixes, hasLookupSite, lookupFixGrammar } from './literal-to-env';
import { hasTerraformVariableSite, isTerraformConfiguration, terraformVariableFixes } from './literal-to-tf-variable';

/**
 * A secret rule with the run-time reference fixes added: its findings in source-code literals
 * (an environment lookup that fails closed, literal-to-env.ts; the grammar is loaded and the file
 * parsed only for files with a finding), in Terraform arguments (a sensitive variable,
 * literal-to-tf-variable.ts) and in workflow and Compose values (a secret reference,
 * literal-to-ci-secret.ts) are marked fixable.
 */
export function withSecretReferenceFix(rule: Rule): Rule {
  // Secret rules for every file kind, or for code. A rule made for workflows alone
  // (gha-secret-echoed-to-logs) reports something else than a literal and has its own advice.
  const CODE_KINDS = ['javascript', 'typescript', 'python', 'go', 'java'] as const;
  const readsFixable = rule.fileKinds === '*' || CODE_KINDS.some((kind) => rule.fileKinds.includes(kind));
  if (rule.category !== 'secret' || rule.fix || !readsFixable) return rule;
  const fallbackName = 'secret';
  // Rules named for one vendor (`sec-openai`), not for a family of formats (`sec-provider-tokens`).
  const vendor = /^sec-([a-z][a-z0-9]+)$/.exec(rule.id)?.[1]?.toUpperCase();
  return {
    ...rule,
    async check(context) {
      const reports: Report[] = [];
      await rule.check({ ...context, report: (report) => void reports.push(report) });
      if (reports.length === 0) return;
      const { document } = context;
      const grammar = lookupFixGrammar(document);
      const terraform = isTerraformConfiguration(document);
      if (grammar) await ensureLanguage(grammar);
      if (terraform) await ensureLanguage('hcl');
      const hasSite = grammar ? hasLookupSite : terraform ? hasTerraformVariableSite : hasCiSecretSite;
      for (const report of reports) context.report({ ...report, fixable: report.fixable !== false && hasSite(document, report.span) });
    },
    fix({ document, finding }) {
      // A rule may say what the value is where the code gives it no name (`login("bot", "…")`: a password).
      const unnamed = typeof finding.data?.valueName === 'string' ? finding.data.valueName : fallbackName;
      if (lookupFixGrammar(document)) return environmentLookupFixes(document, finding.span, vendor, unnamed);
      if (isTerraformConfiguration(document)) return terraformVariableFixes(document, finding.span);
      return ciSecretReferenceFixes(document, finding.span);
    },
  };
}
