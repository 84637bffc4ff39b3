import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { version } from '../../../package.json';
import { allRules } from '../../../rules';
import { createBaseline, parseBaseline } from '../engine/baseline';
import { Scanner } from '../engine/runner';
import type { Severity } from '../engine/types';
import { parseCommandLine, UsageError, USAGE, type ScanOptions } from './args';
import { formatGithub } from './formatters/github';
import { formatJson } from './formatters/json';
import { formatSarif } from './formatters/sarif';
import { atLeast, type FormatContext } from './formatters/shared';
import { formatText, summaryText } from './formatters/text';
import { scanProject, type ScanSummary } from './scan';
import { serveScanRequests } from './scan-pool';
import { isScanWorker } from './worker-role';
import { hasHeapLimit } from '../node/heap';
import { RELAUNCHED, relaunchWithHeapLimit } from '../node/relaunch';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export interface Io {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** Runs one CLI invocation and resolves to its exit code (the `lsp` command never resolves). */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`nhi-hygiene: ${error.message}\nRun 'nhi-hygiene --help' for usage.\n`);
    return EXIT_ERROR;
  }
  switch (command.name) {
    case 'help':
      io.stdout.write(USAGE);
      return EXIT_OK;
    case 'version':
      io.stdout.write(`${version}\n`);
      return EXIT_OK;
    case 'lsp': {
      // Other editors start the server as `nhi-hygiene lsp --stdio`, through a bin script that
      // cannot pass Node flags: it starts itself once more with the heap limits the VS Code client uses.
      if (io.env[RELAUNCHED] === undefined && !hasHeapLimit()) return relaunchWithHeapLimit(process.argv[1]!, argv, io.env, EXIT_ERROR);
      const { startLanguageServer } = await import('../lsp/start');
      startLanguageServer();
      return new Promise<number>(() => undefined);
    }
    case 'rules':
      io.stdout.write(command.format === 'json' ? listRulesJson() : listRulesText());
      return EXIT_OK;
    case 'scan':
    case 'baseline':
      try {
        return command.name === 'scan' ? await scan(command.options, io) : await baseline(command.options, command.prune, io);
      } catch (error) {
        io.stderr.write(`nhi-hygiene: ${(error as Error).message}\n`);
        return EXIT_ERROR;
      }
  }
}

const scanner = new Scanner(allRules);
const rulesById = new Map(allRules.map((rule) => [rule.id, rule]));

async function scan(options: ScanOptions, io: Io): Promise<number> {
  const summary = await scanProject(scanner, options, io.cwd, progressReporter(options, io));
  const toFile = options.output !== undefined;
  const color = !toFile && options.format === 'text' && (options.color ?? (!!io.env.FORCE_COLOR || (io.stdout.isTTY === true && !io.env.NO_COLOR)));
  const context: FormatContext = {
    summary,
    rules: rulesById,
    color,
    listSuppressions: options.listSuppressions,
    version,
  };
  const report = FORMATTERS[options.format](context);
  if (toFile) {
    writeFileSync(resolve(io.cwd, options.output!), report);
    io.stderr.write(`${summaryText({ ...context, color: false })}\nReport written to ${options.output}.\n`);
  } else {
    io.stdout.write(report);
  }
  if (options.format !== 'text') reportConfigProblems(summary, io);
  return exitCode(summary, options);
}

async function baseline(options: ScanOptions, prune: boolean, io: Io): Promise<number> {
  const file = resolve(io.cwd, options.output!);
  if (prune) {
    const existing = parseBaseline(readFileSync(file, 'utf8'));
    const summary = await scanProject(scanner, { ...options, baseline: file }, io.cwd);
    const resolved = new Set(summary.baselineResolved.map((entry) => `${entry.path}\0${entry.ruleId}\0${entry.fingerprint}`));
    const kept = existing.entries.filter((entry) => !resolved.has(`${entry.path}\0${entry.ruleId}\0${entry.fingerprint}`));
    writeFileSync(file, JSON.stringify({ version: 1, entries: kept }, null, 2) + '\n');
    io.stderr.write(`Pruned ${resolved.size} resolved entr${resolved.size === 1 ? 'y' : 'ies'}; ${kept.length} remain in ${options.output}.\n`);
    return reportConfigProblems(summary, io) ? EXIT_ERROR : EXIT_OK;
  }
  const summary = await scanProject(scanner, { ...options, baseline: undefined }, io.cwd);
  const written = createBaseline(summary.files.map((report) => ({ path: report.path, findings: report.findings })));
  writeFileSync(file, JSON.stringify(written, null, 2) + '\n');
  io.stderr.write(`Wrote ${written.entries.length} finding fingerprint${written.entries.length === 1 ? '' : 's'} to ${options.output}.\n`);
  return reportConfigProblems(summary, io) ? EXIT_ERROR : EXIT_OK;
}

const FORMATTERS: Record<ScanOptions['format'], (context: FormatContext) => string> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

/** Config errors go to stderr for machine formats (text shows them inline). True when any is an error. */
function reportConfigProblems(summary: ScanSummary, io: Io): boolean {
  for (const problem of summary.configProblems) {
    io.stderr.write(`${problem.file}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message}\n`);
  }
  return summary.configProblems.some((problem) => problem.severity === 'error');
}

function exitCode(summary: ScanSummary, options: ScanOptions): number {
  const broken = summary.configProblems.some((problem) => problem.severity === 'error') || summary.files.some((file) => file.failures.length > 0);
  if (broken) return EXIT_ERROR;
  const failing = summary.files.some(
    (file) =>
      (options.failOn !== 'never' && file.findings.some((finding) => atLeast(finding.severity, options.failOn as Severity))) ||
      (options.failOnExpired && file.notices.some((notice) => notice.code === 'suppression-expired')),
  );
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

function progressReporter(options: ScanOptions, io: Io): ((done: number, total: number) => void) | undefined {
  const enabled = options.progress ?? (io.stderr.isTTY === true && !io.env.CI);
  if (!enabled) return undefined;
  let last = 0;
  return (done, total) => {
    if (total < 50) return;
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((width * done) / total);
    io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
    if (done === total) io.stderr.write('\r\x1b[K');
  };
}

function listRulesText(): string {
  const rows = allRules.map((rule) => `${rule.id.padEnd(36)} ${rule.category.padEnd(22)} ${rule.defaultSeverity.padEnd(8)} ${rule.fix ? 'fix ' : '    '} ${rule.docs.summary.split('\n')[0]}`);
  return rows.join('\n') + '\n';
}

function listRulesJson(): string {
  return (
    JSON.stringify(
      allRules.map((rule) => ({
        id: rule.id,
        category: rule.category,
        defaultSeverity: rule.defaultSeverity,
        recommended: rule.recommended !== false,
        fixable: rule.fix !== undefined,
        summary: rule.docs.summary,
        options: rule.options ?? {},
      })),
      null,
      2,
    ) + '\n'
  );
}

/** Runs the command line of this process and sets its exit code: what the `nhi-hygiene` command does. */
export function runFromProcess(): void {
  runCli(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`nhi-hygiene: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}

// `dist/cli.js` loads this bundle and calls runFromProcess; worker threads load it directly, and
// so may `node dist/cli-main.js`.
if (isScanWorker()) serveScanRequests(scanner);
else if (require.main === module) runFromProcess();
