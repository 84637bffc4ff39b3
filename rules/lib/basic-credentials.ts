import { base64Text } from '../../server/src/engine/secret-values';

/**
 * The user name and password in the base64 of `user:password` (an HTTP Basic credential, a
 * Docker `auths` entry); undefined unless the value is base64 of printable text with a colon
 * after a non-empty user name.
 */
export function decodeUserPassword(value: string): { readonly user: string; readonly password: string } | undefined {
  // The callers' patterns bound the value; the decoder's own bound is for placeholder checks.
  const decoded = base64Text(value, Infinity);
  const colon = decoded?.indexOf(':') ?? -1;
  if (decoded === undefined || colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
