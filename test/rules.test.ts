/**
 * Rule fixtures: every rule in the registry is run over its realistic positive and negative files
 * (`rules/<id>/fixtures/`), and every fix it offers is applied and checked: the result parses, the
 * finding is gone, the fix does not reach outside the construct, running the rule's fixes again
 * leaves the fixed region alone, and no output carries the secret it is about.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isMap, isScalar } from 'yaml';
import { allRules } from '../rules/index';
import type { EngineConfig } from '../server/src/engine/config';
import { applyEdits } from '../server/src/engine/fix/text-diff';
import { ensureLanguage, parseWith, type SyntaxNode } from '../server/src/engine/parse/tree-sitter';
import { parseYaml } from '../server/src/engine/parse/yaml';
import { ParsedDocument } from '../server/src/engine/parsed-document';
import { Scanner } from '../server/src/engine/runner';
import type { Finding, Fix, Rule, Span } from '../server/src/engine/types';

const RULES_DIR = join(__dirname, '..', 'rules');

interface ExpectedFinding {
  readonly line: number;
  readonly severity?: string;
}

/** Every file under `dir`, dot-directories included, as `/`-separated paths relative to `base`. */
function filesUnder(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...filesUnder(full, base));
    else files.push(full.slice(base.length + 1).split('\\').join('/'));
  }
  return files;
}

/**
 * Turns the rule on even if it is not in the recommended preset. Recommended rules run unconfigured,
 * so a rule that raises or lowers its severity per finding is tested as users get it.
 */
function enabling(rule: Rule): EngineConfig {
  return rule.recommended === false ? { rules: { [rule.id]: { severity: rule.defaultSeverity } } } : { rules: {} };
}

/** A fixture as the CLI reads a file: text, or a binary file's bytes (key stores). */
function readFixture(dir: string, file: string): ParsedDocument {
  return ParsedDocument.fromBytes(join(dir, file), readFileSync(join(dir, file)));
}

async function scan(rule: Rule, document: ParsedDocument) {
  const path = document.path;
  const scanner = new Scanner([rule]);
  const result = await scanner.scan(document, enabling(rule));
  assert.deepEqual(result.failures, [], `${rule.id} threw on ${path}`);
  // A binary file a rule reads but finds nothing in is still reported as a skipped binary.
  if (!document.bytes) assert.equal(result.skipped, undefined, `${path} was skipped`);
  assert.equal(result.bounded, undefined, `${path} was only partly scanned`);
  return { document, scanner, findings: result.findings.filter((f) => f.ruleId === rule.id) };
}

