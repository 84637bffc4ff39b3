/**
 * Checksums that vendors build into their tokens, so that a scanner can tell an issued token from a
 * string of the same shape: a match whose checksum holds is a token, whatever surrounds it.
 */

/** CRC-32 lookup tables, by reflected polynomial, built on first use. */
const tables = new Map<number, Uint32Array>();

function crcTable(polynomial: number): Uint32Array {
  let table = tables.get(polynomial);
  if (!table) {
    table = new Uint32Array(256);
    for (let byte = 0; byte < 256; byte++) {
      let crc = byte;
      for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ polynomial : crc >>> 1;
      table[byte] = crc >>> 0;
    }
    tables.set(polynomial, table);
  }
  return table;
}

function crc(bytes: Uint8Array, polynomial: number): number {
  const table = crcTable(polynomial);
  let value = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) value = table[(value ^ bytes[i]!) & 0xff]! ^ (value >>> 8);
  return (value ^ 0xffffffff) >>> 0;
}

/** CRC-32 as zlib, PNG and Go's `crc32.IEEE` compute it. */
export function crc32(bytes: Uint8Array): number {
  return crc(bytes, 0xedb88320);
}

/** CRC-32C (Castagnoli), Go's `crc32.Castagnoli`. */
export function crc32c(bytes: Uint8Array): number {
  return crc(bytes, 0x82f63b78);
}

/**
 * Whether the bytes that `encoded` (unpadded base64url) decodes to end with a big-endian CRC of the
 * bytes before them. Text that is not base64url, or too short to hold a checksum, does not.
 */
export function endsWithCrc(encoded: string, checksum: (bytes: Uint8Array) => number): boolean {
  if (!/^[\w-]+$/.test(encoded) || encoded.length % 4 === 1) return false;
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.length < 5) return false;
  const body = bytes.subarray(0, bytes.length - 4);
  return checksum(body) === bytes.readUInt32BE(bytes.length - 4);
}
