import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureLanguage, type SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { nodeAt, parentOf } from '../../rules/lib/syntax';

const RULES = join(__dirname, '../../rules');

/** Every code and HCL fixture of every rule: realistic files in each grammar. */
function codeFixtures(): ParsedDocument[] {
  const documents: ParsedDocument[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith('.json') && !name.endsWith('.md')) {
        const document = ParsedDocument.of(path.slice(RULES.length + 1), readFileSync(path, 'utf8'));
        if (document.codeLanguage) documents.push(document);
        else document.dispose();
      }
    }
  };
  for (const rule of readdirSync(RULES)) if (existsSync(join(RULES, rule, 'fixtures'))) walk(join(RULES, rule, 'fixtures'));
  return documents;
}

/** The reference: the deepest node whose range holds the offset (start <= offset < end), by plain descent. */
function deepestAt(node: SyntaxNode, offset: number): SyntaxNode {
  for (const child of node.children) if (child && child.startIndex <= offset && offset < child.endIndex) return deepestAt(child, offset);
  return node;
}

describe('nodeAt and parentOf: random access into syntax trees', () => {
  it('finds the deepest node at every offset of every code fixture, and the same parents', async () => {
    const documents = codeFixtures();
    assert.ok(documents.length > 20, `only ${documents.length} code fixtures`);
    let compared = 0;
    for (const document of documents) {
      await ensureLanguage(document.codeLanguage!);
      const tree = document.tree(document.codeLanguage!);
      // Every offset, and a sparse ascending subset (jumps over whole subtrees).
      const every = Array.from({ length: document.text.length + 1 }, (_, i) => i);
      for (const offsets of [every, every.filter((i) => i % 37 === 0)]) {
        for (const offset of offsets) {
          const expected = deepestAt(tree.rootNode, offset);
          const actual = nodeAt(tree, offset);
          assert.deepEqual([actual.type, actual.startIndex, actual.endIndex], [expected.type, expected.startIndex, expected.endIndex], `${document.path} at ${offset}`);
          // Parents of the found node, and of a node reached another way (its first named child).
          for (const node of [actual, expected.namedChild(0)]) {
            if (node) assert.equal(parentOf(node)?.id, node.parent?.id, `${document.path}: parent of ${node.type} at ${offset}`);
          }
          compared++;
        }
      }
      document.dispose();
    }
    assert.ok(compared > 10_000);
  });

  it('answers offsets in any order and across wide nodes (more children than are scanned one by one)', async () => {
    await ensureLanguage('typescript');
    const statements = Array.from({ length: 200 }, (_, i) => `const name${i} = call${i}(${i});`);
    const document = ParsedDocument.of('a.ts', statements.join('\n'));
    const tree = document.tree('typescript');
    for (const i of [150, 3, 199, 0, 77]) {
      const at = document.text.indexOf(`call${i}(`);
      const node = nodeAt(tree, at);
      assert.equal(node.text, `call${i}`);
      assert.equal(parentOf(parentOf(node))?.text, `name${i} = call${i}(${i})`);
    }
    document.dispose();
  });
});
