import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import { ParsedDocument } from '../../server/src/engine/parsed-document';

const SOURCE = `import jwt from 'jsonwebtoken';

export function issue(id: string, key: string): string {
  const secret = process.env.SIGNING_KEY || 'fallback-value-1234';
  return jwt.sign({ sub: id }, secret, { expiresIn: '15m' });
}
`;

describe('incremental parsing', () => {
  it('gives the same tree as a full parse after each of many random edits', async () => {
    await ensureLanguage('typescript');
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = ['a', '(', ')', '{', '}', ';', "'", '\n', ' ', 'é', '𝒳', '||', '"'];
    let text = SOURCE;
    let previous = ParsedDocument.of('src/a.ts', text, 0);
    previous.tree('typescript');
    for (let version = 1; version <= 200; version++) {
      const at = random(text.length + 1);
      const removed = random(3);
      text = text.slice(0, at) + alphabet[random(alphabet.length)]! + text.slice(Math.min(text.length, at + removed));
      const incremental = ParsedDocument.of('src/a.ts', text, version, previous);
      const fresh = ParsedDocument.of('src/a.ts', text, version);
      assert.equal(incremental.tree('typescript').rootNode.toString(), fresh.tree('typescript').rootNode.toString(), `edit ${version} at ${at}`);
      fresh.dispose();
      previous.dispose();
      previous = incremental;
    }
    previous.dispose();
  });
});

describe('a parse given up for time', () => {
  it('does not leak into the next parse: the next document gets its own tree', async () => {
    await ensureLanguage('hcl');
    // Thousands of stray quotes after a long run of blanks make error recovery slow (superlinear):
    // past the budget, the parse is given up.
    const hostile = `resource "vault_token" "m" {\n  policies = ["x"]\n  ${' '.repeat(20_000)}${'"'.repeat(12_000)}\n  renewable = false\n}\n`;
    const given = ParsedDocument.of('hostile.tf', hostile);
    assert.throws(() => given.tree('hcl'), /in time/);
    given.dispose();
    const text = 'resource "tls_self_signed_cert" "ca" {\n  validity_period_hours = 87600\n}\n';
    const next = ParsedDocument.of('main.tf', text);
    const root = next.tree('hcl').rootNode;
    assert.equal(root.hasError, false, root.toString());
    assert.equal(root.endIndex, text.length);
    next.dispose();
  });

  it('computes a derived value once per version, and again for a version whose YAML entries moved on', () => {
    let calls = 0;
    const jobIds = (document: ParsedDocument) => {
      calls++;
      const contents = document.yaml()[0]!.contents as unknown as { items: Array<{ key: { value: string }; value: { items: Array<{ key: { value: string } }> } }> };
      return contents.items.find((pair) => pair.key.value === 'jobs')!.value.items.map((pair) => pair.key.value);
    };
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const text = `name: ci\njobs:\n${Array.from({ length: 300 }, (_, n) => job(n)).join('')}`;
    const first = ParsedDocument.of('.github/workflows/ci.yml', text, 1);
    assert.equal(first.derived(jobIds), first.derived(jobIds));
    assert.equal(calls, 1, 'shared by every caller of the version');
    const edited = text.replace('build-7:', 'build-seven:');
    const second = ParsedDocument.of('.github/workflows/ci.yml', edited, 2, first);
    assert.equal(second.derived(jobIds)[7], 'build-seven');
    assert.equal(calls, 2);
    // The second version took over the first's YAML entries (their ranges moved), so the first
    // derives afresh from its own text if asked again.
    assert.equal(first.derived(jobIds)[7], 'build-7');
    assert.equal(calls, 3);
    second.dispose();
    first.dispose();
  });
});
