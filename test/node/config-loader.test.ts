import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defineRule } from '../../server/src/engine/define-rule';
import type { Rule } from '../../server/src/engine/types';
import { configForFile, findConfigFile, loadConfig } from '../../server/src/node/config-loader';
import { compileGlob } from '../../server/src/node/glob';
import { tempTree } from '../support/temp-tree';

const DOCS = '# r\n\nFinds things.\n\n## Why it matters\nBecause.\n\n## How to fix\nFix it.\n\n## References\n- https://example.com\n';
const rule = (id: string, extra: Partial<Omit<Rule, 'docs'>> = {}): Rule =>
  defineRule({ id, category: 'missing-ttl', defaultSeverity: 'warning', fileKinds: '*', keywords: [], docs: DOCS, check() {}, ...extra });
const RULES = [
  rule('jwt-ttl', { options: { maxSeconds: { type: 'number', default: 3600, description: 'max' } } }),
  rule('sec-slack', { defaultSeverity: 'error' }),
  rule('opt-in', { defaultSeverity: 'info', recommended: false }),
  rule('sec-aws', { defaultSeverity: 'error', aliases: ['@secretlint/secretlint-rule-aws'] }),
  rule('sec-private-key', { defaultSeverity: 'error', aliases: ['@secretlint/secretlint-rule-privatekey'] }),
];

const tree = (files: Record<string, string>) => tempTree(files, 'nhi-config-');
const load = (file: string, trusted = true) => loadConfig(file, { trusted, rules: RULES });

