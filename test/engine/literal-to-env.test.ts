/**
 * The shared fix of secret rules: a secret literal in source code becomes an environment lookup
 * that fails closed. Where an expression cannot go, no fix is offered (and the finding is not
 * marked fixable); what it writes parses and names the variable after the code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { environmentName } from '../../rules/lib/literal-to-env';
import { applyEdits } from '../../server/src/engine/fix/text-diff';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

const scanner = new Scanner(allRules);
const SLACK = ['xoxb', '695011802664', '6379251716433', '8AMgUeBUJuY4Vn5PKRyIfFFs'].join('-');
const AWS_ID = 'AKIA' + '4QZXD3BNWR7TLK2M';

async function slackFix(path: string, text: string) {
  const document = ParsedDocument.of(path, text);
  const { findings } = await scanner.scan(document, { rules: {} });
  const finding = findings.find((f) => f.ruleId === 'sec-slack' || f.ruleId === 'sec-aws');
  assert.ok(finding, `no finding in ${path}`);
  const fix = scanner.fixes(document, finding, { rules: {} }).find((candidate) => candidate.title.includes('environment variable'));
  return { finding, fix, fixed: fix ? applyEdits(text, fix.edits) : undefined };
}

describe('secret literal to environment lookup', () => {
  it('names the variable after the code, in upper snake case', () => {
    assert.equal(environmentName('slackBotToken'), 'SLACK_BOT_TOKEN');
    assert.equal(environmentName('APIKey'), 'API_KEY');
    assert.equal(environmentName('client-secret'), 'CLIENT_SECRET');
    assert.equal(environmentName('DB_PASSWORD'), 'DB_PASSWORD');
    assert.equal(environmentName('_private'), 'PRIVATE');
  });

  it('keeps an existing Python import and adds none', async () => {
    const { fixed } = await slackFix('app/notify.py', `import os\n\nSLACK_TOKEN = "${SLACK}"\n`);
    assert.equal(fixed, 'import os\n\nSLACK_TOKEN = os.environ["SLACK_TOKEN"]\n');
  });

  it('adds `import os` after a module docstring when the module has no imports', async () => {
    const { fixed } = await slackFix('app/notify.py', `"""Notifier."""\n\nslack_token = '${SLACK}'\n`);
    assert.equal(fixed, `"""Notifier."""\nimport os\n\nslack_token = os.environ['SLACK_TOKEN']\n`);
  });

  it('adds "os" to a Go file with a single import', async () => {
    const { fixed } = await slackFix('cmd/notify/main.go', `package main\n\nimport "fmt"\n\nvar token = "${SLACK}"\n\nfunc main() { fmt.Println(len(token)) }\n`);
    assert.match(fixed!, /^package main\n\nimport "fmt"\nimport "os"\n\nvar token = func\(\) string \{ v, ok := os\.LookupEnv\("SLACK_TOKEN"\)/);
  });

  it('offers nothing where a run-time expression is not allowed, or the secret is part of a literal', async () => {
    const cases: Array<[string, string]> = [
      ['cmd/notify/main.go', `package main\n\nconst token = "${SLACK}"\n`],
      ['src/tokens.ts', `export enum Tokens {\n  Bot = "${SLACK}",\n}\n`],
      ['src/Main.java', `class Main {\n  @Token("${SLACK}")\n  void run() {}\n}\n`],
      ['app/notify.py', `token = f"${SLACK}{suffix}"\n`],
      ['app/notify.py', `message = "use ${SLACK} to post"\n`],
      ['src/notify.ts', `const headers = { ["${SLACK}"]: 1 };\n`],
    ];
    for (const [path, text] of cases) {
      const document = ParsedDocument.of(path, text);
      const { findings } = await scanner.scan(document, { rules: {} });
      const slack = findings.filter((f) => f.ruleId === 'sec-slack');
      assert.ok(slack.length > 0, `${path}: the token is found at all`);
      for (const finding of slack) {
        const fixes = scanner.fixes(document, finding, { rules: {} }).filter((fix) => fix.title.includes('environment variable'));
        assert.deepEqual(fixes, [], `${path}: ${text}`);
        assert.equal(finding.fixable, false, `${path} marked fixable: ${text}`);
      }
    }
  });

  it('marks a name it had to guess as a placeholder, and keeps the literal quote style in JavaScript', async () => {
    const { fix, fixed } = await slackFix('src/notify.js', `const { WebClient } = require('@slack/web-api');\nconst slack = new WebClient('${SLACK}');\n`);
    assert.deepEqual(fix?.placeholders, ['SLACK_SECRET']);
    assert.ok(fixed!.includes(`new WebClient(process.env.SLACK_SECRET ?? (() => { throw new Error('SLACK_SECRET is not set'); })())`), fixed);
  });

  it('prefixes the vendor when the code only names the field', async () => {
    const { fixed } = await slackFix('src/Config.java', `class Config {\n  static final String ACCESS_KEY_ID = "${AWS_ID}";\n}\n`);
    assert.ok(fixed!.includes('System.getenv("AWS_ACCESS_KEY_ID")'), fixed);
  });
});