const lineOf = (finding: Finding) => finding.range.start.line + 1;

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  line ${lineOf(f)} [${f.severity}] ${f.message}`).join('\n') || '  (none)';
}

/** Parse problems of `text` as the engine would parse it: YAML errors or tree-sitter ERROR nodes. */
async function parseProblems(path: string, text: string): Promise<string[]> {
  const document = ParsedDocument.of(path, text);
  if (document.hasKind('yaml')) {
    return parseYaml(text).flatMap((doc) => doc.errors.map((error) => `${error.code}: ${error.message}`));
  }
  const language = document.codeLanguage;
  if (!language) return [];
  await ensureLanguage(language);
  const tree = parseWith(language, text);
  try {
    return tree.rootNode.hasError ? [`tree-sitter '${language}' reports a syntax error`] : [];
  } finally {
    tree.delete();
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineStartAfter(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}

/** Whole lines of the construct a finding is about: the edits of its fix must stay inside. */
async function constructRegion(document: ParsedDocument, finding: Finding): Promise<{ span: Span; what: string } | undefined> {
  const text = document.text;
  const whole = (start: number, end: number): Span => [lineStartOf(text, start), lineStartAfter(text, Math.max(start, end - 1))];
  if (document.hasKind('yaml')) {
    const docs = parseYaml(text);
    for (const [index, yaml] of docs.entries()) {
      const range = yaml.range;
      if (finding.span[0] < range[0] || finding.span[0] > range[2]) continue;
      // A document owns the text since the previous one ended: its `---` marker and leading comments.
      const ownStart = index > 0 ? docs[index - 1]!.range[2] : 0;
      const jobs = isMap(yaml.contents) ? yaml.contents.get('jobs', true) : undefined;
      if (document.hasKind('github-actions') && isMap(jobs)) {
        for (const pair of jobs.items) {
          const key = isScalar(pair.key) ? pair.key : undefined;
          const value = pair.value as { range?: [number, number, number] } | null;
          if (!key?.range || !value?.range) continue;
          if (finding.span[0] >= key.range[0] && finding.span[1] <= value.range[1]) {
            return { span: whole(key.range[0], value.range[1]), what: `job '${String(key.value)}'` };
          }
        }
      }
      return { span: whole(Math.min(ownStart, range[0]), range[1]), what: 'YAML document' };
    }
    return undefined;
  }
  const language = document.codeLanguage;
  if (!language) return undefined;
  await ensureLanguage(language);
  const tree = parseWith(language, text);
  try {
    let node: SyntaxNode | null = tree.rootNode.descendantForIndex(finding.span[0], Math.max(finding.span[0], finding.span[1] - 1));
    while (node && !/(_statement|_declaration|^block|^attribute)$/.test(node.type)) node = node.parent;
    // A HCL attribute belongs to its block; the block is the construct.
    while (node && node.type === 'attribute' && node.parent) {
      node = node.parent;
      while (node && node.type !== 'block') node = node.parent;
    }
    return node ? { span: whole(node.startIndex, node.endIndex), what: `${node.type} at line ${node.startPosition.row + 1}` } : undefined;
  } finally {
    tree.delete();
  }
}

/** Where a fix's edits land in the fixed text: the regions it changed. */
function changedRegions(fix: Fix): Span[] {
  const sorted = [...fix.edits].sort((a, b) => a.span[0] - b.span[0]);
  let delta = 0;
  return sorted.map((edit) => {
    const start = edit.span[0] + delta;
    delta += edit.newText.length - (edit.span[1] - edit.span[0]);
    return [start, start + edit.newText.length] as const;
  });
}

function overlaps(edit: Span, region: Span): boolean {
  if (edit[0] === edit[1]) return edit[0] > region[0] && edit[0] < region[1];
  return edit[0] < region[1] && region[0] < edit[1];
}

/** A pure insertion of one import (`import os`, Go's `import "os"` or a spec in an import block), nothing else. */
function addsImport(edit: { span: Span; newText: string }): boolean {
  return edit.span[0] === edit.span[1] && /^(?:\r?\n)*(?:import [\w.]+|import "[\w/.]+"|\t"[\w/.]+")(?:\r?\n)*$/.test(edit.newText);
}

/** A Terraform `variable` block added for the reference that replaced a literal (a declaration, like an import). */
function addsVariableDeclaration(edit: { span: Span; newText: string }): boolean {
  return edit.span[0] === edit.span[1] && /^(?:\r?\n)*variable "\w+" \{\r?\n(?:[ \t]+[^\r\n]*\r?\n)+\}\r?\n$/.test(edit.newText);
}

const usesCrlfOnly = (text: string) => text.includes('\r\n') && !/(^|[^\r])\n/.test(text);

/** Random-looking runs (letters and digits, 16+ characters) that no output may repeat. */
function randomLookingTokens(text: string): string[] {
  return (text.match(/[A-Za-z0-9+/_=-]{16,}/g) ?? []).filter((token) => /\d/.test(token) && /[a-z]/i.test(token));
}

function assertNoSecretLeak(text: string, finding: Finding): void {
  const slice = text.slice(finding.span[0], finding.span[1]);
  const serialised = JSON.stringify(finding);
  const candidates = finding.maskedSecret !== undefined ? [slice, slice.replace(/^(["'`])([\s\S]*)\1$/, '$2')] : [];
  candidates.push(...randomLookingTokens(slice));
  for (const candidate of candidates) {
    if (candidate.length < 8) continue;
    assert.ok(!finding.message.includes(candidate), `message repeats '${candidate}' verbatim: ${finding.message}`);
    assert.ok(!(finding.maskedSecret ?? '').includes(candidate), `maskedSecret repeats '${candidate}'`);
    assert.ok(!serialised.includes(JSON.stringify(candidate).slice(1, -1)), `the finding object carries '${candidate}'`);
  }
}

