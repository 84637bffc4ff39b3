import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Just enough DER to read a PKCS#12 file's integrity MAC (RFC 7292): the MAC's hash, digest, salt
 * and iteration count, and the authenticated safe it covers. Every length is checked against the
 * bytes that hold it, so a truncated or hostile file yields undefined, never a throw or a long loop.
 */
interface Der {
  readonly tag: number;
  /** Offsets of the value within the buffer. */
  readonly start: number;
  readonly end: number;
}

function readDer(bytes: Uint8Array, at: number, limit = bytes.length): Der | undefined {
  if (at + 2 > limit) return undefined;
  const tag = bytes[at]!;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Indefinite lengths (BER) and lengths over 4 bytes are not DER a file this size needs.
    if (count === 0 || count > 4 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  const end = start + length;
  return end <= limit ? { tag, start, end } : undefined;
}

/** The children of a constructed value, in order; undefined when one does not fit. */
function children(bytes: Uint8Array, parent: Der): Der[] | undefined {
  const items: Der[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const item = readDer(bytes, at, parent.end);
    if (!item) return undefined;
    items.push(item);
    at = item.end;
  }
  return items;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;
const CONTEXT_0 = 0xa0;

/** pkcs7-data, 1.2.840.113549.1.7.1. */
const PKCS7_DATA = Buffer.from('2a864886f70d010701', 'hex');

/** MAC digest algorithms by OID, with the hash's block size in bytes (RFC 7292 B.2 `v`). */
const DIGESTS: ReadonlyArray<{ oid: Buffer; hash: string; block: number }> = [
  { oid: Buffer.from('2b0e03021a', 'hex'), hash: 'sha1', block: 64 },
  { oid: Buffer.from('608648016503040201', 'hex'), hash: 'sha256', block: 64 },
  { oid: Buffer.from('608648016503040202', 'hex'), hash: 'sha384', block: 128 },
  { oid: Buffer.from('608648016503040203', 'hex'), hash: 'sha512', block: 128 },
];

/** More iterations than any tool writes by default (OpenSSL: 2048), and a bound on the work a file can ask for. */
export const MAX_MAC_ITERATIONS = 100_000;

export interface Pkcs12Mac {
  readonly hash: string;
  readonly block: number;
  readonly digest: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
  /** The authenticated safe's content octets: what the MAC covers. */
  readonly content: Uint8Array;
}

function integer(bytes: Uint8Array, value: Der): number | undefined {
  if (value.tag !== INTEGER || value.end - value.start > 4 || value.end === value.start) return undefined;
  let result = 0;
  for (let i = value.start; i < value.end; i++) result = result * 256 + bytes[i]!;
  return result;
}

/** The MAC of a PKCS#12 (PFX) file, or undefined when the bytes are not one or it has no MAC. */
export function pkcs12Mac(bytes: Uint8Array): Pkcs12Mac | undefined {
  const pfx = readDer(bytes, 0);
  if (!pfx || pfx.tag !== SEQUENCE) return undefined;
  const [version, authSafe, macData] = children(bytes, pfx) ?? [];
  if (!version || !authSafe || !macData || integer(bytes, version) !== 3 || authSafe.tag !== SEQUENCE || macData.tag !== SEQUENCE) return undefined;
  const [contentType, explicit] = children(bytes, authSafe) ?? [];
  if (!contentType || contentType.tag !== OID || !explicit || explicit.tag !== CONTEXT_0) return undefined;
  if (!Buffer.from(bytes.subarray(contentType.start, contentType.end)).equals(PKCS7_DATA)) return undefined;
  const content = readDer(bytes, explicit.start, explicit.end);
  if (!content || content.tag !== OCTET_STRING) return undefined;
  const [digestInfo, salt, iterationsValue] = children(bytes, macData) ?? [];
  if (!digestInfo || digestInfo.tag !== SEQUENCE || !salt || salt.tag !== OCTET_STRING) return undefined;
  const iterations = iterationsValue ? integer(bytes, iterationsValue) : 1;
  if (iterations === undefined || iterations < 1 || iterations > MAX_MAC_ITERATIONS) return undefined;
  const [algorithm, digest] = children(bytes, digestInfo) ?? [];
  if (!algorithm || algorithm.tag !== SEQUENCE || !digest || digest.tag !== OCTET_STRING) return undefined;
  const [oid] = children(bytes, algorithm) ?? [];
  if (!oid || oid.tag !== OID) return undefined;
  const oidBytes = Buffer.from(bytes.subarray(oid.start, oid.end));
  const known = DIGESTS.find((entry) => entry.oid.equals(oidBytes));
  if (!known) return undefined;
  return {
    hash: known.hash,
    block: known.block,
    digest: bytes.subarray(digest.start, digest.end),
    salt: bytes.subarray(salt.start, salt.end),
    iterations,
    content: bytes.subarray(content.start, content.end),
  };
}

/**
 * Whether `password` opens the file's MAC: RFC 7292 appendix B.2 key derivation (ID 3, the MAC
 * key, one hash-length block) and an HMAC of the authenticated safe.
 */
export function macVerifies(mac: Pkcs12Mac, password: string): boolean {
  const v = mac.block;
  const fill = (source: Uint8Array) => {
    if (source.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
    return out;
  };
  // The password as a BMPString: UTF-16 big-endian with a two-byte terminator.
  const bmp = Buffer.alloc(2 * password.length + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), 2 * i);
  let block: Buffer = Buffer.concat([Buffer.alloc(v, 3), fill(mac.salt), fill(bmp)]);
  for (let round = 0; round < mac.iterations; round++) block = createHash(mac.hash).update(block).digest();
  const expected = createHmac(mac.hash, block).update(mac.content).digest();
  return expected.length === mac.digest.length && timingSafeEqual(expected, mac.digest);
}
