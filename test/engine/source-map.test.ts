/**
 * Source maps: the sources a map carries are scanned as the files they were, and findings land on
 * the map's own text, where each source is an escaped JSON string.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';
import { embeddedSources } from '../../server/src/engine/source-map';

const scanner = new Scanner(allRules);

/** A version 3 source map as bundlers write it: one line, sources embedded. */
function sourceMap(sources: Record<string, string | null>): string {
  return JSON.stringify({ version: 3, file: 'bundle.js', sources: Object.keys(sources), sourcesContent: Object.values(sources), names: [], mappings: 'AAAA,SAASA;AACA' });
}

describe('embedded sources of a source map', () => {
  it('decodes each source and maps its offsets back through escapes', () => {
    const source = 'const a = "é\\t";\n// “quoted” \u{1F511} \\ end\nconst key = "x";\n';
    const map = sourceMap({ 'webpack://app/./src/a.ts?v=2': source, 'src/gone.ts': null });
    const [embedded, ...rest] = embeddedSources('dist/bundle.js.map', map)!;
    assert.equal(rest.length, 0, 'a null entry carries no source');
    assert.equal(embedded!.path, 'webpack://app/./src/a.ts');
    assert.equal(embedded!.text, source);
    for (const word of ['const a', '"é', 'quoted', 'end', 'key', '"x"']) {
      const inner = source.indexOf(word);
      const outer = embedded!.outerOffset(inner);
      assert.equal(JSON.parse(`"${map.slice(outer, embedded!.outerOffset(inner + word.length))}"`), word, word);
    }
  });

  it('is not found in a map without sourcesContent, in a file that only ends in .map, or in broken JSON', () => {
    assert.equal(embeddedSources('a.js.map', JSON.stringify({ version: 3, sources: ['a.ts'], mappings: 'AAAA' })), undefined);
    assert.equal(embeddedSources('config.json', sourceMap({ 'a.ts': 'x' })), undefined);
    assert.equal(embeddedSources('a.js.map', sourceMap({ 'a.ts': 'x' }).slice(0, -12)), undefined);
  });
});

describe('scanning a source map', () => {
  const source = [
    'export async function connect(client: Client) {',
    '  const accessToken = await client.getToken();',
    '  const options = { token: accessToken, retries: 3 };',
    '  const dbPassword = "Vf8#kq2LmZ!r";',
    '  // nhi-hygiene-disable-next-line sec-password-assignment -- seed data for the local emulator',
    '  const emulatorPassword = "Lq7$pW2xRt9z";',
    '  return open(options, dbPassword, emulatorPassword);',
    '}',
    '',
  ].join('\n');

  it('reads code as code: a literal password is found, a variable holding a token is not', async () => {
    const text = sourceMap({ 'webpack://app/./src/db.ts': source });
    const result = await scanner.scan(ParsedDocument.of('dist/db.js.map', text), { rules: {} });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['sec-password-assignment']);
    const [finding] = result.findings;
    assert.equal(text.slice(finding!.span[0], finding!.span[1]), 'Vf8#kq2LmZ!r');
    assert.deepEqual(finding!.range.start, { line: 0, character: text.indexOf('Vf8#') });
    assert.match(finding!.message, /in webpack:\/\/app\/\.\/src\/db\.ts, embedded in this source map/);
    assert.equal(finding!.fixable, false, 'the fix belongs in the source');
    assert.doesNotMatch(finding!.message, /Vf8#kq2LmZ!r/);
  });

  it('keeps the source\'s own suppressions', async () => {
    const result = await scanner.scan(ParsedDocument.of('dist/db.js.map', sourceMap({ 'src/db.ts': source })), { rules: {} });
    assert.equal(result.suppressed.length, 1);
    assert.equal(result.suppressed[0]!.finding.range.start.line, 0);
    assert.deepEqual(result.notices, []);
  });

  it('gives the same finding the source file gives', async () => {
    const inSource = await scanner.scan(ParsedDocument.of('src/db.ts', source), { rules: {} });
    const inMap = await scanner.scan(ParsedDocument.of('dist/db.js.map', sourceMap({ 'src/db.ts': source })), { rules: {} });
    assert.deepEqual(inMap.findings.map((finding) => [finding.ruleId, finding.fingerprint]), inSource.findings.map((finding) => [finding.ruleId, finding.fingerprint]));
  });
});