async function checkFix(rule: Rule, path: string, text: string, finding: Finding, fix: Fix, document: ParsedDocument) {
  const label = `fix '${fix.title}' for line ${lineOf(finding)}`;
  const created = fix.createFiles ?? [];
  assert.ok(fix.edits.length > 0 || created.length > 0, `${label} has no edits`);
  // A new file beside the document: it parses, and carries nothing of the finding's text.
  for (const file of created) {
    assert.ok(/^[\w.-]+$/.test(file.path), `${label} creates '${file.path}' outside the document's folder`);
    assert.ok(file.text.endsWith('\n'), `${label}: ${file.path} does not end with a newline`);
    assert.deepEqual(await parseProblems(file.path, file.text), [], `${label}: ${file.path} does not parse:\n${file.text}`);
    for (const token of randomLookingTokens(text.slice(finding.span[0], finding.span[1]))) assert.ok(!file.text.includes(token), `${label}: ${file.path} repeats '${token}'`);
  }
  if (fix.edits.length === 0) return; // only creates files: the document, and the finding, stay as they are
  const fixed = applyEdits(text, fix.edits);
  assert.notEqual(fixed, text, `${label} changes nothing`);

  // Placeholders are left as their marked text; each must be there for a front end to select it.
  for (const placeholder of fix.placeholders ?? []) {
    assert.ok(
      fix.edits.some((edit) => edit.newText.includes(placeholder)) || created.some((file) => file.text.includes(placeholder)),
      `${label} lists placeholder '${placeholder}' that none of its edits inserts`,
    );
  }

  assert.deepEqual(await parseProblems(path, fixed), [], `${label} leaves text that does not parse:\n${fixed}`);
  if (usesCrlfOnly(text)) assert.ok(usesCrlfOnly(fixed), `${label} mixes LF into a CRLF file`);

  // The edits stay within the construct, and away from the file's first and last two lines.
  const region = await constructRegion(document, finding);
  const starts = lineStarts(text);
  const lineCount = text.endsWith('\n') ? starts.length - 1 : starts.length;
  const guardStart = lineCount > 4 ? starts[2]! : 0;
  const guardEnd = lineCount > 4 ? starts[lineCount - 2]! : text.length;
  const findingNearEdge = finding.span[0] < guardStart || finding.span[1] > guardEnd;
  for (const edit of fix.edits) {
    const shown = `${label}: edit [${edit.span[0]}, ${edit.span[1]}) → ${JSON.stringify(edit.newText)}`;
    // The one edit allowed away from the construct: declaring what its replacement needs (an import, a variable).
    if (addsImport(edit) || addsVariableDeclaration(edit)) continue;
    if (region) {
      assert.ok(edit.span[0] >= region.span[0] && edit.span[1] <= region.span[1], `${shown} reaches outside ${region.what} [${region.span[0]}, ${region.span[1]})`);
    }
    if (!findingNearEdge) {
      assert.ok(edit.span[0] >= guardStart && edit.span[1] <= guardEnd, `${shown} touches the first or last two lines of the file`);
    }
  }

  // Re-scanning the fixed text no longer reports this finding.
  const after = await scan(rule, ParsedDocument.of(path, fixed));
  assert.ok(
    !after.findings.some((f) => f.fingerprint === finding.fingerprint),
    `${label}: the finding (fingerprint ${finding.fingerprint}) is still reported after the fix:\n${describeFindings(after.findings)}`,
  );

  // Idempotent: the rule's fixes on the fixed text leave the region this fix changed alone.
  const changed = changedRegions(fix);
  for (const next of after.findings.filter((f) => f.fixable)) {
    for (const again of after.scanner.fixes(after.document, next, enabling(rule))) {
      for (const edit of again.edits) {
        if (fixed.slice(edit.span[0], edit.span[1]) === edit.newText) continue;
        for (const region of changed) {
          assert.ok(!overlaps(edit.span, region), `${label}: fixing again (line ${lineOf(next)}) edits what this fix wrote`);
        }
      }
    }
  }
}

const rulesWithIds = allRules.map((rule) => [rule.id, rule] as const);

