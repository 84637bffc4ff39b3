/**
 * The injection grammar that highlights suppression directives in comments. Its patterns use only
 * syntax that Oniguruma and JavaScript read alike, so they are checked here with RegExp.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..');
const grammar = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'nhi-hygiene-directive.injection.json'), 'utf8')) as {
  scopeName: string;
  injectionSelector: string;
  repository: Record<string, { match: string; captures: Record<string, { name: string }> }>;
};
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { grammars: Array<{ scopeName: string; path: string }> } };

function scopes(rule: string, line: string): Record<string, string> {
  const { match, captures } = grammar.repository[rule]!;
  const found = new RegExp(match).exec(line);
  if (!found) return {};
  const out: Record<string, string> = {};
  for (const [group, { name }] of Object.entries(captures)) {
    const text = found[Number(group)];
    if (text) out[name.split('.').slice(0, 2).join('.')] = text.trim();
  }
  return out;
}

describe('directive grammar', () => {
  it('is contributed by the extension and injected into comments only', () => {
    assert.ok(manifest.contributes.grammars.some((entry) => entry.scopeName === grammar.scopeName && entry.path.endsWith('nhi-hygiene-directive.injection.json')));
    assert.match(grammar.injectionSelector, /^L:comment/);
  });

  it('marks the directive, rule ids, reason and expiry', () => {
    assert.deepEqual(scopes('directive', '# nhi-hygiene-disable-next-line sec-aws, gha-static-aws-keys -- rotated test key until 2026-12-31'), {
      'keyword.control': 'nhi-hygiene-disable-next-line',
      'entity.name': 'sec-aws, gha-static-aws-keys',
      'punctuation.separator': '--',
      'string.unquoted': 'rotated test key',
      'keyword.other': 'until',
      'constant.numeric': '2026-12-31',
    });
  });

  it('marks a directive without a reason, and secretlint and gitleaks directives', () => {
    assert.deepEqual(scopes('directive', '// nhi-hygiene-disable-line code-jwt-no-expiry'), { 'keyword.control': 'nhi-hygiene-disable-line', 'entity.name': 'code-jwt-no-expiry' });
    assert.equal(scopes('foreign-directive', '// secretlint-disable-next-line')['keyword.control'], 'secretlint-disable-next-line');
    assert.equal(scopes('foreign-directive', 'token = "x" # gitleaks:allow')['keyword.control'], 'gitleaks:allow');
    assert.deepEqual(scopes('directive', '# nhi-hygiene is great'), {});
  });
});
