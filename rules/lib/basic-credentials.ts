/**
 * The user name and password in the base64 of `user:password` (an HTTP Basic credential, a
 * Docker `auths` entry); undefined unless the value is base64 of printable text with a colon
 * after a non-empty user name.
 */
export function decodeUserPassword(value: string): { readonly user: string; readonly password: string } | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(decoded)) return undefined;
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
