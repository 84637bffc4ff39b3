import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import type { RuleSetting } from '../engine/config';
import { SEVERITIES, type Severity } from '../engine/types';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanOptions {
  readonly paths: readonly string[];
  readonly format: Format;
  readonly output: string | undefined;
  /** `never`: findings alone do not fail the run (usage and config errors still exit 2). */
  readonly failOn: Severity | 'never';
  readonly config: string | undefined;
  /** `--rule id=severity`, applied over the project config. */
  readonly ruleSeverities: Readonly<Record<string, RuleSetting['severity']>>;
  readonly minimumSeverity: Severity | undefined;
  readonly baseline: string | undefined;
  readonly staged: boolean;
  readonly changedSince: string | undefined;
  readonly gitignore: boolean;
  readonly defaultExcludes: boolean;
  readonly maxFileBytes: number | undefined;
  readonly listSuppressions: boolean;
  readonly failOnExpired: boolean;
  readonly trusted: boolean;
  readonly color: boolean | undefined;
  readonly progress: boolean | undefined;
  readonly jobs: number | undefined;
}

export type Command =
  | { readonly name: 'scan'; readonly options: ScanOptions }
  | { readonly name: 'baseline'; readonly options: ScanOptions; readonly prune: boolean }
  | { readonly name: 'lsp' }
  | { readonly name: 'rules'; readonly format: 'text' | 'json' }
  | { readonly name: 'help' }
  | { readonly name: 'version' };

/** A usage error: the CLI prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {}

export const USAGE = `Usage: nhi-hygiene <command> [options]

Commands:
  scan [paths...]        Scan files and directories (default: .) for NHI credential problems
  baseline [paths...]    Write the current findings' fingerprints to a baseline file
  rules                  List the rules (--format json for machine-readable output)
  lsp --stdio            Start the language server (for Neovim, Helix, Emacs, ...)

Scan options:
  -f, --format <fmt>     text | json | sarif | github            (default: text)
  -o, --output <file>    Write the report to a file instead of stdout
      --fail-on <sev>    Exit 1 when a finding is at or above: error | warning | info | never  (default: error)
      --min-severity <s> Report only findings at or above this severity
  -c, --config <file>    Use this config file for every path instead of the nearest .nhi-hygiene.yaml
      --rule <id=sev>    Set a rule's severity (off | info | warning | error); repeatable
      --baseline <file>  Report only findings not in the baseline; list resolved entries
      --staged           Scan the staged content of the index (for pre-commit hooks)
      --changed-since <ref>  Scan files changed since a git revision, plus untracked files
      --no-gitignore     Do not skip files that .gitignore ignores
      --no-default-excludes  Also scan node_modules, vendor, .git and other generated trees
      --max-file-bytes <n>   Skip files larger than this (default: 2097152)
      --list-suppressions    List the inline suppressions in force, with reasons and expiry
      --fail-on-expired  Exit 1 when a suppression has expired
      --untrusted        Do not load JavaScript shareable configs (for untrusted checkouts)
      --jobs <n>         Worker threads for large scans (default: number of CPUs)
      --color / --no-color, --progress / --no-progress

Baseline options:
  -o, --output <file>    Baseline file to write (default: .nhi-hygiene-baseline.json)
      --prune            Rewrite the existing baseline without entries that no longer match

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or configuration error.
`;

export function parseCommandLine(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  if (name === '--version' || name === '-v' || name === 'version') return { name: 'version' };
  if (name === 'lsp') return { name: 'lsp' };
  if (name === 'rules') {
    const { values } = parse(rest, { format: { type: 'string', short: 'f' } } as const, false);
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`rules --format must be text or json, not '${String(format)}'`);
    return { name: 'rules', format };
  }
  if (name === 'scan') return { name: 'scan', options: scanOptions(rest, {}) };
  if (name === 'baseline') {
    const options = scanOptions(rest.filter((arg) => arg !== '--prune'), { output: '.nhi-hygiene-baseline.json' });
    return { name: 'baseline', options, prune: rest.includes('--prune') };
  }
  throw new UsageError(`unknown command '${name}'`);
}

const SCAN_FLAGS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  'min-severity': { type: 'string' },
  config: { type: 'string', short: 'c' },
  rule: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  staged: { type: 'boolean' },
  'changed-since': { type: 'string' },
  'no-gitignore': { type: 'boolean' },
  'no-default-excludes': { type: 'boolean' },
  'max-file-bytes': { type: 'string' },
  'list-suppressions': { type: 'boolean' },
  'fail-on-expired': { type: 'boolean' },
  untrusted: { type: 'boolean' },
  jobs: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const;

function parse<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function scanOptions(args: readonly string[], defaults: { output?: string }): ScanOptions {
  const { values, positionals } = parse(args, SCAN_FLAGS, true);
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  const ruleSeverities: Record<string, RuleSetting['severity']> = {};
  for (const entry of values.rule ?? []) {
    const match = /^([\w-]+)=(off|info|warning|error)$/.exec(entry);
    if (!match) throw new UsageError(`--rule expects <rule-id>=<off|info|warning|error>, got '${entry}'`);
    ruleSeverities[match[1]!] = match[2] as RuleSetting['severity'];
  }
  if (values.staged && values['changed-since']) throw new UsageError('--staged and --changed-since cannot be combined');
  if (values.staged && positionals.length > 0) throw new UsageError('--staged scans the index; do not pass paths with it');
  return {
    paths: positionals.length > 0 ? positionals : ['.'],
    format: format as Format,
    output: values.output ?? defaults.output,
    failOn: values['fail-on'] === 'never' ? 'never' : (severity(values['fail-on'], '--fail-on') ?? 'error'),
    minimumSeverity: severity(values['min-severity'], '--min-severity'),
    config: values.config,
    ruleSeverities,
    baseline: values.baseline,
    staged: values.staged === true,
    changedSince: values['changed-since'],
    gitignore: values['no-gitignore'] !== true,
    defaultExcludes: values['no-default-excludes'] !== true,
    maxFileBytes: positiveInteger(values['max-file-bytes'], '--max-file-bytes'),
    listSuppressions: values['list-suppressions'] === true,
    failOnExpired: values['fail-on-expired'] === true,
    trusted: values.untrusted !== true,
    color: values['no-color'] ? false : values.color,
    progress: values['no-progress'] ? false : values.progress,
    jobs: positiveInteger(values.jobs, '--jobs'),
  };
}

function severity(value: string | undefined, flag: string): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new UsageError(`${flag} must be error, warning or info, not '${value}'`);
  return value as Severity;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive integer, not '${value}'`);
  return number;
}
