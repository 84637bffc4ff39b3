import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import rule from '../../rules/gha-secrets-inherit';
import { applyEdits } from '../../server/src/engine/fix/text-diff';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

const WORKFLOWS = join(__dirname, '..', '..', 'rules', 'gha-secrets-inherit', 'fixtures', 'positive', '.github', 'workflows');
const config = { rules: { [rule.id]: { severity: rule.defaultSeverity } } };

async function fixAt(path: string, line: number): Promise<{ title: string; text: string } | undefined> {
  const text = readFileSync(path, 'utf8');
  const document = ParsedDocument.of(path, text);
  const scanner = new Scanner([rule]);
  const { findings } = await scanner.scan(document, config);
  const finding = findings.find((f) => text.slice(0, f.span[0]).split('\n').length === line);
  assert.ok(finding, `no finding on line ${line}`);
  const [fix] = scanner.fixes(document, finding, config);
  return fix && { title: fix.title, text: applyEdits(text, fix.edits) };
}

describe('gha-secrets-inherit fixes', () => {
  it('lists the secrets a local reusable workflow declares, at the key indentation', async () => {
    const fix = await fixAt(join(WORKFLOWS, 'release.yml'), 10);
    assert.equal(fix?.title, 'Pass only the secrets ./.github/workflows/build-images.yml declares: REGISTRY_USER, REGISTRY_TOKEN');
    assert.match(fix!.text, /\n {4}uses: \.\/\.github\/workflows\/build-images\.yml\n {4}secrets:\n {6}REGISTRY_USER: \$\{\{ secrets\.REGISTRY_USER \}\}\n {6}REGISTRY_TOKEN: \$\{\{ secrets\.REGISTRY_TOKEN \}\}\n {2}deploy:/);
  });

  it('removes the line when the called workflow declares no secrets', async () => {
    const fix = await fixAt(join(WORKFLOWS, 'release.yml'), 19);
    assert.equal(fix?.title, 'Remove secrets: inherit (the called workflow declares no secrets)');
    assert.ok(fix!.text.endsWith('  notes:\n    uses: ./.github/workflows/release-notes.yml\n'));
  });

  it("offers no fix for another repository's workflow, whose declaration it cannot read", async () => {
    assert.equal(await fixAt(join(WORKFLOWS, 'release.yml'), 16), undefined);
  });
});
