/**
 * sec-aws: secret access keys come from secretlint's AWS rule, access key IDs from the rule's own
 * search where the prefilter located an `AKIA`/`ASIA` prefix. Both must hold whichever finds them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

async function awsFindings(path: string, text: string) {
  const result = await new Scanner(allRules).scan(ParsedDocument.of(path, text), { rules: {} });
  return result.findings.filter((finding) => finding.ruleId === 'sec-aws').map((finding) => ({ severity: finding.severity, text: text.slice(...finding.span) }));
}

const USER_KEY_ID = 'AKIACBXLHMNCP64LMGYR';
const SESSION_KEY_ID = 'ASIAQ3EGRTVF7KZN2WXB';
const SECRET = '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';

describe('sec-aws', () => {
  it('reports a key ID as a warning and its secret as an error', async () => {
    const text = `[ci-uploader]\naws_access_key_id = ${USER_KEY_ID}\naws_secret_access_key = ${SECRET}\n`;
    assert.deepEqual(await awsFindings('deploy/aws/credentials', text), [
      { severity: 'warning', text: USER_KEY_ID },
      { severity: 'error', text: SECRET },
    ]);
  });

  it('reports key IDs alone, in code, wherever they stand on a line', async () => {
    const text = `const clients = [\n  new S3Client({ credentials: { accessKeyId: "${USER_KEY_ID}", secretAccessKey: process.env.S }}),\n  {id:'${SESSION_KEY_ID}'},\n];\n`;
    assert.deepEqual(await awsFindings('src/clients.ts', text), [
      { severity: 'warning', text: USER_KEY_ID },
      { severity: 'warning', text: SESSION_KEY_ID },
    ]);
  });

  it('leaves what is not a key ID: other principal prefixes, longer words, other case, the documented example', async () => {
    const text = [
      'timezone: Asia/Tokyo',
      'fallback_zone: ASIA_PACIFIC_SOUTHEAST_1',
      'role_id: AROAQ3EGRTVF7KZN2WXBC',
      `build_tag: X${USER_KEY_ID}`,
      `artifact: ${USER_KEY_ID}7`,
      `lower: ${USER_KEY_ID.toLowerCase()}`,
      'docs_example: AKIAIOSFODNN7EXAMPLE',
      '',
    ].join('\n');
    assert.deepEqual(await awsFindings('config/app.yaml', text), []);
  });
});
