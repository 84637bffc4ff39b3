/**
 * recheck's verdicts, memoised on disk in the OS temp directory (keyed by recheck's version, the
 * parameters, the pattern and its flags), because its fuzzing checker takes seconds per pattern.
 * A changed or new pattern is never in the cache, so it is always checked. NHI_RECHECK_CACHE=off
 * disables the cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSync, type Diagnostics, type Parameters } from 'recheck';

/**
 * Shorter fuzzing budgets than recheck's defaults (same verdicts on this code base, about half the
 * time). The overall timeout stays at recheck's default of 10 s; a timeout is reported as unknown.
 */
export const RECHECK_PARAMS: Parameters = { timeout: 10_000, incubationTimeout: 50, attackTimeout: 200, maxIteration: 5, randomSeed: 0 };

const version = (JSON.parse(readFileSync(require.resolve('recheck/package.json'), 'utf8')) as { version: string }).version;
const cacheDir = join(tmpdir(), 'nhi-hygiene-recheck');
const cacheFile = join(cacheDir, `recheck-${version}.json`);
const enabled = process.env.NHI_RECHECK_CACHE !== 'off';

type Cache = Record<string, Diagnostics>;

function load(): Cache {
  if (!enabled) return {};
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as Cache;
  } catch {
    return {};
  }
}

function keyOf(source: string, flags: string): string {
  return createHash('sha256').update(JSON.stringify([version, RECHECK_PARAMS, source, flags])).digest('hex');
}

export class RecheckCache {
  private readonly cache = load();
  private dirty = false;
  checked = 0;
  cached = 0;

  check(source: string, flags: string): Diagnostics {
    const key = keyOf(source, flags);
    const hit = this.cache[key];
    if (hit) {
      this.cached++;
      return hit;
    }
    const diagnostics = checkSync(source, flags, RECHECK_PARAMS);
    this.checked++;
    // A timeout or an analyser error is not a verdict: check it again next time.
    if (diagnostics.status !== 'unknown') {
      this.cache[key] = diagnostics;
      this.dirty = true;
    }
    return diagnostics;
  }

  save(): void {
    if (!enabled || !this.dirty) return;
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify(this.cache));
    renameSync(temporary, cacheFile);
  }
}

/** One line for a failure: complexity, attack length and recheck's own description of the attack. */
export function describeDiagnostics(diagnostics: Diagnostics): string {
  if (diagnostics.status === 'safe') return `safe (${diagnostics.complexity.summary})`;
  if (diagnostics.status === 'unknown') return `unknown (${diagnostics.error.kind}${'message' in diagnostics.error ? `: ${diagnostics.error.message}` : ''})`;
  const pattern = diagnostics.attack.pattern.length > 120 ? `${diagnostics.attack.pattern.slice(0, 120)}…` : diagnostics.attack.pattern;
  return `${diagnostics.complexity.summary}; attack string of ${diagnostics.attack.string.length} characters: ${pattern}`;
}
