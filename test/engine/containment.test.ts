import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { allRules } from '../../rules';
import { blankRanges, chunkStarts, containUnits, unitVerdict, Verdict } from '../../server/src/engine/parse/containment';
import { changedRegion } from '../../server/src/engine/document';
import { ensureLanguage, parseWith, type SyntaxNode, type TreeSitterLanguage } from '../../server/src/engine/parse/tree-sitter';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

const ROOTS = [join(__dirname, '../../rules'), join(__dirname, '../../examples'), join(__dirname, '../../../shared/corpus')];
/** This project's own TypeScript: realistic modules of every size. */
const SOURCE_ROOTS = [join(__dirname, '../../server/src'), join(__dirname, '../../client')];

/** Every file named like `pattern` under the rules' fixtures, the demo workspace and the corpora (when beside the checkout). */
function filesNamed(pattern: RegExp, roots = ROOTS): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (pattern.test(name)) files.push({ path, text: readFileSync(path, 'utf8') });
    }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return files;
}

const terraformFiles = () => filesNamed(/\.(tf|tfvars)$/);
/** JavaScript and TypeScript files with their grammar. */
const codeFiles = () =>
  filesNamed(/\.(m?js|jsx|ts|tsx)$/, [...ROOTS, ...SOURCE_ROOTS])
    .filter(({ path }) => !path.endsWith('.d.ts'))
    .map((file) => ({ ...file, language: ParsedDocument.of(file.path, file.text).codeLanguage! }))
    .filter(({ language }) => language === 'javascript' || language === 'typescript' || language === 'tsx');

/** A tree as text with every named node's type and range, to compare two parses exactly. */
function shape(node: SyntaxNode): string {
  const children = node.namedChildren.filter((child): child is SyntaxNode => child !== null).map(shape);
  return `(${node.type}@${node.startIndex}-${node.endIndex}${children.length ? ' ' + children.join(' ') : ''})`;
}

function judgeAlone(text: string, language: TreeSitterLanguage = 'hcl') {
  return (start: number, end: number): Verdict => {
    const tree = parseWith(language, text.slice(start, end));
    try {
      return unitVerdict(tree.rootNode, text.slice(start, end), language as 'hcl');
    } finally {
      tree.delete();
    }
  };
}

