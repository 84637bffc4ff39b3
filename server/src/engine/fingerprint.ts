import { createHash } from 'node:crypto';

/**
 * A fingerprint that survives moved lines and rebases: it hashes the rule id with the secret (so a
 * different secret on the same line is a new finding) or with the normalised construct.
 */
export function fingerprintOf(ruleId: string, identity: string): string {
  const normalised = identity.replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(ruleId).update('\0').update(normalised).digest('hex').slice(0, 32);
}
