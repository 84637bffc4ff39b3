/**
 * The incremental YAML parse must give what the whole-document parse gives for every document
 * that parses: same nodes, values, ranges, errors and warnings (comments aside: no rule reads
 * them). A broken document parses with its errors contained to the entries they are in, which is
 * not what the whole-document parse gives; there it must give, from any previous version, what
 * it gives from none (the editor shows what the CLI reports), and still report errors. Checked
 * on every YAML file of the rule fixtures, the examples and the corpora, each grown past the size
 * where splitting starts, and then through long runs of random edits, each version parsed from
 * the previous one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { ParseBudgetError } from '../../server/src/engine/parse/tree-sitter';
import { blankTemplateActions, parseYamlVersion } from '../../server/src/engine/parse/yaml';
import { CHUNKED_MIN_LENGTH, parseYamlChunked, type YamlChunkState } from '../../server/src/engine/parse/yaml-chunks';
import { collectFiles } from '../../server/src/node/files';

const ROOT = join(__dirname, '..', '..');
const OPTIONS = { uniqueKeys: false, strict: false, prettyErrors: false } as const;

/** A comparable picture of a parse: node kinds, ranges, scalar values and styles, errors. */
function picture(text: string, documents: ReturnType<typeof parseAllDocuments>): unknown {
  const node = (value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    if (isPair(value)) return { pair: [node(value.key), node(value.value)] };
    if (isScalar(value)) return { scalar: value.value, type: value.type, range: value.range, tag: value.tag, anchor: value.anchor };
    if (isAlias(value)) return { alias: value.source, range: value.range };
    if (isMap(value) || isSeq(value)) return { [isMap(value) ? 'map' : 'seq']: value.items.map(node), flow: !!value.flow, range: value.range, tag: value.tag, anchor: value.anchor };
    return { other: String(value) };
  };
  const docs = Array.isArray(documents) ? documents : [documents];
  return {
    length: text.length,
    documents: docs.map((document) => ({
      contents: node(document.contents),
      range: document.range,
      errors: document.errors.map((error) => [error.code, ...error.pos]),
      warnings: document.warnings.map((warning) => [warning.code, ...warning.pos]),
    })),
  };
}

/**
 * Equal pictures. Compared as a flat token list built with an explicit stack: an unclosed `[` can
 * nest the rest of a file thousands of levels deep, past the stack that `deepEqual` and
 * `JSON.stringify` need; `deepEqual` then shows where shallow pictures differ.
 */
function assertSamePicture(actual: unknown, expected: unknown, message?: string): void {
  const a = flatten(actual);
  const b = flatten(expected);
  if (a.length === b.length && a.every((token, index) => token === b[index])) return;
  const firstDifference = a.findIndex((token, index) => token !== b[index]);
  assert.fail(`${message ?? 'pictures differ'}: at token ${firstDifference}, ${a[firstDifference]} vs ${b[firstDifference]}`);
}

/** Every key, primitive and bracket of a JSON-like value, in order, without recursion. */
function flatten(value: unknown): string[] {
  const tokens: string[] = [];
  const stack: unknown[] = [value];
  const CLOSE = Symbol('close');
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === CLOSE) {
      tokens.push(')');
    } else if (next !== null && typeof next === 'object') {
      tokens.push(Array.isArray(next) ? '[' : '{');
      stack.push(CLOSE);
      const entries = Array.isArray(next) ? next.map((item, index) => [String(index), item] as const) : Object.entries(next);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i]![1]);
        stack.push(`key:${entries[i]![0]}`);
      }
    } else {
      tokens.push(typeof next === 'string' ? next : `${typeof next}:${String(next)}`);
    }
  }
  return tokens;
}

/** The whole-document parse, of the text the engine parses (Go template actions blanked). */
const whole = (text: string) => picture(text, parseAllDocuments(text.includes('{{') ? blankTemplateActions(text) : text, OPTIONS));

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

/** Enough copies of the file's entries to pass the size where splitting starts, keys kept distinct. */
function grown(text: string): string {
  let out = text.endsWith('\n') ? text : `${text}\n`;
  for (let copy = 1; out.length < 3 * CHUNKED_MIN_LENGTH; copy++) out += text.replace(/^([A-Za-z_][\w.-]*):/gm, `$1_${copy}:`) + '\n';
  return out;
}

