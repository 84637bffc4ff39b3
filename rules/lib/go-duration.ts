/**
 * Durations as Go's `time.ParseDuration` writes them (`2160h`, `1h30m`, `90m0s`), which
 * cert-manager and Terraform use, plus the `d` suffix and bare seconds Vault also accepts.
 */
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };
/** One `<number><unit>` part; tried at each position in turn (sticky), so the whole parse is linear. */
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;

/** Seconds in a Go-style duration, or undefined when the text is not one. */
export function parseGoDuration(value: string): number | undefined {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  let seconds = 0;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const match = PART.exec(text);
    if (!match) return undefined;
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    at = PART.lastIndex;
  }
  return seconds;
}

/** Hours as a short human phrase: `87600 hours (10 years)`, `720 hours (30 days)`. */
export function describeSeconds(seconds: number): string {
  const hours = seconds / 3600;
  const days = hours / 24;
  const roundedHours = Number.isInteger(hours) ? String(hours) : hours.toFixed(1);
  if (days >= 730) return `${roundedHours} hours (${Math.round(days / 365)} years)`;
  if (days >= 2) return `${roundedHours} hours (${Math.round(days)} days)`;
  if (hours >= 1) return `${roundedHours} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}
