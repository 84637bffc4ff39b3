/**
 * The sensitive-variable fix for secrets written as strings in Terraform: offered only for a
 * whole quoted value of an argument or object attribute in a block that can read variables, and
 * the result still parses and no longer holds the secret.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { applyEdits } from '../../server/src/engine/fix/text-diff';
import { ensureLanguage, parseWith } from '../../server/src/engine/parse/tree-sitter';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

const TOKEN = 'ghp_aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2bC4';

/** Each finding's first fix applied alone, or undefined where the finding is not fixable. */
async function fixedTexts(path: string, text: string): Promise<Array<string | undefined>> {
  const document = ParsedDocument.of(path, text);
  const scanner = new Scanner(allRules);
  const { findings } = await scanner.scan(document, { rules: {} });
  assert.ok(findings.length > 0, 'the literal is reported');
  return findings.map((finding) => {
    if (!finding.fixable) return undefined;
    const [fix] = scanner.fixes(document, finding, { rules: {} });
    return fix && applyEdits(text, fix.edits);
  });
}

async function assertParses(text: string): Promise<void> {
  await ensureLanguage('hcl');
  const tree = parseWith('hcl', text);
  assert.equal(tree.rootNode.hasError, false, `does not parse:\n${text}`);
  tree.delete();
}

describe('sensitive variable fix in Terraform', () => {
  it('names the variable after the block and the object key, and declares it once at the end', async () => {
    const text = `resource "aws_lambda_function" "billing" {\n  function_name = "billing"\n  environment {\n    variables = {\n      "GITHUB_TOKEN" = "${TOKEN}"\n    }\n  }\n}\n`;
    const [fixed] = await fixedTexts('lambda.tf', text);
    assert.ok(fixed, 'fixable');
    assert.ok(fixed.includes('"GITHUB_TOKEN" = var.billing_github_token\n'), fixed);
    assert.match(fixed, /\n\nvariable "billing_github_token" \{\n {2}description = "GITHUB_TOKEN of aws_lambda_function\.billing;[^"]*"\n {2}type {8}= string\n {2}sensitive {3}= true\n\}\n$/);
    assert.ok(!fixed.includes(TOKEN));
    await assertParses(fixed);
  });

  it('reuses a variable the file already declares, and keeps CRLF line endings', async () => {
    const text = `variable "github_token" {\r\n  type      = string\r\n  sensitive = true\r\n}\r\n\r\nprovider "github" {\r\n  owner = "acme"\r\n  token = "${TOKEN}"\r\n}\r\n`;
    const [fixed] = await fixedTexts('providers.tf', text);
    assert.equal(fixed, text.replace(`"${TOKEN}"`, 'var.github_token'));
  });

  it('adds a line break before the declaration when the file does not end with one', async () => {
    const text = `locals {\n  api_token = "${TOKEN}"\n}`;
    const [fixed] = await fixedTexts('locals.tf', text);
    assert.ok(fixed?.startsWith('locals {\n  api_token = var.api_token\n}\n\nvariable "api_token" {\n'), fixed);
    await assertParses(fixed!);
  });

  it('offers nothing where a variable cannot go or is not the fix', async () => {
    const cases: Array<[string, string]> = [
      // A backend is configured before variables exist.
      ['backend.tf', `terraform {\n  backend "http" {\n    password = "${TOKEN}"\n  }\n}\n`],
      // Part of a larger string: a reference would change the value.
      ['url.tf', `resource "null_resource" "hook" {\n  triggers = {\n    url = "https://x:${TOKEN}@git.example.com/\${var.repo}"\n  }\n}\n`],
      // A .tfvars file is where variables get their values.
      ['prod.tfvars', `github_token = "${TOKEN}"\n`],
    ];
    for (const [path, text] of cases) {
      const results = await fixedTexts(path, text);
      assert.ok(!results.some((result) => result?.includes('var.')), `${path}: ${results.join('\n')}`);
    }
  });
});
