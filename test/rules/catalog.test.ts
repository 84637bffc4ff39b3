/**
 * The rule catalog (`../shared/research/rule-catalog.md`) against the registry: every rule it
 * describes is registered, documented and has fixtures, and what it labels a template rather
 * than a finding is not a rule. Skipped, with a message, where the catalog is not beside the
 * checkout.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';

const ROOT = join(__dirname, '..', '..');
const CATALOG = process.env.NHI_RULE_CATALOG ?? join(ROOT, '..', 'shared', 'research', 'rule-catalog.md');

/** A catalog entry's heading: ``### `rule-id` — title [CATEGORY] severity``. */
const ENTRY_HEADING = /^### `([a-z0-9-]+)`(.*)$/gm;
/** Entries that describe the templates a quick fix inserts, not a finding of their own. */
const TEMPLATE_ENTRY = /\(not a finding\)|quick-fix templates/;

function catalogEntries(text: string): { id: string; template: boolean }[] {
  return [...text.matchAll(ENTRY_HEADING)].map((match) => ({ id: match[1]!, template: TEMPLATE_ENTRY.test(match[2]!) }));
}

const available = existsSync(CATALOG);
if (!available) console.log(`# rule catalog: skipped, no catalog at ${CATALOG} (set NHI_RULE_CATALOG)`);

describe('rule catalog coverage', { skip: available ? false : `no rule catalog at ${CATALOG}` }, () => {
  const entries = available ? catalogEntries(readFileSync(CATALOG, 'utf8')) : [];
  const registered = new Map(allRules.map((rule) => [rule.id, rule]));

  it('reads the catalog entries', () => {
    // Guards the heading pattern: a catalog whose headings it no longer reads would pass below.
    assert.ok(entries.filter((entry) => !entry.template).length >= 50, `only ${entries.length} entries read from ${CATALOG}`);
  });

  for (const entry of entries.filter((e) => !e.template)) {
    it(`${entry.id} is a registered rule with docs and fixtures`, () => {
      const rule = registered.get(entry.id);
      assert.ok(rule, `${entry.id} is in the catalog but not in rules/index.ts`);
      const dir = join(ROOT, 'rules', entry.id);
      assert.ok(readFileSync(join(dir, 'docs.md'), 'utf8').trim().length > 200, `rules/${entry.id}/docs.md is missing or empty`);
      for (const kind of ['positive', 'negative']) {
        const fixtures = join(dir, 'fixtures', kind);
        assert.ok(existsSync(fixtures) && readdirSync(fixtures).length > 0, `rules/${entry.id}/fixtures/${kind}/ is empty`);
      }
    });
  }

  it('template entries are not registered as rules', () => {
    const templates = entries.filter((entry) => entry.template).map((entry) => entry.id);
    assert.deepEqual(templates.filter((id) => registered.has(id)), []);
  });
});
