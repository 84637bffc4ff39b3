/**
 * The PKCS#12 MAC reader behind sec-gcp-p12-key: it opens a key store with the right password
 * only, and hostile bytes (every truncation, corrupted content, noise) never throw or verify.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { macVerifies, pkcs12Mac } from '../../rules/lib/pkcs12';

const FIXTURES = join(__dirname, '..', '..', 'rules', 'sec-gcp-p12-key', 'fixtures');
const googleKey = readFileSync(join(FIXTURES, 'positive', 'deploy', 'keys', 'reporting-sa.p12'));
const sha256Key = readFileSync(join(FIXTURES, 'positive', 'deploy', 'keys', 'legacy-sa-sha256.p12'));
const otherPassword = readFileSync(join(FIXTURES, 'negative', 'deploy', 'keys', 'client-cert.p12'));

describe('PKCS#12 MAC', () => {
  it('verifies with the password the store was made with, and not with another', () => {
    for (const [bytes, hash] of [[googleKey, 'sha1'], [sha256Key, 'sha256']] as const) {
      const mac = pkcs12Mac(bytes);
      assert.ok(mac, 'a PFX with a MAC is read');
      assert.equal(mac.hash, hash);
      assert.equal(macVerifies(mac, 'notasecret'), true);
      assert.equal(macVerifies(mac, 'notasecret2'), false);
    }
    const other = pkcs12Mac(otherPassword);
    assert.ok(other);
    assert.equal(macVerifies(other, 'notasecret'), false);
  });

  it('reads no MAC from any truncation of a key store', () => {
    for (let length = 0; length < googleKey.length; length++) {
      assert.equal(pkcs12Mac(googleKey.subarray(0, length)), undefined, `truncated to ${length} bytes`);
    }
  });

  it('does not verify a store whose content or digest was changed', () => {
    const mac = pkcs12Mac(googleKey)!;
    const contentAt = googleKey.indexOf(Buffer.from(mac.content.subarray(0, 32)));
    for (const at of [contentAt + 10, contentAt + mac.content.length - 1, googleKey.indexOf(Buffer.from(mac.digest))]) {
      const changed = Buffer.from(googleKey);
      changed[at] = changed[at]! ^ 0x01;
      const changedMac = pkcs12Mac(changed);
      assert.ok(changedMac);
      assert.equal(macVerifies(changedMac, 'notasecret'), false, `byte ${at} changed`);
    }
  });

  it('reads nothing from noise and never throws', () => {
    for (let round = 0; round < 500; round++) {
      const noise = randomBytes(1 + (round % 300));
      if (round % 2 === 0) noise[0] = 0x30;
      const mac = pkcs12Mac(noise);
      if (mac) assert.equal(macVerifies(mac, 'notasecret'), false);
    }
  });
});
