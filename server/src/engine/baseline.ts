import type { Finding } from './types';

/**
 * A baseline: the fingerprints of findings accepted as they are, so a scan reports only new
 * ones. Entries hold no secret values and no line numbers, so moving code or rebasing does not
 * churn the file, while a different secret on the same line is a new fingerprint.
 */
export interface Baseline {
  readonly version: 1;
  /** Sorted by path, then rule id, then fingerprint, so the file diffs cleanly. */
  readonly entries: readonly BaselineEntry[];
}

export interface BaselineEntry {
  readonly path: string;
  readonly ruleId: string;
  readonly fingerprint: string;
}

export function createBaseline(results: ReadonlyArray<{ path: string; findings: readonly Finding[] }>): Baseline {
  const entries = results.flatMap(({ path, findings }) => findings.map((finding) => ({ path, ruleId: finding.ruleId, fingerprint: finding.fingerprint })));
  entries.sort((a, b) => compare(a.path, b.path) || compare(a.ruleId, b.ruleId) || compare(a.fingerprint, b.fingerprint));
  return { version: 1, entries };
}

/** Parses a baseline file, throwing a readable error for anything that is not one. */
export function parseBaseline(text: string): Baseline {
  const value = JSON.parse(text) as Partial<Baseline>;
  if (value.version !== 1 || !Array.isArray(value.entries)) throw new Error('not an nhi-hygiene baseline (expected {"version": 1, "entries": [...]})');
  for (const entry of value.entries) {
    if (typeof entry?.path !== 'string' || typeof entry.ruleId !== 'string' || typeof entry.fingerprint !== 'string') {
      throw new Error('baseline entries need path, ruleId and fingerprint strings');
    }
  }
  return value as Baseline;
}

/** Splits a file's findings into new ones and ones the baseline accepts; records matches. */
export class BaselineMatcher {
  private readonly keys: Set<string>;
  private readonly matched = new Set<string>();

  constructor(private readonly baseline: Baseline) {
    this.keys = new Set(baseline.entries.map(keyOf));
  }

  newFindings(path: string, findings: readonly Finding[]): Finding[] {
    return findings.filter((finding) => {
      const key = keyOf({ path, ruleId: finding.ruleId, fingerprint: finding.fingerprint });
      if (!this.keys.has(key)) return true;
      this.matched.add(key);
      return false;
    });
  }

  /** Entries no finding matched in this scan: fixed, or their file was not scanned. */
  resolved(scannedPaths: ReadonlySet<string>): BaselineEntry[] {
    return this.baseline.entries.filter((entry) => scannedPaths.has(entry.path) && !this.matched.has(keyOf(entry)));
  }

  /** The baseline without resolved entries. */
  pruned(scannedPaths: ReadonlySet<string>): Baseline {
    const resolved = new Set(this.resolved(scannedPaths).map(keyOf));
    return { version: 1, entries: this.baseline.entries.filter((entry) => !resolved.has(keyOf(entry))) };
  }
}

function keyOf(entry: BaselineEntry): string {
  return `${entry.path}\0${entry.ruleId}\0${entry.fingerprint}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
