import type { Rule, RuleOptions, Severity } from './types';

/** How one rule is set: off, or on at a severity with options (thresholds). */
export type RuleSetting = { readonly severity: Severity | 'off'; readonly options?: RuleOptions };

/**
 * The engine's view of configuration, already merged from presets, files, settings and flags by
 * whoever loaded it. Rules missing from `rules` run with their defaults.
 */
export interface EngineConfig {
  readonly rules: Readonly<Record<string, RuleSetting | undefined>>;
  /** Findings below this severity are dropped (editor setting / CLI flag). */
  readonly minimumSeverity?: Severity;
  readonly limits?: Partial<ScanLimits>;
  /** `YYYY-MM-DD` against which suppression expiry is judged; defaults to the current UTC date. */
  readonly today?: string;
}

export interface ScanLimits {
  /** Files larger than this are skipped, and the skip is reported. */
  readonly maxFileBytes: number;
  /** Lines longer than this (minified code) disable parse-based rules for the file. */
  readonly maxLineLength: number;
}

export const DEFAULT_LIMITS: ScanLimits = { maxFileBytes: 2 * 1024 * 1024, maxLineLength: 20_000 };

export const DEFAULT_CONFIG: EngineConfig = { rules: {} };

/** A rule's effective severity and options under `config`, or undefined when it is off. */
export function resolveRule(
  rule: Rule,
  config: EngineConfig,
): { severity: Severity; configured: boolean; options: RuleOptions } | undefined {
  const setting = config.rules[rule.id];
  const severity = setting?.severity ?? (rule.recommended === false ? 'off' : rule.defaultSeverity);
  if (severity === 'off') return undefined;
  return { severity, configured: setting?.severity !== undefined, options: optionsWithDefaults(rule, setting?.options) };
}

const NO_OPTIONS: RuleOptions = Object.freeze({});

export function optionsWithDefaults(rule: Rule, given: RuleOptions | undefined): RuleOptions {
  // Most rules have no options and most configurations set none: nothing to merge, nothing to allocate.
  if (!rule.options && !given) return NO_OPTIONS;
  const merged: Record<string, RuleOptions[string]> = {};
  for (const [name, spec] of Object.entries(rule.options ?? {})) merged[name] = spec.default;
  // Frozen: a scanner resolves a rule once per configuration and hands the same options to every file.
  return Object.freeze(given ? { ...merged, ...given } : merged);
}

/** Severity overrides (editor settings, CLI `--rule`) on top of configured rules, keeping options. */
export function withSeverities(
  rules: Readonly<Record<string, RuleSetting | undefined>>,
  severities: Readonly<Record<string, RuleSetting['severity']>>,
): Record<string, RuleSetting | undefined> {
  const merged: Record<string, RuleSetting | undefined> = { ...rules };
  for (const [id, severity] of Object.entries(severities)) {
    const options = rules[id]?.options;
    merged[id] = options ? { severity, options } : { severity };
  }
  return merged;
}
