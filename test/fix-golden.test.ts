/**
 * Golden fixes: `rules/<id>/fixtures/fix/<name>.before.<ext>` is scanned with its rule, the
 * preferred fix of the first fixable finding is applied, and the result must equal
 * `<name>.after.<ext>` byte for byte. The .after files are written by hand: minimal edits, with
 * comments, quoting, indentation and line endings of untouched text kept.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allRules } from '../rules/index';
import { applyEdits } from '../server/src/engine/fix/text-diff';
import { ParsedDocument } from '../server/src/engine/parsed-document';
import { Scanner } from '../server/src/engine/runner';
import type { Rule } from '../server/src/engine/types';

const RULES_DIR = join(__dirname, '..', 'rules');

/** Shows line endings and trailing spaces, so a byte difference is visible in the failure. */
const visible = (text: string) => text.replace(/\r/g, '␍').replace(/[ \t]+$/gm, (spaces) => spaces.replace(/ /g, '·'));

async function preferredFixResult(rule: Rule, path: string, text: string): Promise<string> {
  const config = { rules: { [rule.id]: { severity: rule.defaultSeverity } } };
  const document = ParsedDocument.of(path, text);
  const scanner = new Scanner([rule]);
  const result = await scanner.scan(document, config);
  assert.deepEqual(result.failures, []);
  const finding = result.findings.find((f) => f.ruleId === rule.id && f.fixable);
  assert.ok(finding, `${path}: no fixable ${rule.id} finding`);
  const fixes = scanner.fixes(document, finding, config);
  // The preferred fix, or the only fix a rule offers (one that needs review is not preferred).
  const preferred = fixes.find((fix) => fix.isPreferred) ?? (fixes.length === 1 ? fixes[0] : undefined);
  assert.ok(preferred, `${path}: no preferred or single fix among ${fixes.length}`);
  return applyEdits(text, preferred.edits);
}

const goldenRules = allRules.filter((rule) => existsSync(join(RULES_DIR, rule.id, 'fixtures', 'fix')));

describe('golden fixes', () => {
  it('every fixable rule among the golden-tested ones has a case, and every case has both halves', () => {
    for (const rule of goldenRules) {
      const files = readdirSync(join(RULES_DIR, rule.id, 'fixtures', 'fix'));
      const befores = files.filter((file) => /\.before\.[^/]+$/.test(file));
      assert.ok(befores.length > 0, `rules/${rule.id}/fixtures/fix has no .before files`);
      for (const file of files) {
        const twin = file.includes('.before.') ? file.replace('.before.', '.after.') : file.replace('.after.', '.before.');
        assert.ok(/\.(before|after)\./.test(file), `rules/${rule.id}/fixtures/fix/${file} is neither .before nor .after`);
        assert.ok(files.includes(twin), `rules/${rule.id}/fixtures/fix/${file} has no ${twin}`);
      }
    }
  });

  for (const rule of goldenRules) {
    const dir = join(RULES_DIR, rule.id, 'fixtures', 'fix');
    describe(rule.id, () => {
      for (const before of readdirSync(dir).filter((file) => file.includes('.before.')).sort()) {
        const after = before.replace('.before.', '.after.');
        // `fix/<name>.<ext>`: the extension (and for workflows, the content) decides the file kind.
        const path = `fix/${before.replace('.before.', '.')}`;
        it(before.replace(/\.before\..*$/, ''), async () => {
          const text = readFileSync(join(dir, before), 'utf8');
          const want = readFileSync(join(dir, after), 'utf8');
          const got = await preferredFixResult(rule, path, text);
          if (got !== want) assert.equal(visible(got), visible(want), `${rule.id}/${before}: fix output differs from ${after}`);
          assert.equal(got, want);
        });
      }
    });
  }
});
