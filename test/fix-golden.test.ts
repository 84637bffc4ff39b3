/**
 * Golden fixes: `rules/<id>/fixtures/fix/<name>.before.<ext>` is scanned with its rule, the
 * preferred (else first) fix of the first fixable finding is applied, and the result must equal
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
import type { NewFile, Rule } from '../server/src/engine/types';

const RULES_DIR = join(__dirname, '..', 'rules');

/** Shows line endings and trailing spaces, so a byte difference is visible in the failure. */
const visible = (text: string) => text.replace(/\r/g, '␍').replace(/[ \t]+$/gm, (spaces) => spaces.replace(/ /g, '·'));

async function preferredFixResult(rule: Rule, path: string, text: string, choose?: string): Promise<{ text: string; created: readonly NewFile[] }> {
  const config = { rules: { [rule.id]: { severity: rule.defaultSeverity } } };
  const document = ParsedDocument.of(path, text);
  const scanner = new Scanner([rule]);
  const result = await scanner.scan(document, config);
  assert.deepEqual(result.failures, []);
  const finding = result.findings.find((f) => f.ruleId === rule.id && f.fixable);
  assert.ok(finding, `${path}: no fixable ${rule.id} finding`);
  const fixes = scanner.fixes(document, finding, config);
  // The preferred fix, else the rule's first (one that needs review is not preferred; a second
  // action such as a companion file comes after the main one).
  // `<name>.choose.txt` names (by title prefix) another fix to test, e.g. a rule's second action.
  const preferred = choose !== undefined ? fixes.find((fix) => fix.title.startsWith(choose)) : (fixes.find((fix) => fix.isPreferred) ?? fixes[0]);
  assert.ok(preferred, `${path}: no fix${choose !== undefined ? ` titled '${choose}…' among ${fixes.map((fix) => fix.title).join(' | ')}` : ''}`);
  return { text: applyEdits(text, preferred.edits), created: preferred.createFiles ?? [] };
}

/**
 * Where a case is scanned: `fix/<name>.<ext>`, whose extension (and for workflows, content) decides
 * the file kind; CircleCI is recognised only at `.circleci/config.yml`, so a CircleCI rule's cases get a folder each.
 */
function goldenPath(rule: Rule, before: string): string {
  const caseName = before.replace(/\.before\..*$/, '');
  if (rule.fileKinds !== '*' && rule.fileKinds.every((kind) => kind === 'circleci')) return `fix/${caseName}/.circleci/config.yml`;
  // A composite action is recognised by its name, `action.yml`: cases named `…-action` are scanned as one.
  if (caseName.endsWith('-action')) return `fix/${caseName}/action.yml`;
  return `fix/${before.replace('.before.', '.')}`;
}

const goldenRules = allRules.filter((rule) => existsSync(join(RULES_DIR, rule.id, 'fixtures', 'fix')));

describe('golden fixes', () => {
  it('every fixable rule among the golden-tested ones has a case, and every case has both halves', () => {
    for (const rule of goldenRules) {
      const files = readdirSync(join(RULES_DIR, rule.id, 'fixtures', 'fix'));
      const befores = files.filter((file) => /\.before\.[^/]+$/.test(file));
      assert.ok(befores.length > 0, `rules/${rule.id}/fixtures/fix has no .before files`);
      for (const file of files) {
        if (/\.(new|choose)\./.test(file)) {
          const caseName = file.replace(/\.(new|choose)\..*$/, '');
          assert.ok(files.some((other) => other.startsWith(`${caseName}.before.`)), `rules/${rule.id}/fixtures/fix/${file} has no .before case`);
          continue;
        }
        const twin = file.includes('.before.') ? file.replace('.before.', '.after.') : file.replace('.after.', '.before.');
        assert.ok(/\.(before|after)\./.test(file), `rules/${rule.id}/fixtures/fix/${file} is neither .before, .after, .new nor .choose`);
        assert.ok(files.includes(twin), `rules/${rule.id}/fixtures/fix/${file} has no ${twin}`);
      }
    }
  });

  for (const rule of goldenRules) {
    const dir = join(RULES_DIR, rule.id, 'fixtures', 'fix');
    describe(rule.id, () => {
      for (const before of readdirSync(dir).filter((file) => file.includes('.before.')).sort()) {
        const after = before.replace('.before.', '.after.');
        const path = goldenPath(rule, before);
        it(before.replace(/\.before\..*$/, ''), async () => {
          const text = readFileSync(join(dir, before), 'utf8');
          const want = readFileSync(join(dir, after), 'utf8');
          const chooseFile = join(dir, `${before.replace(/\.before\..*$/, '')}.choose.txt`);
          const choose = existsSync(chooseFile) ? readFileSync(chooseFile, 'utf8').trim() : undefined;
          const { text: got, created } = await preferredFixResult(rule, path, text, choose);
          if (got !== want) assert.equal(visible(got), visible(want), `${rule.id}/${before}: fix output differs from ${after}`);
          assert.equal(got, want);
          // Files the fix creates: `<name>.new.<file name>`, one per created file, byte for byte.
          const caseName = before.replace(/\.before\..*$/, '');
          const expectedNew = readdirSync(dir).filter((file) => file.startsWith(`${caseName}.new.`)).sort();
          assert.deepEqual(created.map((file) => `${caseName}.new.${file.path}`).sort(), expectedNew, `${rule.id}/${before}: created files`);
          for (const file of created) {
            const wantNew = readFileSync(join(dir, `${caseName}.new.${file.path}`), 'utf8');
            if (file.text !== wantNew) assert.equal(visible(file.text), visible(wantNew), `${rule.id}/${before}: ${file.path} differs`);
          }
        });
      }
    });
  }
});