/** The same, indented under one top-level key: a large entry whose value is split into child entries. */
function nested(text: string): string {
  return `wrapper:\n${grown(text).replace(/^(?=.)/gm, '  ')}tail: end\n`;
}

function yamlFiles(): string[] {
  const dirs = [join(ROOT, 'rules'), join(ROOT, 'examples'), join(ROOT, '..', 'shared', 'corpus')];
  const { files } = collectFiles(ROOT, dirs, { respectGitignore: false });
  return files.filter((file) => /\.ya?ml$/i.test(file)).sort();
}

describe('incremental YAML', () => {
  const files = yamlFiles();

  it('finds the YAML fixtures', () => assert.ok(files.length > 200, `only ${files.length} YAML files`));

  it('parses every fixture, grown large, to what the whole-document parse gives', () => {
    let chunked = 0;
    for (const file of files) {
      for (const grow of [grown, nested]) {
        const text = grow(readFileSync(file, 'utf8'));
        const result = parseYamlVersion(text);
        if (!result.chunks) continue;
        chunked++;
        assert.deepEqual(picture(text, result.documents as never), whole(text), `${file} (${grow.name})`);
      }
    }
    assert.ok(chunked > files.length, `only ${chunked} of ${2 * files.length} texts were split`);
  });

  it('through random edits, each version parsed from the last, gives what a parse from scratch gives, and the whole-document parse where the text parses', () => {
    const next = random(20261123);
    const alphabet = ['x', 'a', '1', ' ', ' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', '&', '*', '|', '>', '\t', '?', ','];
    let edits = 0;
    let reused = 0;
    let clean = 0;
    for (const [index, file] of files.entries()) {
      if (index % 6 !== 0) continue;
      let text = (index % 2 === 0 ? grown : nested)(readFileSync(file, 'utf8'));
      let state: YamlChunkState | undefined = parseYamlVersion(text).chunks;
      for (let step = 0; step < 25; step++) {
        const at = next(text.length + 1);
        const before = text;
        text = next(4) === 0 && at < text.length ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + alphabet[next(alphabet.length)]! + text.slice(at);
        const parsed = parseYamlVersion(text, state);
        if (state && parsed.chunks) reused++;
        state = parsed.chunks;
        edits++;
        const where = `${file} after edit ${step} at ${at}`;
        const actual = picture(text, parsed.documents as never);
        assertSamePicture(actual, picture(text, parseYamlVersion(text).documents as never), `${where}, against a parse from scratch`);
        const expected = whole(text) as { documents: Array<{ errors: unknown[] }> };
        if (expected.documents.every((document) => document.errors.length === 0)) {
          assertSamePicture(actual, expected, where);
          clean++;
        } else {
          assert.ok(parsed.documents.some((document) => document.errors.length > 0), `${where}: a broken text parsed without errors`);
          // Half the breaking edits are undone, as typing mends what it breaks: the walk keeps
          // coming back to texts that parse, each parsed from a broken version.
          if (next(2) === 0) text = before;
        }
      }
    }
    assert.ok(edits > 1000 && reused > edits / 4, `${edits} edits, ${reused} parsed incrementally`);
    assert.ok(clean > edits / 8, `only ${clean} of ${edits} edited texts parse cleanly`);
  });

  it('parses only the edited entry again and reuses the others, moved by the edit', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const text = `name: ci\non: [push]\njobs:\n${Array.from({ length: 400 }, (_, n) => job(n)).join('')}`;
    const first = parseYamlVersion(text);
    assert.ok(first.chunks, 'a large workflow is split');
    const jobs = (documents: typeof first.documents) => (documents[0]!.contents as unknown as { items: Array<{ value: { items: Array<{ value: unknown }> } }> }).items[2]!.value.items;
    const before = jobs(first.documents);
    const at = text.indexOf('make part-200');
    const edited = `${text.slice(0, at)}x${text.slice(at)}`;
    const second = parseYamlVersion(edited, first.chunks);
    const after = jobs(second.documents);
    assert.equal(after[10]!.value, before[10]!.value, 'an entry before the edit is the same object');
    assert.equal(after[300]!.value, before[300]!.value, 'an entry after the edit is the same object, moved');
    assert.notEqual(after[200]!.value, before[200]!.value, 'the edited entry is parsed again');
    assert.deepEqual(picture(edited, second.documents as never), whole(edited));
  });

  it('parses a broken entry with its neighbours, and reuses the rest of the document', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const jobs = Array.from({ length: 400 }, (_, n) => job(n));
    // A quoted scalar left open in one job runs on into the next, where it closes.
    jobs[100] = jobs[100]!.replace('make part-100', '"make part-100');
    jobs[101] = jobs[101]!.replace('make part-101', 'make part-101"');
    const text = `name: ci\non: [push]\njobs:\n${jobs.join('')}`;
    const first = parseYamlVersion(text);
    assert.ok(first.chunks && first.documents.length === 1);
    assert.deepEqual(picture(text, first.documents as never), whole(text));
    const items = (documents: typeof first.documents) => (documents[0]!.contents as unknown as { items: Array<{ value: { items: Array<{ value: unknown }> } }> }).items[2]!.value.items;
    const before = items(first.documents);
    const at = text.indexOf('make part-300');
    const edited = `${text.slice(0, at)}x${text.slice(at)}`;
    const second = parseYamlVersion(edited, first.chunks);
    assert.deepEqual(picture(edited, second.documents as never), whole(edited));
    const after = items(second.documents);
    assert.equal(after[10]!.value, before[10]!.value, 'an entry far from the break is reused');
    assert.equal(after[100]!.value, before[100]!.value, 'the broken entry, parsed with its neighbour, is reused too');
  });

  it('contains a broken line to its entry: the entries after it keep their nodes, through edits next to it', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const text = `name: ci\non: [push]\njobs:\n${Array.from({ length: 400 }, (_, n) => job(n)).join('')}`;
    type Jobs = Array<{ key: { value: string }; value: unknown }>;
    const jobs = (documents: ReturnType<typeof parseYamlVersion>['documents']) => (documents[0]!.contents as unknown as { items: Array<{ value: { items: Jobs } }> }).items[2]!.value.items;
    const breaks: Record<string, [anchor: string, typed: string]> = {
      'a character typed at column 0 of a key with a value': ['    runs-on: ubuntu-latest\n', 'x'],
      'a character typed at column 0 of a key whose value is a sequence': ['    steps:\n', 'x'],
      'a quote left open': ['make part-', '"'],
    };
    for (const [why, [anchor, typed]] of Object.entries(breaks)) {
      const clean = parseYamlVersion(text);
      const before = jobs(clean.documents);
      const at = text.indexOf(anchor, text.indexOf('build-100:') - 2);
      const broken = `${text.slice(0, at)}${typed}${text.slice(at)}`;
      const parsed = parseYamlVersion(broken, clean.chunks);
      assert.ok(parsed.documents[0]!.errors.length > 0, `${why}: errors reported`);
      const after = jobs(parsed.documents);
      const build300 = after.find((pair) => pair.key.value === 'build-300');
      assert.equal(build300?.value, before[300]!.value, `${why}: a later job keeps its node`);
      assert.equal(after.find((pair) => pair.key.value === 'build-99')?.value, before[99]!.value, `${why}: an earlier job keeps its node`);
      // Typing goes on next to the break: the rest is still reused, and the result is the one a parse from scratch gives.
      const typedOn = `${broken.slice(0, at + typed.length)}y${broken.slice(at + typed.length)}`;
      const next = parseYamlVersion(typedOn, parsed.chunks);
      assert.equal(jobs(next.documents).find((pair) => pair.key.value === 'build-300')?.value, before[300]!.value, `${why}: reused after the next edit`);
      assertSamePicture(picture(typedOn, next.documents as never), picture(typedOn, parseYamlVersion(typedOn).documents as never), why);
    }
  });

  it('parses a broken entry that leaves nothing open alone, without tries that reach over the entries after it', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n        if: always()\n`;
    const text = `name: ci\njobs:\n${Array.from({ length: 300 }, (_, n) => job(n)).join('')}`;
    // A character typed into a step's indentation: a line at the jobs' indentation, with lines under it it cannot hold.
    const broken = text.replace('      - run: make part-100\n', '  x    - run: make part-100\n');
    const parsed = parseYamlVersion(broken);
    assert.ok(parsed.documents[0]!.errors.length > 0, 'the document is broken');
    const at = broken.indexOf('  x    - run');
    const nextKeyLineEnd = broken.indexOf('\n', broken.indexOf('  build-101:')) + 1;
    const tries = [...parsed.chunks!.entries.keys()].filter((key) => Number(key.split(':')[0]) === at);
    assert.ok(tries.length > 0);
    for (const key of tries) assert.ok(Number(key.split(':')[1]) <= nextKeyLineEnd, `${key} reaches past the next sibling's key line`);
    // An edit in a later job then parses that job, not the broken one's tries again.
    const later = broken.indexOf('make part-102');
    const edited = `${broken.slice(0, later)}y${broken.slice(later)}`;
    const next = parseYamlVersion(edited, parsed.chunks);
    assertSamePicture(picture(edited, next.documents as never), picture(edited, parseYamlVersion(edited).documents as never));
    const reparsed = [...next.chunks!.entries.entries()].filter(([, entry]) => typeof entry === 'object' && entry.range[0] <= at && entry.range[1] > at);
    assert.equal(reparsed.length, 1, 'the broken entry is kept as parsed alone');
  });

  it('keeps a line with no key at an entry\'s indentation in the entry before it, and the rest split', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const text = `name: ci\njobs:\n${Array.from({ length: 300 }, (_, n) => job(n)).join('')}tail: 1\n`;
    for (const [why, broken] of [
      ['a half-typed job key', text.replace('  build-100:\n', '  build-100:x\n')],
      ['a half-typed top-level key', text.replace('tail: 1\n', 'tail:1\n  more: 2\n')],
    ] as const) {
      const first = parseYamlVersion(broken);
      assert.ok(first.documents[0]!.errors.length > 0, `${why}: the document is broken`);
      assert.ok(parseYamlChunked(broken)?.document, `${why}: parsed by entries, not whole`);
      // An edit elsewhere parses its own entry; a job far from both keeps its node.
      const at = broken.indexOf('make part-200');
      const edited = `${broken.slice(0, at)}y${broken.slice(at)}`;
      const next = parseYamlVersion(edited, first.chunks);
      assertSamePicture(picture(edited, next.documents as never), picture(edited, parseYamlVersion(edited).documents as never), why);
      const jobOf = (documents: readonly unknown[]) =>
        ((documents[0] as { contents: { items: Array<{ key: { value: string }; value: { items: Array<{ key: { value: string }; value: unknown }> } }> } }).contents.items.find((pair) => pair.key.value === 'jobs')!.value.items.find((pair) => pair.key.value === 'build-250')!.value);
      assert.equal(jobOf(next.documents), jobOf(first.documents), `${why}: a job away from the edit keeps its node`);
    }
  });

  it('remembers the entries of a version it could not parse by entries, for the next one', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const text = `name: ci\njobs:\n${Array.from({ length: 400 }, (_, n) => job(n)).join('')}`;
    // A key line whose colon is inside a comment (being typed) cannot be parsed alone: that version is parsed whole.
    const broken = `${text}tail #:\n  more: 1\n`;
    const first = parseYamlVersion(broken);
    assert.equal(parseYamlChunked(broken)?.document, undefined, 'parsed whole');
    assert.ok(first.chunks, 'the entries that did parse are kept');
    assert.deepEqual(picture(broken, first.documents as never), whole(broken));
    const kept = [...first.chunks!.entries.values()].flatMap((entry) => (typeof entry === 'object' ? entry.items : []));
    const build5 = kept.find((pair) => isScalar(pair.key) && pair.key.value === 'build-5');
    assert.ok(build5, 'an entry parsed alone in the broken version');
    const mended = `${text}tail:\n  more: 1\n`;
    const second = parseYamlVersion(mended, first.chunks);
    assert.deepEqual(picture(mended, second.documents as never), whole(mended));
    const jobs = (second.documents[0]!.contents as unknown as { items: Array<{ value: { items: unknown[] } }> }).items[1]!.value.items;
    assert.equal(jobs[5], build5, 'and reused as is in the mended one');
  });

  it('hands each previous entry out once, so a state used twice never moves an entry twice', () => {
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n}\n`;
    const text = `name: ci\njobs:\n${Array.from({ length: 300 }, (_, n) => job(n)).join('')}`;
    const first = parseYamlVersion(text);
    const at = text.indexOf('make part-100');
    const edited = `${text.slice(0, at)}xyz${text.slice(at)}`;
    const once = parseYamlVersion(edited, first.chunks);
    const twice = parseYamlVersion(edited, first.chunks);
    assert.deepEqual(picture(edited, once.documents as never), whole(edited));
    assert.deepEqual(picture(edited, twice.documents as never), whole(edited));
  });

  it('keeps no earlier version\'s text alive through the entries a later version reuses', () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const largeObjects = () => {
      collect();
      return getHeapSpaceStatistics().find((space) => space.space_name === 'large_object_space')!.space_used_size;
    };
    const job = (n: number) => `  build-${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make part-${n} --target release\n`;
    let text = `name: ci\njobs:\n${Array.from({ length: 4000 }, (_, n) => job(n)).join('')}`;
    const before = largeObjects();
    let state = parseYamlVersion(text).chunks;
    for (let edit = 0; edit < 30; edit++) {
      const at = text.indexOf(`make part-${edit * 100} `);
      text = `${text.slice(0, at)}x${text.slice(at)}`;
      state = parseYamlVersion(text, state).chunks;
    }
    // The latest version's text and its state; thirty versions' texts would be some 30 times that.
    const held = largeObjects() - before;
    assert.ok(held < 4 * 2 * text.length, `${held} bytes held for a ${text.length}-character text`);
    assert.ok(state);
  });

  it('gives up on flow collections nested too deep, whatever the version it is parsed from', () => {
    const filler = Array.from({ length: 400 }, (_, n) => `key${n}: value ${n}\n`).join('');
    // Two flow collections 40 deep, kept apart by a line at column 0: within the budget.
    const text = `${filler}first: ${'['.repeat(40)}\nsplit: 1\n  second: ${'['.repeat(40)}\n${filler.replace(/key/g, 'other')}`;
    const parsed = parseYamlVersion(text);
    assert.ok(parsed.chunks, 'parsed by entries, so the next version has a state to start from');
    const edit = (at: number, inserted: string) => `${text.slice(0, at)}${inserted}${text.slice(at)}`;
    const split = text.indexOf('split:');
    const budget = (next: string) => () => parseYamlVersion(next, parseYamlVersion(text).chunks);
    // Indenting the line between them joins the two into one 80 deep.
    assert.throws(budget(edit(split, ' ')), ParseBudgetError);
    // So does an edit that opens more brackets, and one that removes the line break between them.
    assert.throws(budget(edit(text.indexOf('first: ') + 7, '['.repeat(30))), ParseBudgetError);
    assert.throws(budget(`${text.slice(0, split - 1)} ${text.slice(split)}`), ParseBudgetError);
    // An edit inside a line that adds no bracket or line break leaves the nesting as it was.
    assert.doesNotThrow(budget(edit(split + 3, 'x')));
    assert.doesNotThrow(budget(edit(text.indexOf('value 7'), 'a longer ')));
  });

  it('leaves to the whole-document parse what it cannot split', () => {
    const big = (prefix: string) => prefix + Array.from({ length: 600 }, (_, n) => `key${n}: value ${n}\n`).join('');
    for (const [why, text] of [
      ['several documents', big('a: 1\n---\n')],
      ['a directive', big('%YAML 1.2\n---\n')],
      ['a root sequence', Array.from({ length: 600 }, (_, n) => `- item ${n}\n`).join('')],
      ['a tab as indentation', big('a:\n\tb: 1\n')],
      ['an anchor on a top-level key', big('&x a: 1\n')],
    ] as const) {
      assert.equal(parseYamlChunked(text), undefined, why);
      assert.deepEqual(picture(text, parseYamlVersion(text).documents as never), whole(text), why);
    }
  });

  it('agrees with the whole-document parse where a construct runs on past a line that starts an entry', () => {
    const big = (prefix: string) => prefix + Array.from({ length: 600 }, (_, n) => `key${n}: value ${n}\n`).join('');
    for (const text of [big('a: "open\nb: close"\n'), big('a: [1,\nb: 2]\n'), big("a: 'x\n\nb: y'\n"), big('a: |\nb: 1\n'), big('a\n  b: 1\n')]) {
      assert.deepEqual(picture(text, parseYamlVersion(text).documents as never), whole(text), text.slice(0, 20));
    }
  });
});