describe('config loader', () => {
  it('finds the nearest config walking up from a file', () => {
    const root = tree({ '.nhi-hygiene.yaml': 'rules: {}\n', 'svc/.nhi-hygiene.json': '{}', 'svc/a/b/x.ts': '', 'lib/y.ts': '' });
    assert.equal(findConfigFile(join(root, 'svc/a/b')), join(root, 'svc/.nhi-hygiene.json'));
    assert.equal(findConfigFile(join(root, 'lib')), join(root, '.nhi-hygiene.yaml'));
  });

  it('reads severities, options, overrides and excludes', () => {
    const root = tree({
      '.nhi-hygiene.yaml': [
        'rules:',
        '  jwt-ttl: { severity: error, options: { maxSeconds: 900 } }',
        '  sec-slack: off',
        'exclude: [fixtures/]',
        'overrides:',
        '  - files: ["test/**"]',
        '    rules: { jwt-ttl: info }',
      ].join('\n'),
    });
    const loaded = load(join(root, '.nhi-hygiene.yaml'));
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(configForFile(loaded, 'src/a.ts').rules['jwt-ttl'], { severity: 'error', options: { maxSeconds: 900 } });
    assert.deepEqual(configForFile(loaded, 'test/a.ts').rules['jwt-ttl'], { severity: 'info', options: { maxSeconds: 900 } });
    assert.deepEqual(configForFile(loaded, 'src/a.ts').rules['sec-slack'], { severity: 'off' });
    assert.equal(loaded.isExcluded('fixtures/a/b.env'), true);
    assert.equal(loaded.isExcluded('src/fixtures.ts'), false);
    // Files under the same overrides share one config: a scan sends its workers a handful, not one per file.
    assert.equal(configForFile(loaded, 'src/a.ts'), configForFile(loaded, 'lib/b.ts'));
    assert.equal(configForFile(loaded, 'test/a.ts'), configForFile(loaded, 'test/deep/c.ts'));
    assert.notEqual(configForFile(loaded, 'src/a.ts'), configForFile(loaded, 'test/a.ts'));
  });

  it('merges extends in order: presets, then files, then this file', () => {
    const root = tree({
      'base.yaml': 'rules:\n  jwt-ttl: { severity: error, options: { maxSeconds: 600 } }\nexclude: [vendor-x/]\n',
      '.nhi-hygiene.yaml': 'extends: [strict, ./base.yaml]\nrules:\n  jwt-ttl: warning\n',
    });
    const loaded = load(join(root, '.nhi-hygiene.yaml'));
    assert.deepEqual(loaded.problems, []);
    const rules = configForFile(loaded, 'a.ts').rules;
    assert.deepEqual(rules['jwt-ttl'], { severity: 'warning', options: { maxSeconds: 600 } }, 'file severity wins, extended options kept');
    assert.deepEqual(rules['opt-in'], { severity: 'warning' }, 'strict turns on opt-in rules and raises info');
    assert.equal(loaded.isExcluded('vendor-x/lib.js'), true);
  });

  it('takes a rule by an alias (another tool\'s id, a former name) and keeps the setting under the rule\'s id', () => {
    const root = tree({
      '.nhi-hygiene.yaml': 'rules:\n  \'@secretlint/secretlint-rule-aws\': warning\noverrides:\n  - files: ["test/**"]\n    rules: { \'@secretlint/secretlint-rule-privatekey\': off }\n',
    });
    const loaded = load(join(root, '.nhi-hygiene.yaml'));
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(configForFile(loaded, 'src/a.ts').rules['sec-aws'], { severity: 'warning' });
    assert.equal(configForFile(loaded, 'src/a.ts').rules['@secretlint/secretlint-rule-aws'], undefined);
    assert.deepEqual(configForFile(loaded, 'test/a.ts').rules['sec-private-key'], { severity: 'off' });
  });

  it('reports problems with positions and keeps the valid parts', () => {
    const root = tree({ '.nhi-hygiene.yaml': 'rules:\n  jwt-tll: off\n  sec-slack: loud\n  jwt-ttl: { options: { maxSeconds: "ten" } }\nbogus: 1\n' });
    const loaded = load(join(root, '.nhi-hygiene.yaml'));
    const summary = loaded.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`);
    assert.match(summary[0]!, /^2:3 error Unknown rule `jwt-tll`\. Did you mean `jwt-ttl`\?/);
    assert.match(summary[1]!, /^3:14 error Invalid severity `loud`/);
    assert.match(summary[2]!, /^4:\d+ error Option `maxSeconds` of jwt-ttl must be a number/);
    assert.match(summary[3]!, /^5:1 warning Unknown config key `bogus`/);
  });

  it('falls back to the last valid config while the file does not parse', () => {
    const root = tree({ '.nhi-hygiene.yaml': 'rules:\n  sec-slack: off\n' });
    const file = join(root, '.nhi-hygiene.yaml');
    assert.deepEqual(configForFile(load(file), 'a').rules['sec-slack'], { severity: 'off' });
    writeFileSync(file, 'rules:\n  sec-slack: [off\n');
    const broken = load(file);
    assert.equal(broken.problems[0]!.severity, 'error');
    assert.match(broken.problems[0]!.message, /Invalid YAML.*last valid configuration/);
    assert.deepEqual(configForFile(broken, 'a').rules['sec-slack'], { severity: 'off' });
  });

  it('uses unsaved editor text when given', () => {
    const root = tree({ '.nhi-hygiene.yaml': 'rules: {}\n' });
    const file = join(root, '.nhi-hygiene.yaml');
    const loaded = loadConfig(file, { trusted: true, rules: RULES, readText: () => 'rules:\n  sec-slack: off\n' });
    assert.deepEqual(configForFile(loaded, 'a').rules['sec-slack'], { severity: 'off' });
  });

  it('runs a JavaScript shareable config only in a trusted workspace', () => {
    const root = tree({
      'node_modules/@acme/nhi-config/package.json': '{"name":"@acme/nhi-config","main":"index.js"}',
      'node_modules/@acme/nhi-config/index.js': "globalThis.__nhiConfigRan = true; module.exports = { rules: { 'sec-slack': 'warning' } };",
      'node_modules/@acme/yaml-config/package.json': '{"name":"@acme/yaml-config","main":"config.yaml"}',
      'node_modules/@acme/yaml-config/config.yaml': 'rules:\n  jwt-ttl: error\n',
      '.nhi-hygiene.yaml': 'extends:\n  - "@acme/nhi-config"\n  - "@acme/yaml-config"\n',
    });
    const file = join(root, '.nhi-hygiene.yaml');
    const untrusted = load(file, false);
    assert.equal((globalThis as { __nhiConfigRan?: boolean }).__nhiConfigRan, undefined, 'no workspace code ran');
    assert.match(untrusted.problems[0]!.message, /not trusted/);
    assert.equal(untrusted.problems[0]!.line, 2);
    assert.equal(configForFile(untrusted, 'a').rules['sec-slack'], undefined);
    assert.deepEqual(configForFile(untrusted, 'a').rules['jwt-ttl'], { severity: 'error' }, 'data-only packages still load');
    const trusted = load(file, true);
    assert.deepEqual(trusted.problems, []);
    assert.deepEqual(configForFile(trusted, 'a').rules['sec-slack'], { severity: 'warning' });
    delete (globalThis as { __nhiConfigRan?: boolean }).__nhiConfigRan;
  });

  it('reports a missing extended file and circular extends', () => {
    const root = tree({ 'a.yaml': 'extends: [./b.yaml]\n', 'b.yaml': 'extends: [./a.yaml]\n', '.nhi-hygiene.yaml': 'extends: [./a.yaml, ./nope.yaml]\n' });
    const messages = load(join(root, '.nhi-hygiene.yaml')).problems.map((p) => p.message).join('\n');
    assert.match(messages, /Circular extends/);
    assert.match(messages, /Cannot find extended config `\.\/nope\.yaml`/);
  });
});

describe('.secretlintrc', () => {
  it('is used when there is no config of ours, mapping secretlint rule choices', () => {
    const root = tree({
      '.secretlintrc.json': JSON.stringify({
        rules: [
          { id: '@secretlint/secretlint-rule-preset-recommend', rules: [{ id: '@secretlint/secretlint-rule-aws', disabled: true }] },
          { id: '@secretlint/secretlint-rule-pattern' },
        ],
      }),
      'src/app.ts': '',
    });
    const file = findConfigFile(join(root, 'src'));
    assert.equal(file, join(root, '.secretlintrc.json'));
    const loaded = load(file!);
    const rules = configForFile(loaded, 'src/app.ts').rules;
    assert.deepEqual(rules['sec-aws'], { severity: 'off' });
    assert.equal(rules['sec-private-key'], undefined, 'still on via the preset');
    assert.equal(rules['jwt-ttl'], undefined, 'rules that do not wrap secretlint are untouched');
    assert.match(loaded.problems.map((p) => p.message).join('\n'), /secretlint-rule-pattern has no NHI Hygiene equivalent/);
  });

  it('lists only some rules: the others are off; our config beside it wins', () => {
    const root = tree({
      '.secretlintrc.json': JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-privatekey' }] }),
      '.nhi-hygiene.yaml': 'rules:\n  sec-aws: warning\n',
    });
    const rules = configForFile(load(join(root, '.nhi-hygiene.yaml')), 'a').rules;
    assert.equal(rules['sec-private-key'], undefined);
    assert.deepEqual(rules['sec-aws'], { severity: 'warning' });
    const onlySecretlint = tree({ '.secretlintrc.json': JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-privatekey' }] }) });
    assert.deepEqual(configForFile(load(join(onlySecretlint, '.secretlintrc.json')), 'a').rules['sec-aws'], { severity: 'off' });
  });
});

describe('globs', () => {
  const cases: Array<[string, string, boolean]> = [
    ['node_modules/', 'a/node_modules/x/y.js', true],
    ['*.pem', 'deep/dir/key.pem', true],
    ['*.pem', 'deep/dir/key.pem.txt', false],
    ['/build', 'build/x', true],
    ['/build', 'src/build/x', false],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['src/**/*.ts', 'src/c.ts', true],
    ['src/**/*.ts', 'lib/src/c.ts', false],
    ['**/*.{yml,yaml}', '.github/workflows/ci.yaml', true],
    ['test/fixture?.json', 'test/fixture1.json', true],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'b.txt', false],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(compileGlob(pattern).matches(path), expected);
    });
  }
  it('a trailing slash matches directories only', () => {
    assert.equal(compileGlob('logs/').matches('logs', false), false);
    assert.equal(compileGlob('logs/').matches('logs', true), true);
  });
});
