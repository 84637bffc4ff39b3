import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { allRules } from '../rules';
import { README, rulesTable, withRulesTable } from '../scripts/write-readme-rules';

describe('README rules table', () => {
  it('lists every registered rule as the registry describes it (run `npm run readme:rules` after changing rules)', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, withRulesTable(readme, allRules));
  });

  it('has one row per rule, linking to its docs page', () => {
    const table = rulesTable(allRules);
    for (const rule of allRules) assert.ok(table.includes(`[\`${rule.id}\`](rules/${rule.id}/docs.md)`), rule.id);
    assert.equal(table.split('\n').filter((line) => line.startsWith('| [`')).length, allRules.length);
  });
});
