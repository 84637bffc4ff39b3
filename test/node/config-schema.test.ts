import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { allRules } from '../../rules';
import { configSchema } from '../../server/src/node/config-schema';

const SCHEMA_FILE = join(__dirname, '..', '..', 'schemas', 'nhi-hygiene.schema.json');

describe('config JSON schema', () => {
  const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object;

  it('is in step with the rule registry (run `npm run schema` after changing rules)', () => {
    assert.deepEqual(committed, configSchema(allRules));
  });

  it('accepts a realistic config and rejects typos in rule ids, severities and options', () => {
    const validate = new Ajv({ strict: false }).compile(committed);
    const good = {
      extends: ['recommended'],
      rules: { 'tf-tls-cert-validity': { severity: 'error', options: { warnHours: 720 } }, 'sec-slack': 'off' },
      exclude: ['test/fixtures/**'],
      overrides: [{ files: ['legacy/**'], rules: { 'k8s-legacy-sa-token-secret': 'warning' } }],
    };
    assert.ok(validate(good), JSON.stringify(validate.errors));
    assert.equal(validate({ rules: { 'sec-slak': 'off' } }), false);
    assert.equal(validate({ rules: { 'sec-slack': 'loud' } }), false);
    assert.equal(validate({ rules: { 'tf-tls-cert-validity': { options: { warnHour: 1 } } } }), false);
    assert.equal(validate({ exlude: [] }), false);
  });

  it('accepts a rule\'s aliases with the rule\'s own setting', () => {
    const validate = new Ajv({ strict: false }).compile(committed);
    const aliased = allRules.find((rule) => rule.aliases?.some((alias) => alias.startsWith('@secretlint/')))!;
    const alias = aliased.aliases!.find((name) => name.startsWith('@secretlint/'))!;
    assert.ok(validate({ rules: { [alias]: 'warning' }, overrides: [{ files: ['x/**'], rules: { [alias]: { severity: 'off' } } }] }), JSON.stringify(validate.errors));
    assert.equal(validate({ rules: { [alias]: 'loud' } }), false);
    assert.equal(validate({ rules: { [alias]: { severity: 'off', options: { nope: 1 } } } }), false);
  });
});
