/**
 * Certificate files read by reference: the expiry window option, documents that are not on disk,
 * and the limits on what a rule may read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import rule from '../../rules/iac-certificate-file-expired';
import { MAX_REFERENCED_FILE_BYTES, readReferencedFile } from '../../server/src/engine/referenced-files';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

const CERTS = join(__dirname, '..', '..', 'rules', 'iac-certificate-file-expired', 'fixtures', 'certs');
const INFRA = join(CERTS, '..', 'positive', 'infra');

async function findings(path: string, text: string, options: Record<string, number> = {}) {
  const result = await new Scanner([rule]).scan(ParsedDocument.of(path, text), { rules: { [rule.id]: { severity: 'error', options } } });
  return result.findings;
}

describe('iac-certificate-file-expired', () => {
  const current = 'resource "aws_iam_server_certificate" "edge" {\n  certificate_body = file("../../certs/api-current.pem")\n}\n';

  it('warns about a certificate that expires within warnDays, and not before', async () => {
    assert.deepEqual(await findings(join(INFRA, 'edge.tf'), current), []);
    // The fixture certificate is valid until 2125: a window of 40,000 days reaches it.
    const soon = await findings(join(INFRA, 'edge.tf'), current, { warnDays: 40_000 });
    assert.equal(soon.length, 1);
    assert.match(soon[0]!.message, /expires on 2125-12-31, within 40000 days/);
  });

  it('reads beside a document opened from a file: URI, as the language server names them', async () => {
    const expired = current.replace('api-current.pem', 'api-2024.pem');
    assert.equal((await findings(pathToFileURL(join(INFRA, 'edge.tf')).toString(), expired)).length, 1);
    assert.deepEqual(await findings('untitled:Untitled-1', expired), []);
  });

  it('reads only relative paths to small regular files', () => {
    const base = join(INFRA, 'edge.tf');
    assert.match(readReferencedFile(base, '../../certs/api-2024.pem') ?? '', /BEGIN CERTIFICATE/);
    assert.equal(readReferencedFile(base, join(CERTS, 'api-2024.pem')), undefined, 'absolute');
    assert.equal(readReferencedFile(base, '../../certs'), undefined, 'a directory');
    assert.equal(readReferencedFile(base, '../../certs/missing.pem'), undefined, 'missing');
    assert.equal(readReferencedFile('git:/repo/edge.tf', '../../certs/api-2024.pem'), undefined, 'not on disk');
    const folder = mkdtempSync(join(tmpdir(), 'nhi-referenced-'));
    mkdirSync(join(folder, 'certs'));
    writeFileSync(join(folder, 'certs', 'huge.pem'), Buffer.alloc(MAX_REFERENCED_FILE_BYTES + 1, 65));
    writeFileSync(join(folder, 'certs', 'small.pem'), 'x');
    assert.equal(readReferencedFile(join(folder, 'main.tf'), 'certs/huge.pem'), undefined, 'over the size limit');
    assert.equal(readReferencedFile(join(folder, 'main.tf'), 'certs/small.pem'), 'x');
  });
});
