import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { EngineConfig, RuleSetting, ScanLimits } from '../engine/config';
import type { Rule, RuleOptions, Severity } from '../engine/types';
import { compileGlobs } from './glob';

/** Project config file names, in the order they are looked for in each directory. */
export const CONFIG_FILE_NAMES = ['.nhi-hygiene.yaml', '.nhi-hygiene.yml', '.nhi-hygiene.json'] as const;

export interface ConfigProblem {
  /** The file the problem is in (the config itself or a file it extends). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** `error`: the setting was ignored; the CLI exits 2. `warning`: accepted with a caveat. */
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface ConfigOverride {
  readonly files: readonly string[];
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly matches: (relativePath: string) => boolean;
}

/** A project config after `extends` were merged; paths in it are relative to `root`. */
export interface LoadedConfig {
  readonly configFile: string | undefined;
  readonly root: string | undefined;
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly overrides: readonly ConfigOverride[];
  readonly exclude: readonly string[];
  readonly include: readonly string[] | undefined;
  readonly limits: Partial<ScanLimits>;
  readonly problems: readonly ConfigProblem[];
  /** Whether the project config keeps this file (relative to `root`) out of every scan. */
  isExcluded(relativePath: string): boolean;
}

export interface LoadOptions {
  /** Code from the workspace (JavaScript shareable configs) runs only when the workspace is trusted. */
  readonly trusted: boolean;
  /** The rule registry, for validating rule ids and options and for the `strict` preset. */
  readonly rules?: readonly Rule[];
  /** Text of a config file not yet saved (the editor's buffer); defaults to reading the disk. */
  readonly readText?: (file: string) => string | undefined;
}

const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);
const TOP_LEVEL_KEYS = new Set(['$schema', 'extends', 'rules', 'exclude', 'include', 'overrides', 'limits']);
const BUILTIN_PRESETS = new Set(['recommended', 'strict']);

/** The nearest config file at or above `dir`, or undefined. */
/** secretlint's config names; its rule choices are read when no config of ours says otherwise. */
export const SECRETLINT_CONFIG_NAMES = ['.secretlintrc', '.secretlintrc.json', '.secretlintrc.yaml', '.secretlintrc.yml'] as const;

/**
 * The nearest config file at or above `dir`; when there is none of ours, the nearest
 * `.secretlintrc*`, so a repository set up for secretlint keeps its rule choices. Pass a `cache`
 * to share directory lookups across calls (a workspace walk asks for every directory).
 */
/**
 * True when a directory entry exists, even a dangling symlink: such a config is then reported as
 * unreadable instead of silently replaced by the defaults.
 */
