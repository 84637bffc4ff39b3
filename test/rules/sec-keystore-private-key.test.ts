import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { javaKeyStorePasswordMatches, readJavaKeyStore } from '../../rules/lib/java-keystore';
import rule from '../../rules/sec-keystore-private-key';
import type { Report } from '../../server/src/engine/types';
import { ParsedDocument } from '../../server/src/engine/parsed-document';

const FIXTURES = join(__dirname, '..', '..', 'rules', 'sec-keystore-private-key', 'fixtures');
const keystore = readFileSync(join(FIXTURES, 'positive', 'app', 'src', 'main', 'resources', 'keystore.jks'));
const truststore = readFileSync(join(FIXTURES, 'negative', 'src', 'main', 'resources', 'truststore.jks'));

describe('sec-keystore-private-key: reading Java key stores', () => {
  it('lists private-key entries and certificates, and checks the store password against the digest', () => {
    assert.deepEqual(readJavaKeyStore(keystore), { type: 'JKS', privateKeys: ['api-tls'], certificates: 0, secretKeys: false });
    assert.deepEqual(readJavaKeyStore(truststore), { type: 'JKS', privateKeys: [], certificates: 1, secretKeys: false });
    assert.equal(javaKeyStorePasswordMatches(keystore, 'changeit'), true);
    assert.equal(javaKeyStorePasswordMatches(keystore, 'changeme'), false);
  });

  it('gives up on truncated, padded or corrupted stores without throwing', () => {
    for (let length = 0; length < keystore.length; length++) {
      assert.equal(readJavaKeyStore(keystore.subarray(0, length)), undefined, `truncated to ${length} bytes`);
    }
    assert.equal(readJavaKeyStore(Buffer.concat([keystore, Buffer.alloc(4)])), undefined, 'bytes after the digest');
    const huge = Buffer.from(keystore);
    huge.writeUInt32BE(0x7fffffff, 8);
    assert.equal(readJavaKeyStore(huge), undefined, 'an entry count no store has');
    const badLength = Buffer.from(keystore);
    // The key's length field, after tag, alias and timestamp, claims more than the file holds.
    badLength.writeUInt32BE(0x7fffffff, 12 + 4 + 2 + 'api-tls'.length + 8);
    assert.equal(readJavaKeyStore(badLength), undefined);
    assert.equal(readJavaKeyStore(Buffer.from('not a key store at all, just text')), undefined);
  });
});

describe('sec-keystore-private-key: stores under a password of their own', () => {
  const check = (path: string, anyPassword: boolean) => {
    const reports: Report[] = [];
    const document = ParsedDocument.fromBytes(path, readFileSync(join(FIXTURES, path)));
    void rule.check({ document, options: { anyPassword }, report: (report) => void reports.push(report), readReferencedFile: () => undefined });
    return reports.map((report) => report.severity);
  };

  it('are reported as warnings only with anyPassword, and trust stores and debug keys never', () => {
    for (const store of ['negative/android/app/release.jks', 'negative/deploy/certs/partner.pfx']) {
      assert.deepEqual(check(store, false), [], store);
      assert.deepEqual(check(store, true), ['warning'], store);
    }
    for (const store of ['negative/src/main/resources/truststore.jks', 'negative/config/cacerts.p12', 'negative/android/app/debug.keystore', 'negative/tools/android/debug.keystore', 'negative/deploy/keys/reporting-sa.p12']) {
      assert.deepEqual(check(store, true), [], store);
    }
    assert.deepEqual(check('positive/deploy/certs/billing-client.p12', true), ['error'], 'a default password stays an error');
  });
});
