/**
 * Terraform JSON (`*.tf.json`): read as the native syntax it stands for, so the Terraform rules
 * find in it what they find in the same configuration written as `.tf`, at the JSON's own lines.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { allRules } from '../../rules';
import { ensureLanguage, parseWith } from '../../server/src/engine/parse/tree-sitter';
import { terraformJsonAsNative } from '../../server/src/engine/parse/terraform-json';
import { parseYaml } from '../../server/src/engine/parse/yaml';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';
import type { Finding } from '../../server/src/engine/types';

const scanner = new Scanner(allRules);

function native(json: string, path = 'stacks/app/cdk.tf.json') {
  return terraformJsonAsNative(path, json, parseYaml(json)[0]!.contents);
}

async function findings(path: string, text: string): Promise<Finding[]> {
  const result = await scanner.scan(ParsedDocument.of(path, text), { rules: {} });
  assert.deepEqual(result.failures, []);
  return [...result.findings];
}

/** The line (1-based) of the first occurrence of `marker` in `text`. */
function lineOf(text: string, marker: string): number {
  return text.slice(0, text.indexOf(marker)).split('\n').length;
}

const CONFIGURATION_JSON = `{
  "//": { "metadata": { "stackName": "app", "version": "0.20.8" } },
  "provider": {
    "aws": [
      { "region": "us-east-1", "access_key": "AKIA4TQX7LMN2PRS5UVW", "secret_key": "\${var.aws_secret_key}" },
      { "alias": "audit", "region": "us-west-2", "access_key": "\${var.audit_key}", "secret_key": "\${var.audit_secret}" }
    ]
  },
  "resource": {
    "aws_iam_access_key": {
      "deployer": { "//": { "metadata": { "path": "app/deployer" } }, "user": "\${aws_iam_user.deployer.name}", "status": "Inactive" }
    },
    "tls_self_signed_cert": {
      "ca": { "private_key_pem": "\${tls_private_key.ca.private_key_pem}", "validity_period_hours": 87600, "allowed_uses": ["server_auth"] }
    },
    "aws_secretsmanager_secret_rotation": {
      "db": { "secret_id": "\${aws_secretsmanager_secret.db.id}", "rotation_lambda_arn": "\${aws_lambda_function.rotate.arn}", "rotation_rules": { "automatically_after_days": 400 } }
    }
  }
}
`;

const CONFIGURATION_TF = `provider "aws" {
  region     = "us-east-1"
  access_key = "AKIA4TQX7LMN2PRS5UVW"
  secret_key = var.aws_secret_key
}
provider "aws" {
  alias      = "audit"
  region     = "us-west-2"
  access_key = var.audit_key
  secret_key = var.audit_secret
}
resource "aws_iam_access_key" "deployer" {
  user   = aws_iam_user.deployer.name
  status = "Inactive"
}
resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  validity_period_hours = 87600
  allowed_uses          = ["server_auth"]
}
resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = aws_lambda_function.rotate.arn
  rotation_rules {
    automatically_after_days = 400
  }
}
`;

