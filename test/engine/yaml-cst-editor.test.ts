import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, parseAllDocuments, parseDocument, visit, type Node } from 'yaml';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';

type BlockMap = NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>;

/** An editor on `text` and the block map at `path` (the root map for `[]`). */
function open(text: string, path: string[]): { editor: YamlCstEditor; map: BlockMap } {
  const doc = parseDocument(text);
  const node = (path.length ? doc.getIn(path, true) : doc.contents) as Node | undefined;
  assert.ok(node?.range, `no node at ${path.join('.')}`);
  const editor = new YamlCstEditor(text);
  const map = editor.blockMapAt(node.range[0]);
  assert.ok(map, `no block map at ${path.join('.')}`);
  return { editor, map };
}

function assertParses(text: string): void {
  for (const doc of parseAllDocuments(text)) assert.deepEqual(doc.errors.map((e) => e.message), [], `does not parse:\n${text}`);
}

const MAP = `root:
  # about a
  a: 1   # trailing a
  # about b
  b: "two"
  # about c
  c: 'three' # trailing c
after: x
`;

describe('YamlCstEditor', () => {
  it('prints unedited YAML back byte for byte', () => {
    const samples = [
      MAP,
      'a: 1\r\nb:\r\n  - x\r\n  - y # c\r\n',
      '---\nkind: A\n...\n---\n# doc 2\nkind: B\n',
      "flow: { a: 1, b: [x, 'y'] }\nblock: |\n  text\n   more\nfolded: >-\n  f\n",
      'no final newline: true',
      '\uFEFFbom: true\n',
    ];
    for (const text of samples) assert.equal(new YamlCstEditor(text).toString(), text);
  });

  it('gives each editor of the same text its own tokens (fixes of one file share one parse)', () => {
    const first = open(MAP, ['root']);
    assert.equal(first.editor.removeKeys(first.map, ['b']), 1);
    first.editor.setScalar(first.map, 'a', '9');
    const second = open(MAP, ['root']);
    assert.equal(second.editor.toString(), MAP);
    assert.equal(second.editor.removeKeys(second.map, ['c']), 2);
    assert.ok(second.editor.toString().includes('b: "two"'));
    assert.ok(!first.editor.toString().includes('b: "two"') && first.editor.toString().includes('a: 9'));
  });

  it('finds block maps by offset, and not flow maps', () => {
    const text = 'a:\n  b: 1\nflow: { c: 2 }\n';
    const doc = parseDocument(text);
    const editor = new YamlCstEditor(text);
    assert.ok(editor.blockMapAt((doc.get('a', true) as Node).range![0]));
    assert.ok(editor.blockMapAt((doc.contents as Node).range![0]), 'the root map');
    assert.equal(editor.blockMapAt((doc.get('flow', true) as Node).range![0]), undefined);
    assert.equal(editor.blockMapAt(1), undefined);
  });

  it('finds every block map of a nested document by its offset, the outermost where two start together', () => {
    const text = [
      'on: [push]',
      'jobs:',
      '  build:',
      '    # comment before steps',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with: { fetch-depth: 0 }',
      '      - name: deploy',
      '        env:',
      '          REGION: eu-west-1',
      '        with:',
      '          role: x',
      '      -',
      '      - - a: 1',
      '          b:',
      '            c: 2',
      '  test:',
      '    ? complex',
      '    : value: 3',
      '---',
      'second: { flow: 1 }',
      'third:',
      '  deep: true',
      '',
    ].join('\n');
    const offsets: number[] = [];
    for (const doc of parseAllDocuments(text)) {
      visit(doc, (_key, node) => {
        if (isMap(node) && node.flow !== true && node.range) offsets.push(node.range[0]);
      });
    }
    assert.ok(offsets.length >= 10);
    const editor = new YamlCstEditor(text);
    for (const offset of offsets) {
      const map = editor.blockMapAt(offset);
      assert.equal(map?.offset, offset, `the block map at ${offset} (${JSON.stringify(text.slice(offset, offset + 12))})`);
    }
    // `- uses:` starts both the sequence item's map and nothing else; `REGION` starts the env map, not a scalar.
    assert.equal(editor.blockMapAt(text.indexOf('REGION'))?.items.length, 1);
    assert.equal(editor.blockMapAt(text.indexOf('- uses') + 2)?.items.length, 2);
    assert.equal(editor.blockMapAt(text.indexOf('fetch-depth')), undefined, 'inside a flow map');
  });

  describe('removeKeys', () => {
    it('removes the middle item with its own comment line', () => {
      const { editor, map } = open(MAP, ['root']);
      assert.equal(editor.removeKeys(map, ['b']), 1);
      assert.equal(editor.toString(), "root:\n  # about a\n  a: 1   # trailing a\n  # about c\n  c: 'three' # trailing c\nafter: x\n");
    });

    it('removes the last item with its comments', () => {
      const { editor, map } = open(MAP, ['root']);
      assert.equal(editor.removeKeys(map, ['c']), 2);
      assert.equal(editor.toString(), 'root:\n  # about a\n  a: 1   # trailing a\n  # about b\n  b: "two"\nafter: x\n');
    });

    it('removes the first item with its comment line, as for the other positions', () => {
      const { editor, map } = open(MAP, ['root']);
      assert.equal(editor.removeKeys(map, ['a']), 0);
      const out = editor.toString();
      assertParses(out);
      assert.equal(out, "root:\n  # about b\n  b: \"two\"\n  # about c\n  c: 'three' # trailing c\nafter: x\n");
    });

    it('removes several keys and returns the index the first one had', () => {
      const text = 'with:\n  aws-region: us-east-1\n  # static keys\n  aws-access-key-id: x\n  aws-secret-access-key: y\n  mask: true\n';
      const { editor, map } = open(text, ['with']);
      assert.equal(editor.removeKeys(map, ['aws-secret-access-key', 'aws-access-key-id']), 1);
      assert.equal(editor.toString(), 'with:\n  aws-region: us-east-1\n  mask: true\n');
    });

    it('never empties a map, and reports keys it does not have', () => {
      const { editor, map } = open(MAP, ['root']);
      assert.equal(editor.removeKeys(map, ['a', 'b', 'c']), -1);
      assert.equal(editor.removeKeys(map, ['zzz']), -1);
      assert.equal(editor.toString(), MAP);
    });

    it('edits a nested map and leaves its parents alone', () => {
      const text = 'jobs:\n  build:\n    env:\n      A: 1\n      B: 2\n      C: 3\n    steps: []\n';
      const { editor, map } = open(text, ['jobs', 'build', 'env']);
      editor.removeKeys(map, ['B']);
      assert.equal(editor.toString(), 'jobs:\n  build:\n    env:\n      A: 1\n      C: 3\n    steps: []\n');
    });
  });

  describe('insertEntries', () => {
    it('inserts at index 0 before the first item and its comment', () => {
      const { editor, map } = open(MAP, ['root']);
      editor.insertEntries(map, 'z: 0\n', 0);
      const out = editor.toString();
      assertParses(out);
      assert.equal(out, "root:\n  z: 0\n  # about a\n  a: 1   # trailing a\n  # about b\n  b: \"two\"\n  # about c\n  c: 'three' # trailing c\nafter: x\n");
    });

    it('inserts in the middle, after the previous item and its trailing comment', () => {
      const { editor, map } = open(MAP, ['root']);
      editor.insertEntries(map, 'z: 0\n', 1);
      assert.equal(editor.toString(), "root:\n  # about a\n  a: 1   # trailing a\n  z: 0\n  # about b\n  b: \"two\"\n  # about c\n  c: 'three' # trailing c\nafter: x\n");
    });

    it('appends by default, re-indenting nested entries', () => {
      const { editor, map } = open(MAP, ['root']);
      editor.insertEntries(map, 'z: 0\ny:\n  n: 1\n');
      assert.equal(editor.toString(), "root:\n  # about a\n  a: 1   # trailing a\n  # about b\n  b: \"two\"\n  # about c\n  c: 'three' # trailing c\n  z: 0\n  y:\n    n: 1\nafter: x\n");
    });

    it('appends after nested maps, sequences and block scalars', () => {
      const cases: Array<[string, string]> = [
        ['a:\n  b:\n    c: 1\nf: 3\n', 'a:\n  b:\n    c: 1\n  z: 0\nf: 3\n'],
        ['a:\n  b:\n    - 1\n    - 2\nf: 3\n', 'a:\n  b:\n    - 1\n    - 2\n  z: 0\nf: 3\n'],
        ['a:\n  b: |\n    line\n  c: >-\n    folded\nf: 3\n', 'a:\n  b: |\n    line\n  c: >-\n    folded\n  z: 0\nf: 3\n'],
        ['a:\n  b: 1 # note\nf: 3\n', 'a:\n  b: 1 # note\n  z: 0\nf: 3\n'],
      ];
      for (const [before, after] of cases) {
        const { editor, map } = open(before, ['a']);
        editor.insertEntries(map, 'z: 0\n');
        assert.equal(editor.toString(), after, JSON.stringify(before));
      }
    });

    it('inserts into the root map and into a map that ends the file without a newline', () => {
      let { editor, map } = open('a: 1\nb: 2\n', []);
      editor.insertEntries(map, 'z: 0\n', 0);
      assert.equal(editor.toString(), 'z: 0\na: 1\nb: 2\n');
      ({ editor, map } = open('a:\n  b: 1\n  c: 2', ['a']));
      editor.insertEntries(map, 'z: 0\n');
      assertParses(editor.toString());
      assert.match(editor.toString(), /^a:\n {2}b: 1\n {2}c: 2\n {2}z: 0\n?$/);
    });

    it('keeps CRLF line endings in a CRLF file', () => {
      const { editor, map } = open('a:\r\n  b: 1\r\n  c: 2\r\nf: 3\r\n', ['a']);
      editor.insertEntries(map, 'z: 0\n', 1);
      assert.equal(JSON.stringify(editor.toString()), JSON.stringify('a:\r\n  b: 1\r\n  z: 0\r\n  c: 2\r\nf: 3\r\n'));
    });

    it('rejects text that is not block-map YAML', () => {
      const { editor, map } = open(MAP, ['root']);
      assert.throws(() => editor.insertEntries(map, '- a\n- b\n'), /block-map/);
    });
  });

  it('replaces removed keys in place (remove + insert at the returned index)', () => {
    const text = 'with:\n  aws-access-key-id: x # k\n  aws-secret-access-key: y\n  aws-region: "eu-west-1" # region\n';
    const { editor, map } = open(text, ['with']);
    const at = editor.removeKeys(map, ['aws-access-key-id', 'aws-secret-access-key']);
    editor.insertEntries(map, 'role-to-assume: arn:aws:iam::123456789012:role/r\n', at);
    assert.equal(editor.toString(), 'with:\n  role-to-assume: arn:aws:iam::123456789012:role/r\n  aws-region: "eu-west-1" # region\n');
  });

  it('sets scalars keeping their quoting and trailing comments', () => {
    const { editor, map } = open(`p:\n  a: "x" # keep\n  b: 'y'\n  c: z\n  d:\n    e: 1\n`, ['p']);
    assert.equal(editor.setScalar(map, 'a', 'write'), true);
    assert.equal(editor.setScalar(map, 'b', 'write'), true);
    assert.equal(editor.setScalar(map, 'c', 'write'), true);
    assert.equal(editor.setScalar(map, 'd', 'write'), false, 'not a scalar');
    assert.equal(editor.setScalar(map, 'missing', 'write'), false);
    assert.equal(editor.toString(), `p:\n  a: "write" # keep\n  b: 'write'\n  c: write\n  d:\n    e: 1\n`);
  });

  it('indexOf finds keys by their source text', () => {
    const { editor, map } = open(MAP, ['root']);
    assert.equal(editor.indexOf(map, 'a'), 0);
    assert.equal(editor.indexOf(map, 'c'), 2);
    assert.equal(editor.indexOf(map, 'nope'), -1);
  });
});
