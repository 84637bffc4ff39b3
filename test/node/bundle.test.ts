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
    it(`${bundle}: yaml is bundled from its ES module build, with no environment read per token`, () => {
      const text = readFileSync(join(DIST, bundle), 'utf8');
      assert.ok(text.includes('node_modules/yaml/browser/dist/parse/parser.js'), 'the ES module parser');
      assert.ok(!text.includes('node_modules/yaml/dist/'), 'and not the CommonJS one besides');
      assert.doesNotMatch(text, /\benv\.LOG_(TOKENS|STREAM)\b/);
    });
  }
});
