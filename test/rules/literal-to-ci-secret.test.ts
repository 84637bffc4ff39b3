/**
 * The run-time reference fix for secrets in workflows and Compose files: offered only where the
 * secret is a whole value under env/with/environment, named after its key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { applyEdits } from '../../server/src/engine/fix/text-diff';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

/** Each finding's fix applied alone, or undefined where the finding is not fixable. */
async function fixedTexts(path: string, text: string): Promise<Array<string | undefined>> {
  const document = ParsedDocument.of(path, text);
  const scanner = new Scanner(allRules);
  const { findings } = await scanner.scan(document, { rules: {} });
  return findings.map((finding) => {
    if (!finding.fixable) return undefined;
    const [fix] = scanner.fixes(document, finding, { rules: {} });
    return fix && applyEdits(text, fix.edits);
  });
}

const WORKFLOW = (body: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n${body}`;

describe('secret reference fix in CI files', () => {
  it('swaps a workflow env value for a secret of the same name, without the reserved GITHUB_ prefix', async () => {
    const text = WORKFLOW('    env:\n      GITHUB_DEPLOY_TOKEN: "Pr0d-Deploy!2024x"\n    steps:\n      - run: make\n');
    const [fixed] = await fixedTexts('ci.yml', text);
    assert.equal(fixed, text.replace('Pr0d-Deploy!2024x', '${{ secrets.DEPLOY_TOKEN }}'));
  });

  it('offers nothing for a secret inside a run script, where a reference would change the command', async () => {
    const text = WORKFLOW('    steps:\n      - run: mysql --password=Pr0d-Orders!2024 -e "select 1"\n');
    const results = await fixedTexts('ci.yml', text);
    assert.ok(results.length > 0, 'the literal is reported');
    assert.deepEqual(results, results.map(() => undefined));
  });

  it('reads a Compose list entry from the variable of its name and fails when it is unset', async () => {
    const text = 'services:\n  api:\n    image: acme/api:1\n    environment:\n      - API_PASSWORD=Pr0d-Orders!2024\n';
    const [fixed] = await fixedTexts('compose.yaml', text);
    assert.equal(fixed, text.replace('Pr0d-Orders!2024', '${API_PASSWORD:?API_PASSWORD is not set}'));
  });

  it('leaves other YAML alone: a Kubernetes env value needs a Secret, which has its own rule', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: acme/api:1\n      env:\n        - name: API_PASSWORD\n          value: "Pr0d-Orders!2024"\n';
    const results = await fixedTexts('pod.yaml', text);
    assert.ok(!results.some((result) => result?.includes('secrets.')), 'no workflow reference in a manifest');
  });
});
