/**
 * What the bundles are built with (esbuild.mjs), checked on the built files: the test script
 * builds them before the tests run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const DIST = join(__dirname, '..', '..', 'dist');

describe('bundles', () => {
  for (const bundle of ['server.js', 'cli-main.js']) {
    it(`${bundle}: the YAML parser reads no environment variable per token`, () => {
      const text = readFileSync(join(DIST, bundle), 'utf8');
      assert.ok(text.includes('node_modules/yaml/dist/parse/parser.js'), 'the bundle holds the yaml parser');
      assert.doesNotMatch(text, /\benv\.LOG_(TOKENS|STREAM)\b/);
    });
  }
});