function isPresent(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

export function findConfigFile(dir: string, cache: Map<string, DirectoryConfigs> = new Map()): string | undefined {
  const found = configsAtOrAbove(resolve(dir), cache);
  return found.own ?? found.secretlint;
}

export interface DirectoryConfigs {
  readonly own: string | undefined;
  readonly secretlint: string | undefined;
}

function configsAtOrAbove(dir: string, cache: Map<string, DirectoryConfigs>): DirectoryConfigs {
  const cached = cache.get(dir);
  if (cached) return cached;
  let own: string | undefined = CONFIG_FILE_NAMES.map((name) => join(dir, name)).find(isPresent);
  let secretlint = own ? undefined : secretlintConfigIn(dir);
  const parent = dirname(dir);
  if (!own && parent !== dir) {
    const above = configsAtOrAbove(parent, cache);
    own = above.own;
    secretlint ??= above.secretlint;
  }
  const result = { own, secretlint };
  cache.set(dir, result);
  return result;
}

function secretlintConfigIn(dir: string): string | undefined {
  return SECRETLINT_CONFIG_NAMES.map((name) => join(dir, name)).find(isPresent);
}

function isSecretlintConfig(file: string): boolean {
  return (SECRETLINT_CONFIG_NAMES as readonly string[]).includes(basename(file));
}

/** Last configuration of each file that loaded without errors, used while the file is broken. */
const lastGood = new Map<string, LoadedConfig>();

/**
 * Loads a project config with everything it extends. Never throws: problems are collected with
 * positions so the editor can show them on the file and the CLI can report them and exit 2;
 * while a file does not parse, its last good version (or the defaults) stays in force.
 */
export function loadConfig(configFile: string | undefined, options: LoadOptions): LoadedConfig {
  if (!configFile) return build(undefined, emptyLayer(), []);
  const problems: ConfigProblem[] = [];
  const layer = loadLayer(resolve(configFile), options, problems, []);
  if (!layer) {
    const previous = lastGood.get(configFile);
    const fallback = previous ? 'the last valid configuration' : 'the default configuration';
    const notice = { ...problems[0]!, message: `${problems[0]!.message} Scanning continues with ${fallback}.` };
    return previous
      ? { ...previous, problems: [notice, ...problems.slice(1)] }
      : build(configFile, emptyLayer(), [notice, ...problems.slice(1)]);
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
  const loaded = build(configFile, layer, problems);
  if (!problems.some((problem) => problem.severity === 'error')) lastGood.set(configFile, loaded);
  return loaded;
}

/** Per loaded config, its engine configs by the indices of the overrides that apply ("0,2"): most files share one. */
const configsByOverrides = new WeakMap<LoadedConfig, Map<string, EngineConfig>>();

/**
 * The engine config for one file: project rules, then the overrides whose globs match it. Files
 * that match the same overrides get the same (frozen) object, so a scan of many files builds, and
 * sends to its worker threads, a handful of configs rather than one per file.
 */
export function configForFile(loaded: LoadedConfig, relativePath: string): EngineConfig {
  const matching = loaded.overrides.flatMap((override, index) => (override.matches(relativePath) ? [index] : []));
  const key = matching.join(',');
  let configs = configsByOverrides.get(loaded);
  if (!configs) configsByOverrides.set(loaded, (configs = new Map()));
  let config = configs.get(key);
  if (!config) {
    let rules: Record<string, RuleSetting | undefined> = { ...loaded.rules };
    for (const index of matching) rules = mergeRules(rules, loaded.overrides[index]!.rules);
    config = Object.freeze({ rules: Object.freeze(rules), limits: loaded.limits });
    configs.set(key, config);
  }
  return config;
}

interface Layer {
  rules: Record<string, RuleSetting>;
  overrides: ConfigOverride[];
  exclude: string[];
  include: string[] | undefined;
  limits: Partial<ScanLimits>;
}

function emptyLayer(): Layer {
  return { rules: {}, overrides: [], exclude: [], include: undefined, limits: {} };
}

function build(configFile: string | undefined, layer: Layer, problems: ConfigProblem[]): LoadedConfig {
  const excluded = compileGlobs(layer.exclude);
  const included = layer.include ? compileGlobs(layer.include) : undefined;
  return {
    configFile,
    root: configFile ? dirname(configFile) : undefined,
    rules: layer.rules,
    overrides: layer.overrides,
    exclude: layer.exclude,
    include: layer.include,
    limits: layer.limits,
    problems,
    isExcluded: (path) => excluded(path) || (included !== undefined && !included(path)),
  };
}

function mergeRules(
  base: Record<string, RuleSetting | undefined>,
  top: Readonly<Record<string, RuleSetting>>,
): Record<string, RuleSetting | undefined> {
  const merged = { ...base };
  for (const [id, setting] of Object.entries(top)) {
    const options = base[id]?.options || setting.options ? { ...base[id]?.options, ...setting.options } : undefined;
    merged[id] = options ? { severity: setting.severity, options } : { severity: setting.severity };
  }
  return merged;
}

/** Loads one file and what it extends; undefined when the file cannot be read or parsed. */
function loadLayer(file: string, options: LoadOptions, problems: ConfigProblem[], chain: string[]): Layer | undefined {
  if (chain.includes(file)) {
    problems.push({ file: chain[chain.length - 1]!, line: 1, column: 1, severity: 'error', message: `Circular extends: ${[...chain, file].join(' -> ')}.` });
    return emptyLayer();
  }
  let text: string | undefined;
  try {
    text = options.readText?.(file) ?? readFileSync(file, 'utf8');
  } catch (error) {
    problems.push({ file, line: 1, column: 1, severity: 'error', message: `Cannot read config file: ${(error as Error).message}.` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined, severity: ConfigProblem['severity'], message: string) => {
    const position = lineCounter.linePos(node?.range?.[0] ?? 0);
    problems.push({ file, line: position.line, column: position.col, severity, message });
  };
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const position = lineCounter.linePos(error.pos[0]);
    problems.push({ file, line: position.line, column: position.col, severity: 'error', message: `Invalid ${extname(file) === '.json' ? 'JSON' : 'YAML'} in config: ${error.message.split('\n')[0]}.` });
    return undefined;
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return emptyLayer();
  if (!isMap(root)) {
    at(root, 'error', 'The config must be a mapping with keys such as `rules`, `exclude` and `extends`.');
    return emptyLayer();
  }
  // A rule is named by its id or by an alias (another tool's id, or a name it had before).
  const ruleIndex = new Map((options.rules ?? []).flatMap((rule) => [rule.id, ...(rule.aliases ?? [])].map((name) => [name, rule] as const)));
  if (isSecretlintConfig(file)) return secretlintLayer(root, options.rules ?? [], at);
  // A .secretlintrc beside our config is the base layer: its rule choices, then ours on top.
  const besideSecretlint = chain.length === 0 ? secretlintConfigIn(dirname(file)) : undefined;
  let layer = (besideSecretlint && loadLayer(besideSecretlint, options, problems, [...chain, file])) || emptyLayer();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (!TOP_LEVEL_KEYS.has(key)) {
      at(pair.key as Node, 'warning', `Unknown config key \`${key}\`; expected one of ${[...TOP_LEVEL_KEYS].filter((k) => k !== '$schema').join(', ')}.`);
      continue;
    }
    if (key === 'extends') {
      for (const item of stringList(value, at, 'extends')) {
        const base = loadExtended(item.value, item.node, file, options, problems, [...chain, file], at);
        if (base) layer = mergeLayers(layer, base);
      }
    }
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    switch (key) {
      case 'rules':
        layer.rules = mergeRules(layer.rules, readRules(value, ruleIndex, at)) as Record<string, RuleSetting>;
        break;
      case 'exclude':
        layer.exclude = [...layer.exclude, ...stringList(value, at, 'exclude').map((item) => item.value)];
        break;
      case 'include':
        layer.include = stringList(value, at, 'include').map((item) => item.value);
        break;
      case 'limits':
        layer.limits = { ...layer.limits, ...readLimits(value, at) };
        break;
      case 'overrides':
        layer.overrides = [...layer.overrides, ...readOverrides(value, ruleIndex, at)];
        break;
    }
  }
  return layer;
}

type At = (node: Node | null | undefined, severity: ConfigProblem['severity'], message: string) => void;

function mergeLayers(base: Layer, top: Layer): Layer {
  return {
    rules: mergeRules(base.rules, top.rules) as Record<string, RuleSetting>,
    overrides: [...base.overrides, ...top.overrides],
    exclude: [...base.exclude, ...top.exclude],
    include: top.include ?? base.include,
    limits: { ...base.limits, ...top.limits },
  };
}

function loadExtended(name: string, node: Node, from: string, options: LoadOptions, problems: ConfigProblem[], chain: string[], at: At): Layer | undefined {
  const preset = name.replace(/^nhi-hygiene:/, '');
  if (BUILTIN_PRESETS.has(preset)) return presetLayer(preset, options.rules ?? []);
  if (name.startsWith('.') || name.startsWith('/')) {
    const file = resolve(dirname(from), name);
    if (/\.[cm]?js$/.test(file)) return loadJavaScript(file, name, node, options, problems, chain, at);
    if (!existsSync(file)) {
      at(node, 'error', `Cannot find extended config \`${name}\` (looked for ${file}).`);
      return undefined;
    }
    return loadLayer(file, options, problems, chain);
  }
  // A shareable config published as an npm package, resolved from the config's directory.
  let resolved: string;
  try {
    resolved = createRequire(from).resolve(name);
  } catch {
    at(node, 'error', `Cannot find the shareable config package \`${name}\`; install it, or use a preset (recommended, strict) or a relative path.`);
    return undefined;
  }
  if (/\.(ya?ml|json)$/.test(resolved)) return loadLayer(resolved, options, problems, chain);
  return loadJavaScript(resolved, name, node, options, problems, chain, at);
}

/**
 * JavaScript configs can run arbitrary code, so they load only in a trusted workspace. What they
 * export is read through the same validation as a YAML file (as its JSON text).
 */
function loadJavaScript(file: string, name: string, node: Node, options: LoadOptions, problems: ConfigProblem[], chain: string[], at: At): Layer | undefined {
  if (!options.trusted) {
    at(node, 'warning', `Not loading \`${name}\`: it is JavaScript and this workspace is not trusted. Trust the workspace to use it; scanning goes on without it.`);
    return undefined;
  }
  let text: string;
  try {
    const exported = createRequire(file)(file) as { default?: unknown };
    text = JSON.stringify(exported.default ?? exported);
  } catch (error) {
    at(node, 'error', `Cannot load \`${name}\`: ${(error as Error).message}`);
    return undefined;
  }
  return loadLayer(file, { ...options, readText: (path) => (path === file ? text : options.readText?.(path)) }, problems, chain);
}

/**
 * Maps secretlint's rule choices onto the rules that wrap secretlint rules (their `aliases`):
 * a wrapped rule is on when its secretlint rule is listed, or the recommended preset is listed
 * without disabling it, and off otherwise. Options, `allowMessageIds` and rules we do not wrap
 * are not mapped; the latter get a warning.
 */
function secretlintLayer(root: Node, rules: readonly Rule[], at: At): Layer {
  const layer = emptyLayer();
  const config = (root as { toJSON(): unknown }).toJSON() as { rules?: Array<{ id?: string; disabled?: boolean; rules?: Array<{ id?: string; disabled?: boolean }> }> };
  const listed = new Set<string>();
  const disabled = new Set<string>();
  let presetOn = false;
  for (const entry of config.rules ?? []) {
    if (!entry?.id) continue;
    if (entry.id === '@secretlint/secretlint-rule-preset-recommend') {
      presetOn = entry.disabled !== true;
      for (const inner of entry.rules ?? []) if (inner?.id && inner.disabled) disabled.add(inner.id);
    } else if (entry.disabled) {
      disabled.add(entry.id);
    } else {
      listed.add(entry.id);
    }
  }
  const mapped = new Set<string>();
  for (const rule of rules) {
    const alias = rule.aliases?.find((id) => id.startsWith('@secretlint/'));
    if (!alias) continue;
    mapped.add(alias);
    const on = !disabled.has(alias) && (listed.has(alias) || presetOn);
    if (!on) layer.rules[rule.id] = { severity: 'off' };
  }
  for (const id of listed) {
    if (!mapped.has(id)) at(root, 'warning', `secretlint rule ${id} has no NHI Hygiene equivalent and is not applied.`);
  }
  return layer;
}

/**
 * `recommended` is the rules' own defaults. `strict` also turns on the rules that are off by
 * default and raises `info` findings to `warning`, for repositories that want every signal.
 */
function presetLayer(name: string, rules: readonly Rule[]): Layer {
  const layer = emptyLayer();
  if (name === 'strict') {
    for (const rule of rules) {
      const severity: Severity = rule.defaultSeverity === 'info' ? 'warning' : rule.defaultSeverity;
      layer.rules[rule.id] = { severity };
    }
  }
  return layer;
}

function stringList(node: Node | null, at: At, key: string): Array<{ value: string; node: Node }> {
  if (isScalar(node) && typeof node.value === 'string') return [{ value: node.value, node }];
  if (!isSeq(node)) {
    at(node, 'error', `\`${key}\` must be a list of strings.`);
    return [];
  }
  const out: Array<{ value: string; node: Node }> = [];
  for (const item of node.items as Node[]) {
    if (isScalar(item) && typeof item.value === 'string') out.push({ value: item.value, node: item });
    else at(item, 'error', `\`${key}\` entries must be strings.`);
  }
  return out;
}

function readRules(node: Node | null, ruleIndex: ReadonlyMap<string, Rule>, at: At): Record<string, RuleSetting> {
  const rules: Record<string, RuleSetting> = {};
  if (node === null || (isScalar(node) && node.value === null)) return rules;
  if (!isMap(node)) {
    at(node, 'error', '`rules` must map rule ids to a severity (off, info, warning, error) or to { severity, options }.');
    return rules;
  }
  for (const pair of node.items) {
    const keyNode = pair.key as Node;
    const written = isScalar(keyNode) ? String(keyNode.value) : '';
    const rule = ruleIndex.get(written);
    if (ruleIndex.size > 0 && !rule) {
      const hint = closest(written, [...new Set([...ruleIndex.values()].map((known) => known.id))]);
      at(keyNode, 'error', `Unknown rule \`${written}\`.${hint ? ` Did you mean \`${hint}\`?` : ''}`);
      continue;
    }
    const id = rule?.id ?? written;
    const value = pair.value as Node | null;
    if (isScalar(value)) {
      const severity = String(value.value);
      if (SEVERITIES.has(severity)) rules[id] = { severity: severity as RuleSetting['severity'] };
      else at(value, 'error', `Invalid severity \`${severity}\` for ${id}; use off, info, warning or error.`);
      continue;
    }
    if (!isMap(value)) {
      at(value ?? keyNode, 'error', `Rule ${id} must be set to a severity or to { severity, options }.`);
      continue;
    }
    let severity: RuleSetting['severity'] | undefined = rule?.defaultSeverity;
    let options: Record<string, RuleOptions[string]> | undefined;
    for (const entry of value.items) {
      const entryKey = isScalar(entry.key) ? String(entry.key.value) : '';
      const entryValue = entry.value as Node | null;
      if (entryKey === 'severity') {
        const given = isScalar(entryValue) ? String(entryValue.value) : '';
        if (SEVERITIES.has(given)) severity = given as RuleSetting['severity'];
        else at(entryValue ?? (entry.key as Node), 'error', `Invalid severity \`${given}\` for ${id}; use off, info, warning or error.`);
      } else if (entryKey === 'options') {
        options = readOptions(id, rule, entryValue, at);
      } else {
        at(entry.key as Node, 'warning', `Unknown key \`${entryKey}\` in the setting of ${id}; expected severity or options.`);
      }
    }
    if (severity) rules[id] = options ? { severity, options } : { severity };
  }
  return rules;
}

function readOptions(id: string, rule: Rule | undefined, node: Node | null, at: At): Record<string, RuleOptions[string]> | undefined {
  if (!isMap(node)) {
    at(node, 'error', `\`options\` of ${id} must be a mapping.`);
    return undefined;
  }
  const options: Record<string, RuleOptions[string]> = {};
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const spec = rule?.options?.[name];
    const value = pair.value as Node | null;
    if (rule && !spec) {
      const known = Object.keys(rule.options ?? {});
      at(pair.key as Node, 'error', `Rule ${id} has no option \`${name}\`${known.length ? `; it has ${known.join(', ')}` : '; it takes no options'}.`);
      continue;
    }
    const js = isSeq(value) ? value.toJSON() : isScalar(value) ? value.value : undefined;
    if (spec && !fitsType(spec.type, js)) {
      at(value ?? (pair.key as Node), 'error', `Option \`${name}\` of ${id} must be a ${spec.type}.`);
      continue;
    }
    options[name] = js as RuleOptions[string];
  }
  return options;
}

function fitsType(type: string, value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

function readLimits(node: Node | null, at: At): Partial<ScanLimits> {
  const limits: { maxFileBytes?: number; maxLineLength?: number } = {};
  if (!isMap(node)) {
    at(node, 'error', '`limits` must be a mapping with maxFileBytes and/or maxLineLength.');
    return limits;
  }
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (name !== 'maxFileBytes' && name !== 'maxLineLength') {
      at(pair.key as Node, 'warning', `Unknown limit \`${name}\`; expected maxFileBytes or maxLineLength.`);
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      at((pair.value as Node | null) ?? (pair.key as Node), 'error', `Limit \`${name}\` must be a positive integer.`);
    } else {
      limits[name] = value;
    }
  }
  return limits;
}

function readOverrides(node: Node | null, ruleIndex: ReadonlyMap<string, Rule>, at: At): ConfigOverride[] {
  if (!isSeq(node)) {
    at(node, 'error', '`overrides` must be a list of { files, rules }.');
    return [];
  }
  const overrides: ConfigOverride[] = [];
  for (const item of node.items as Node[]) {
    if (!isMap(item)) {
      at(item, 'error', 'Each override must be a mapping with `files` and `rules`.');
      continue;
    }
    let files: string[] = [];
    let rules: Record<string, RuleSetting> = {};
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (key === 'files') files = stringList(pair.value as Node | null, at, 'files').map((entry) => entry.value);
      else if (key === 'rules') rules = readRules(pair.value as Node | null, ruleIndex, at);
      else at(pair.key as Node, 'warning', `Unknown key \`${key}\` in an override; expected files or rules.`);
    }
    if (files.length === 0) {
      at(item, 'error', 'An override needs a non-empty `files` list of globs.');
      continue;
    }
    overrides.push({ files, rules, matches: compileGlobs(files) });
  }
  return overrides;
}

/** The known id nearest to a misspelt one (edit distance <= 3), for "did you mean". */
function closest(id: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const distance = editDistance(id, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