describe('Terraform JSON read as native syntax', () => {
  before(() => ensureLanguage('hcl'));

  it('writes blocks, labels, nested blocks, maps and references that parse without error', () => {
    const translated = native(CONFIGURATION_JSON)!;
    assert.equal(translated.path, 'stacks/app/cdk.tf');
    const tree = parseWith('hcl', translated.text);
    assert.equal(tree.rootNode.hasError, false, translated.text);
    assert.match(translated.text, /^provider "aws" \{\n {2}region = "us-east-1"\n/m);
    assert.match(translated.text, /secret_key = var\.aws_secret_key\n/, 'a lone interpolation is the expression itself');
    assert.match(translated.text, /^resource "aws_iam_access_key" "deployer" \{$/m);
    assert.match(translated.text, /^ {2}rotation_rules \{\n {4}automatically_after_days = 400\n {2}\}$/m, 'an object of identifiers is a nested block');
    assert.doesNotMatch(translated.text, /metadata|"\/\/"/, 'comment keys are left out');
  });

  it('keeps map arguments as objects and templates with quotes inside their interpolations', () => {
    const json = `{ "resource": { "aws_instance": { "web": {
      "tags": { "Name": "web", "kubernetes.io/role": "node" },
      "user_data": "#!/bin/sh\\necho \${lookup(var.names, \\"web\\")} > /etc/role\\n",
      "ami": "ami-\${var.ami_suffix}"
    } } } }`;
    const translated = native(json)!;
    assert.equal(parseWith('hcl', translated.text).rootNode.hasError, false, translated.text);
    assert.match(translated.text, /tags = \{ "Name" = "web", "kubernetes\.io\/role" = "node" \}/);
    assert.match(translated.text, /user_data = "#!\/bin\/sh\\necho \$\{lookup\(var\.names, "web"\)\} > \/etc\/role\\n"/);
  });

  it('maps each written value back to its place in the JSON', () => {
    const translated = native(CONFIGURATION_JSON)!;
    for (const value of ['"AKIA4TQX7LMN2PRS5UVW"', '"us-west-2"', '87600', '"Inactive"']) {
      const at = translated.text.indexOf(value);
      const outer = translated.outerOffset(at);
      assert.equal(CONFIGURATION_JSON.slice(outer, translated.outerOffset(at + value.length)), value, value);
    }
    // A block's header lands on its innermost label's key.
    const header = translated.text.indexOf('resource "tls_self_signed_cert" "ca"');
    assert.equal(CONFIGURATION_JSON.slice(translated.outerOffset(header), translated.outerOffset(header + 'resource "tls_self_signed_cert" "ca"'.length)), '"ca"');
  });

  it('is not read when the file is not Terraform JSON or holds no blocks', () => {
    assert.equal(native(CONFIGURATION_JSON, 'cdk.json'), undefined);
    assert.equal(native('{ "name": "app", "version": "1.0.0" }'), undefined);
    assert.equal(native('[1, 2]'), undefined);
  });

  it('reports what the same configuration reports as .tf, on the JSON lines, without fixes', async () => {
    const fromJson = (await findings('stacks/app/cdk.tf.json', CONFIGURATION_JSON)).filter((f) => f.ruleId.startsWith('tf-') || f.ruleId.startsWith('iac-'));
    const fromTf = (await findings('stacks/app/main.tf', CONFIGURATION_TF)).filter((f) => f.ruleId.startsWith('tf-') || f.ruleId.startsWith('iac-'));
    const summary = (list: Finding[]) => list.map((f) => `${f.ruleId}:${f.severity}:${f.message}`).sort();
    assert.ok(fromTf.length >= 5, summary(fromTf).join('\n'));
    assert.deepEqual(summary(fromJson), summary(fromTf));
    assert.ok(fromJson.every((f) => !f.fixable));
    const at = (ruleId: string) => {
      const finding = fromJson.find((f) => f.ruleId === ruleId);
      assert.ok(finding, `no ${ruleId} finding in ${summary(fromJson).join('\n')}`);
      return finding.range.start.line + 1;
    };
    assert.equal(at('tf-tls-cert-validity'), lineOf(CONFIGURATION_JSON, '"validity_period_hours"'));
    assert.equal(at('tf-aws-iam-access-key'), lineOf(CONFIGURATION_JSON, '"deployer": {'));
    assert.equal(at('iac-secret-rotation'), lineOf(CONFIGURATION_JSON, '"automatically_after_days"'));
  });

  it('still scans malformed Terraform JSON as JSON, without the Terraform rules', async () => {
    const broken = CONFIGURATION_JSON.replace('"tls_self_signed_cert": {', '"tls_self_signed_cert": {{');
    const found = await findings('stacks/app/cdk.tf.json', broken);
    assert.ok(found.some((f) => f.ruleId === 'sec-aws'), 'the access key is still found in the text');
    assert.ok(!found.some((f) => f.ruleId.startsWith('tf-')));
  });
});
