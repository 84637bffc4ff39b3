/**
 * Masks a secret for display. Enough of the start survives to recognise the token type (`AKIA`,
 * `ghp_`); the end survives only on long values, where two characters cannot help guess the rest.
 */
export function maskSecret(secret: string): string {
  const value = secret.trim();
  if (value.length <= 8) return '*'.repeat(Math.max(4, value.length));
  const head = value.slice(0, value.length >= 16 ? 4 : 2);
  const tail = value.length >= 24 ? value.slice(-2) : '';
  return `${head}${'*'.repeat(Math.min(12, value.length - head.length - tail.length))}${tail}`;
}

/** Replaces every occurrence of `secret` in `text` with its mask: a last guard on any output. */
export function redact(text: string, secret: string): string {
  if (secret.length < 6) return text;
  return text.split(secret).join(maskSecret(secret));
}
