/**
 * sec-credential-cli-flag tries its option patterns only where the prefilter located a credential
 * word, at the start of the option around it; what it finds must be what a search of the whole
 * text from left to right finds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

async function flagFindings(path: string, text: string) {
  const result = await new Scanner(allRules).scan(ParsedDocument.of(path, text), { rules: {} });
  return result.findings.filter((finding) => finding.ruleId === 'sec-credential-cli-flag').map((finding) => text.slice(...finding.span));
}

describe('sec-credential-cli-flag', () => {
  it('finds an option whose credential word is anywhere in its name, long or single-dash', async () => {
    const script = [
      '#!/bin/sh',
      'deploy --db-password S3cr3tP4ssw0rd! --region eu-west-1',
      'keytool -importkeystore -srcstorepass Kq7vZ2mX9pLw -destkeystore out.jks',
      'az login --service-principal --client-secret "vQ8~x2Lm9Kp7Zr3Tw" --tenant t',
    ].join('\n');
    assert.deepEqual(await flagFindings('/repo/deploy.sh', script), ['S3cr3tP4ssw0rd!', 'Kq7vZ2mX9pLw', 'vQ8~x2Lm9Kp7Zr3Tw']);
  });

  it('does not read an option inside the value of one already matched', async () => {
    // The quoted value holds `--token …`, which on its own would be an option with a credential.
    const script = '#!/bin/sh\nvault-cli login --password "--token Zq8vT3mL9xKp2Wc4" --verbose\n';
    assert.deepEqual(await flagFindings('/repo/login.sh', script), []);
  });

  it('passes over options without a credential word and words that are not options', async () => {
    const script = '#!/bin/sh\nnpm run build -- --part 3\ncurl -o key.pem https://example.com/key.pem\necho token-refresh --done\n';
    assert.deepEqual(await flagFindings('/repo/build.sh', script), []);
  });
});