describe('rule registry', () => {
  it('has unique ids, each matching a folder under rules/', () => {
    const ids = allRules.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    for (const id of ids) assert.ok(existsSync(join(RULES_DIR, id)), `rules/${id}/ is missing`);
  });
});

for (const [id, rule] of rulesWithIds) {
  const fixturesDir = join(RULES_DIR, id, 'fixtures');
  const positives = filesUnder(join(fixturesDir, 'positive')).map((file) => `positive/${file}`);
  const negatives = filesUnder(join(fixturesDir, 'negative')).map((file) => `negative/${file}`);
  const expectedPath = join(fixturesDir, 'expected.json');
  const expected: Record<string, ExpectedFinding[]> = existsSync(expectedPath) ? JSON.parse(readFileSync(expectedPath, 'utf8')) : {};

  describe(id, () => {
    it('has docs with a summary, why, how to fix and references', () => {
      const docsPath = join(RULES_DIR, id, 'docs.md');
      assert.ok(existsSync(docsPath), `rules/${id}/docs.md is missing`);
      assert.equal(rule.docs.markdown.split(/\r?\n/)[0], `# ${id}`, 'docs.md starts with a `# <id>` title');
      assert.ok(rule.docs.summary.trim().length > 0, 'summary');
      assert.ok(rule.docs.why.trim().length > 0, '## Why it matters');
      assert.ok(rule.docs.howToFix.trim().length > 0, '## How to fix');
      assert.ok(rule.docs.references.length > 0, '## References');
      for (const reference of rule.docs.references) assert.match(reference, /https?:\/\//, `reference without a link: ${reference}`);
    });

    it('has positive and negative fixtures, and expected.json lists exactly the positives', () => {
      assert.ok(positives.length > 0, `rules/${id}/fixtures/positive/ has no files`);
      assert.ok(negatives.length > 0, `rules/${id}/fixtures/negative/ has no files`);
      assert.deepEqual(Object.keys(expected).sort(), [...positives].sort(), 'expected.json keys vs positive files');
      for (const [file, entries] of Object.entries(expected)) {
        assert.ok(Array.isArray(entries) && entries.length > 0, `${file}: a positive must expect at least one finding`);
        for (const entry of entries) assert.ok(Number.isInteger(entry.line) && entry.line >= 1, `${file}: bad line ${JSON.stringify(entry)}`);
      }
    });

    for (const file of positives) {
      it(`reports the expected lines in ${file}`, async () => {
        const { document, scanner, findings } = await scan(rule, readFixture(fixturesDir, file));
        const text = document.text;
        const want = [...(expected[file] ?? [])].sort((a, b) => a.line - b.line);
        const got = [...findings].sort((a, b) => lineOf(a) - lineOf(b) || a.severity.localeCompare(b.severity));
        assert.deepEqual(
          got.map(lineOf),
          want.map((entry) => entry.line),
          `${file}: finding lines differ; got:\n${describeFindings(findings)}`,
        );
        want.forEach((entry, index) => {
          if (entry.severity !== undefined) assert.equal(got[index]!.severity, entry.severity, `${file}:${entry.line} severity`);
        });
        for (const finding of findings) {
          assert.equal(finding.ruleId, id);
          assertNoSecretLeak(text, finding);
        }

        for (const finding of findings.filter((f) => f.fixable)) {
          const fixes = scanner.fixes(document, finding, enabling(rule));
          assert.ok(fixes.length > 0, `${file}:${lineOf(finding)} is marked fixable but the rule offers no fix`);
          assert.ok(fixes.filter((fix) => fix.isPreferred).length <= 1, `${file}:${lineOf(finding)} has more than one preferred fix`);
          assert.deepEqual(await parseProblems(file, text), [], `${file} must parse before fixes are checked`);
          for (const fix of fixes) await checkFix(rule, file, text, finding, fix, document);
        }
      });
    }

    for (const file of negatives) {
      it(`reports nothing in ${file}`, async () => {
        const { findings } = await scan(rule, readFixture(fixturesDir, file));
        assert.equal(findings.length, 0, `${file}: expected no findings; got:\n${describeFindings(findings)}`);
      });
    }
  });
}