/** A seeded generator, so each test's random edits are the same at every run. */
function seededRandom(seed: number): (n: number) => number {
  return (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
}
const sharedRandom = seededRandom(20261124);

describe('HCL error containment', () => {
  before(() => ensureLanguage('hcl'));

  it('cuts chunks at column-0 names, not inside heredocs or block comments', () => {
    const text = [
      'resource "aws_instance" "web" {',
      '  user_data = <<EOF',
      'yum install -y httpd',
      'EOF',
      '}',
      '/* locals {',
      'x = 1 */',
      'locals {',
      'region = "eu-west-1"',
      '}',
      '# user_data = <<EOF',
      'output "ip" {}',
      '',
    ].join('\n');
    const lines = chunkStarts(text, 'hcl').map((start) => text.slice(start, text.indexOf('\n', start)));
    assert.deepEqual(lines, ['resource "aws_instance" "web" {', 'locals {', 'region = "eu-west-1"', 'output "ip" {}']);
  });

  it('judges a unit by where its error is: none, at its end (open), or inside it (broken)', () => {
    const verdict = (text: string) => judgeAlone(text)(0, text.length);
    assert.equal(verdict('locals {\n  a = 1\n}\n'), Verdict.Clean);
    for (const open of ['locals {\n', 'x = [\n  1,\n', 'x = f(\n', 'x = "${\n', 'x = <<EOF\nabc\n', 'x = a ==\n']) assert.equal(verdict(open), Verdict.Open, open);
    for (const broken of ['x = 1\n}\n', 'resource "a" "b" {\n  bucket =x "acme"\n}\n']) assert.equal(verdict(broken), Verdict.Broken, broken);
  });

  it('gives the whole-file parse for every Terraform fixture that parses', () => {
    const files = terraformFiles();
    assert.ok(files.length > 30, `only ${files.length} Terraform files`);
    let clean = 0;
    for (const { path, text } of files) {
      const whole = parseWith('hcl', text);
      if (!whole.rootNode.hasError) {
        clean++;
        // Unindented blocks and heredocs widen into units; nothing of a file that parses is blanked.
        assert.deepEqual(containUnits(text, chunkStarts(text, 'hcl'), judgeAlone(text)).broken, [], path);
      }
      whole.delete();
    }
    assert.ok(clean > 30, `only ${clean} clean Terraform files`);
  });

  it('keeps the blocks after a broken one, which the whole-file parse sweeps into one error', () => {
    const blocks = Array.from({ length: 6 }, (_, i) => `resource "aws_s3_bucket" "b${i}" {\n  bucket = "acme-${i}"\n}\n`);
    blocks[1] = 'resource "aws_s3_bucket" "b1" {\n  tags = { team = "data" x}\n  bucket = [\n}\n';
    const text = blocks.join('\n');
    const document = ParsedDocument.of('main.tf', text);
    const tree = document.tree('hcl');
    assert.equal(tree.rootNode.hasError, false);
    const names = [...text.matchAll(/"(b\d)"/g)].map((match) => match[1]).filter((name) => name !== 'b1');
    assert.deepEqual(
      tree.rootNode.descendantsOfType('block').map((block) => block!.text.match(/"(b\d)"/)?.[1]),
      names,
    );
    document.dispose();
  });

  it('keeps reporting every intact certificate block through random edits', async () => {
    // A generated module edited at seeded random places until tree-sitter's own recovery sweeps a
    // stretch of it into one top-level ERROR (what the edit-latency benchmark does to it).
    let text = '';
    for (let i = 0; i < 200; i++) {
      text += `resource "aws_s3_bucket" "b${i}" {\n  bucket = "acme-${i}"\n  tags = { team = "data", index = "${i}" }\n}\n\n`;
      if (i % 25 === 0) text += `resource "tls_self_signed_cert" "c${i}" {\n  private_key_pem       = tls_private_key.k.private_key_pem\n  validity_period_hours = 87600\n}\n\n`;
    }
    // Edited as in the editor, each version parsed from the last: tree-sitter's own recovery
    // then sweeps a stretch of the module into one ERROR within these edits.
    let edit = 20261123;
    const next = (n: number) => ((edit = (edit * 1103515245 + 12345) % 2 ** 31), edit % n);
    let document = ParsedDocument.of('main.tf', text, 1);
    document.tree('hcl');
    for (let version = 2; version < 42; version++) {
      const at = next(text.length);
      text = text.slice(0, at) + 'x' + text.slice(at);
      const edited = ParsedDocument.of('main.tf', text, version, document);
      edited.tree('hcl');
      document.dispose();
      document = edited;
    }
    const certificates = [...text.matchAll(/resource "tls_self_signed_cert" "(c\d+)" \{\n {2}private_key_pem {7}= tls_private_key\.k\.private_key_pem\n {2}validity_period_hours = 87600\n\}\n/g)].map((match) => match[1]);
    const findings = (await new Scanner(allRules).scan(document, { rules: {} })).findings.filter((finding) => finding.ruleId === 'tf-tls-cert-validity');
    document.dispose();
    const reported = findings.map((finding) => /tls_self_signed_cert\.(c\d+)/.exec(finding.message)?.[1]);
    // Every certificate block the edits left intact is reported, the last one included.
    for (const name of certificates) assert.ok(reported.includes(name), `${name} not reported (reported: ${reported.join(', ')})`);
    assert.ok(certificates.includes('c175'), 'the last certificate block was edited');
  });

  it('gives the same tree editing as parsing each version afresh (random edits, every Terraform fixture)', () => {
    const files = terraformFiles().filter(({ text }) => text.length > 200);
    const { edits, contained } = editedAgainstFresh(files.slice(0, 40), ['x', '{', '}', '"', '\n', '<<EOF\n', '/*', '='], 20);
    assert.ok(edits > 300, `only ${edits} edits`);
    assert.ok(contained > edits / 10, `only ${contained} of ${edits} versions had units blanked`);
  });

  it('gives the same trees when the editor leaves whole-file parses for later (random edits, every Terraform fixture)', () => {
    const files = terraformFiles().filter(({ text }) => text.length > 200);
    const { edits, waited } = editedAgainstFresh(files.slice(0, 40), ['x', '{', '}', '"', '\n', '<<EOF\n', '/*', '='], 20, true, seededRandom(20261125));
    assert.ok(waited > edits / 10, `only ${waited} of ${edits} versions left their whole-file parse for later`);
  });

  it('after a contained version, still takes the whole-file parse when it is clean though a unit alone is broken', () => {
    // A string opened in one block runs on over the next: the unit alone is broken, the file parses whole.
    const before = "# Case 1d_access_key_enabled = false\n# Case 2: PASS: Ex a SAS policy with an expiry\nresotem\" \"shared\" {\n  # Makes tempotent; notedential.\n  creation_token = \"shared-build-cache\"\n}\n\ndata \"aw_ssm_parameters_by_path\" \"app\" {\n  path = \"/app/\"\n}\n\noutput \"next_page\" {\n  value = { NextToken = \"eyJwYWdlIjogMn0-page2\" }\n}\n";
    const after = "# Case 1d_access_key_enabled = false\n# Case 2: PASS: Ex a SAS policy with an expiry\nresotem\" \"shared\" {\n  # Makes tempotent; notedential.\n  creation_token = \"share\ndata \"aw_ssm_parameters_by_path\" \"app\" {\n  path = \"/app/\"\n}\n\noutput \"next_page\" {\n  value = { NextToken = \"eyJwYWdlIjogMn0-page2\" }\n}\n";
    const previous = ParsedDocument.of('main.tf', before, 1);
    previous.tree('hcl');
    const edited = ParsedDocument.of('main.tf', after, 2, previous);
    const fresh = ParsedDocument.of('main.tf', after, 2);
    assert.equal(fresh.tree('hcl').rootNode.text, after, 'the fresh parse takes the whole file');
    assert.equal(shape(edited.tree('hcl').rootNode), shape(fresh.tree('hcl').rootNode));
    // The editor leaves that parse for later: until it settles, the units stay contained.
    const waiting = ParsedDocument.of('main.tf', after, 2, previous, { wholeParseMayWait: true });
    assert.notEqual(waiting.tree('hcl').rootNode.text, after, 'contained while the whole-file parse waits');
    assert.equal(waiting.owesWholeParse, true);
    assert.equal(waiting.settleWholeParse(), true, 'the settled parse replaces the tree');
    assert.equal(shape(waiting.tree('hcl').rootNode), shape(fresh.tree('hcl').rootNode));
    for (const document of [previous, edited, fresh, waiting]) document.dispose();
  });

  it('blanks characters but keeps line breaks, so offsets and lines stay put', () => {
    const text = 'a = 1\r\nb =x 2\nc = 3\n';
    const blanked = blankRanges(text, [[7, 14]]);
    assert.equal(blanked.length, text.length);
    assert.equal(blanked, 'a = 1\r\n      \nc = 3\n');
    assert.deepEqual(changedRegion(text, blanked), { start: 7, oldEnd: 13, newEnd: 13 });
  });

  it('blanks each line of a broken Terraform unit as a comment, which leaves no node of the unit but comments', () => {
    const text = 'a = 1\r\nresource "aws_s3_bucket" "b" {\n  bucket =x "acme"\n\n}\nb = 2\n';
    const unit: [number, number] = [7, text.indexOf('b = 2')];
    const blanked = blankRanges(text, [unit], '#');
    assert.equal(blanked.length, text.length);
    assert.equal(blanked, `a = 1\r\n#${' '.repeat(29)}\n#${' '.repeat(17)}\n\n#\nb = 2\n`);
    // What the engine parses for the broken file: the unit's lines are comments, the rest is as written.
    const tree = ParsedDocument.of('main.tf', text).tree('hcl');
    assert.equal(tree.rootNode.hasError, false);
    assert.deepEqual(tree.rootNode.descendantsOfType('attribute').map((node) => node!.text), ['a = 1', 'b = 2']);
    const inUnit = tree.rootNode.descendantsOfType(['attribute', 'block', 'comment']).filter((node) => node!.startIndex >= unit[0] && node!.startIndex < unit[1]);
    assert.deepEqual(inUnit.map((node) => node!.type), ['comment', 'comment', 'comment']);
  });
});

/** Edits each file at seeded random places, and compares the tree of each version reached by editing with the tree of a parse afresh. */
/**
 * Random edits of each file, each version parsed from the one before, against a parse from
 * scratch. With `wholeParseMayWait` (the editor), a version that leaves its whole-file parse for
 * later is settled at random, and always where the parse from scratch takes the whole file; it
 * gives the contained tree until then, and the tree from scratch after.
 */
function editedAgainstFresh(files: ReadonlyArray<{ path: string; text: string }>, inserts: readonly string[], versions: number, wholeParseMayWait = false, random = sharedRandom) {
  let edits = 0;
  let contained = 0;
  let waited = 0;
  for (const { path, text: original } of files) {
    let text = original;
    let previous = ParsedDocument.of(path, text, 1);
    const language = previous.codeLanguage!;
    previous.tree(language);
    for (let version = 2; version < versions + 2; version++) {
      const at = random(text.length);
      text = random(4) === 0 ? text.slice(0, at) + text.slice(at + 1 + random(20)) : text.slice(0, at) + inserts[random(inserts.length)]! + text.slice(at);
      const edited = ParsedDocument.of(path, text, version, previous, { wholeParseMayWait });
      const fresh = ParsedDocument.of(path, text, version);
      const where = `${path} after ${version - 1} edits`;
      edited.tree(language);
      if (edited.owesWholeParse) {
        waited++;
        const freshIsWhole = fresh.tree(language).rootNode.text === text;
        if (freshIsWhole || random(3) === 0) {
          assert.equal(edited.settleWholeParse(), freshIsWhole, `${where}: the tree is replaced only by a clean whole-file parse`);
          assert.equal(edited.owesWholeParse, false, where);
        }
      }
      assert.equal(shape(edited.tree(language).rootNode), shape(fresh.tree(language).rootNode), where);
      if (edited.tree(language).rootNode.text !== text) contained++;
      fresh.dispose();
      previous.dispose();
      previous = edited;
      edits++;
    }
    previous.dispose();
  }
  return { edits, contained, waited };
}

describe('JavaScript and TypeScript error containment', () => {
  before(async () => {
    for (const language of ['javascript', 'typescript', 'tsx'] as const) await ensureLanguage(language);
  });

  it('cuts chunks at column-0 statements, not inside template literals or comments, nor at continuations', () => {
    const text = [
      "import jwt from 'jsonwebtoken';",
      'const query = `',
      'select * from users',
      '`;',
      '/* export function hidden() {',
      '} */',
      "const quoted = '`';",
      'if (ready) start()',
      'else stop()',
      'try { run() }',
      'catch { retry() }',
      '@Injectable()',
      'export class Tokens {}',
      '$(() => init());',
      '',
    ].join('\n');
    const lines = chunkStarts(text, 'typescript').map((start) => text.slice(start, text.indexOf('\n', start)));
    assert.deepEqual(lines, ["import jwt from 'jsonwebtoken';", 'const query = `', "const quoted = '`';", 'if (ready) start()', 'try { run() }', '@Injectable()', 'export class Tokens {}', '$(() => init());']);
  });

  it('judges again the chunk start of the line an edit begins in, even past its first word', () => {
    // `async function main() {` starts a chunk; with `ync function main` deleted the line reads
    // `as() {`, which continues the statement before it (`x as T`) and starts none.
    const before = "const timeout = 30;\nasync function main() {\n  await run();\n}\nmain();\n";
    const at = before.indexOf('ync function main');
    const after = before.slice(0, at) + before.slice(at + 'ync function main'.length);
    const fresh = chunkStarts(after, 'javascript');
    assert.ok(!fresh.includes(before.indexOf('async')), 'the fresh read does not start a chunk at `as() {`');
    const region = changedRegion(before, after)!;
    assert.deepEqual(chunkStarts(after, 'javascript', { starts: chunkStarts(before, 'javascript'), region }), fresh);
  });

  it('gives the whole-file parse for every JavaScript and TypeScript file that parses', () => {
    const files = codeFiles();
    assert.ok(files.length > 150, `only ${files.length} code files`);
    let clean = 0;
    for (const { path, text, language } of files) {
      const whole = parseWith(language, text);
      if (!whole.rootNode.hasError) {
        clean++;
        assert.deepEqual(containUnits(text, chunkStarts(text, language as 'typescript'), judgeAlone(text, language)).broken, [], path);
      }
      whole.delete();
    }
    assert.ok(clean > 150, `only ${clean} clean code files`);
  });

  it('gives the same tree editing as parsing each version afresh (random edits, code fixtures and modules)', () => {
    const files = codeFiles().filter(({ text }) => text.length > 300 && text.length < 40_000);
    const { edits, contained } = editedAgainstFresh(files.filter((_, i) => i % 4 === 0).slice(0, 50), ['x', '{', '}', '`', '\n', '/*', '(', "'"], 16);
    assert.ok(edits > 400, `only ${edits} edits`);
    assert.ok(contained > edits / 10, `only ${contained} of ${edits} versions had units blanked`);
  });

  it('gives the same trees when the editor leaves whole-file parses for later (random edits, code fixtures and modules)', () => {
    const files = codeFiles().filter(({ text }) => text.length > 300 && text.length < 40_000);
    const { edits, waited } = editedAgainstFresh(files.filter((_, i) => i % 4 === 1).slice(0, 50), ['x', '{', '}', '`', '\n', '/*', '(', "'"], 16, true, seededRandom(20261125));
    assert.ok(waited > edits / 10, `only ${waited} of ${edits} versions left their whole-file parse for later`);
  });
});
