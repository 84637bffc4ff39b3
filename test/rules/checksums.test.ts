import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, crc32c, endsWithCrc } from '../../rules/lib/checksums';

const text = (value: string) => new TextEncoder().encode(value);

describe('token checksums', () => {
  it('computes CRC-32 and CRC-32C with their standard check values', () => {
    // The check value of each algorithm is its CRC of the nine ASCII digits.
    assert.equal(crc32(text('123456789')), 0xcbf43926);
    assert.equal(crc32c(text('123456789')), 0xe3069283);
    assert.equal(crc32(text('')), 0);
  });

  it('tells base64url that ends with its checksum from text that does not', () => {
    const body = text('a service account key body');
    const bytes = new Uint8Array(body.length + 4);
    bytes.set(body);
    new DataView(bytes.buffer).setUint32(body.length, crc32c(body));
    const encoded = Buffer.from(bytes).toString('base64url');
    assert.equal(endsWithCrc(encoded, crc32c), true);
    assert.equal(endsWithCrc(encoded, crc32), false);
    // One character changed in the body breaks it; so does a character outside base64url.
    const changed = (encoded[2] === 'A' ? 'B' : 'A');
    assert.equal(endsWithCrc(encoded.slice(0, 2) + changed + encoded.slice(3), crc32c), false);
    assert.equal(endsWithCrc(encoded.slice(0, 5) + '.' + encoded.slice(6), crc32c), false);
    assert.equal(endsWithCrc('abcd', crc32c), false);
  });
});
