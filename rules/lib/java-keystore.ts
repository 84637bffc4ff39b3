import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Just enough of Java's JKS and JCEKS key store formats (the files `keytool` writes with
 * `-storetype JKS` / `JCEKS`) to list what a store holds and to check a store password against its
 * integrity digest. Every length is checked against the bytes, so a truncated or hostile file
 * yields undefined, never a throw or a long loop.
 */
export interface JavaKeyStore {
  readonly type: 'JKS' | 'JCEKS';
  /** Aliases of the private-key entries (a key and its certificate chain). */
  readonly privateKeys: readonly string[];
  readonly certificates: number;
  /** JCEKS secret-key entries (serialized Java objects; reading stops at the first). */
  readonly secretKeys: boolean;
}

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
const PRIVATE_KEY = 1;
const TRUSTED_CERTIFICATE = 2;
const SECRET_KEY = 3;
const DIGEST_LENGTH = 20;
/** More entries than any real store holds: a bound on what a file can ask the reader to walk. */
const MAX_ENTRIES = 10_000;
/** The fixed text the JKS integrity digest mixes in after the password (sun.security.provider.JavaKeyStore). */
const WHITENER = Buffer.from('Mighty Aphrodite', 'utf8');

class Reader {
  at = 0;
  constructor(private readonly bytes: Buffer) {}
  get left(): number {
    return this.bytes.length - DIGEST_LENGTH - this.at;
  }
  u16(): number | undefined {
    if (this.left < 2) return undefined;
    const value = this.bytes.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }
  u32(): number | undefined {
    if (this.left < 4) return undefined;
    const value = this.bytes.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }
  skip(count: number): boolean {
    if (count > this.left) return false;
    this.at += count;
    return true;
  }
  utf(): string | undefined {
    const length = this.u16();
    if (length === undefined || length > this.left) return undefined;
    // Modified UTF-8; aliases are ASCII in practice, and a rare other character only affects the message.
    const text = this.bytes.toString('utf8', this.at, this.at + length);
    this.at += length;
    return text;
  }
  /** A certificate: its type name (version 2 stores) and its encoded bytes. */
  certificate(version: number): boolean {
    if (version === 2 && this.utf() === undefined) return false;
    const length = this.u32();
    return length !== undefined && this.skip(length);
  }
}

/** The entries of a JKS or JCEKS store, or undefined when the bytes are not one. */
export function readJavaKeyStore(data: Uint8Array): JavaKeyStore | undefined {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const reader = new Reader(bytes);
  const magic = reader.u32();
  const type = magic === JKS_MAGIC ? 'JKS' : magic === JCEKS_MAGIC ? 'JCEKS' : undefined;
  const version = reader.u32();
  const count = reader.u32();
  if (!type || (version !== 1 && version !== 2) || count === undefined || count > MAX_ENTRIES) return undefined;
  const privateKeys: string[] = [];
  let certificates = 0;
  for (let entry = 0; entry < count; entry++) {
    const tag = reader.u32();
    const alias = reader.utf();
    if (tag === undefined || alias === undefined || !reader.skip(8)) return undefined;
    if (tag === PRIVATE_KEY) {
      const keyLength = reader.u32();
      const chain = keyLength !== undefined && reader.skip(keyLength) ? reader.u32() : undefined;
      if (chain === undefined || chain > MAX_ENTRIES) return undefined;
      for (let i = 0; i < chain; i++) if (!reader.certificate(version)) return undefined;
      privateKeys.push(alias);
    } else if (tag === TRUSTED_CERTIFICATE) {
      if (!reader.certificate(version)) return undefined;
      certificates++;
    } else if (tag === SECRET_KEY && type === 'JCEKS') {
      // A serialized SealedObject, whose length is not written down: what was read so far stands.
      return { type, privateKeys, certificates, secretKeys: true };
    } else {
      return undefined;
    }
  }
  return reader.left === 0 ? { type, privateKeys, certificates, secretKeys: false } : undefined;
}

/** Whether `password` is the store password: SHA-1 over the password (UTF-16BE), the whitener and the store. */
export function javaKeyStorePasswordMatches(data: Uint8Array, password: string): boolean {
  if (data.length < DIGEST_LENGTH) return false;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const passwordBytes = Buffer.from(password, 'utf16le').swap16();
  const body = bytes.subarray(0, bytes.length - DIGEST_LENGTH);
  const digest = createHash('sha1').update(passwordBytes).update(WHITENER).update(body).digest();
  return timingSafeEqual(digest, bytes.subarray(bytes.length - DIGEST_LENGTH));
}
