import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { BaselineMatcher, parseBaseline, type BaselineEntry } from '../engine/baseline';
import { withSeverities, type EngineConfig } from '../engine/config';
import type { RuleFailure, Scanner } from '../engine/runner';
import type { DirectiveNotice, Suppression } from '../engine/suppressions';
import type { Finding } from '../engine/types';
import { configForFile, type ConfigProblem } from '../node/config-loader';
import { collectFiles, relativePath, type SkippedFile } from '../node/files';
import { changedSince, repositoryRoot, stagedFiles } from '../node/git';
import { ProjectConfigs } from '../node/project-configs';
import { UsageError, type ScanOptions } from './args';
import { ScanPool, threadCount, type FileJob, type FileOutcome, type FixTitles } from './scan-pool';

/** What one file produced; paths are relative to the scan root with `/` separators. */
export interface FileReport {
  readonly path: string;
  readonly findings: readonly Finding[];
  readonly suppressed: ReadonlyArray<{ readonly finding: Finding; readonly suppression: Suppression }>;
  readonly notices: readonly DirectiveNotice[];
  readonly failures: readonly RuleFailure[];
  /** Findings the baseline accepted (not shown). */
  readonly baselined: number;
  /** The title of the fix the editor offers first, by finding fingerprint. */
  readonly fixTitles: FixTitles;
  readonly bounded?: string;
}

export interface ScanSummary {
  readonly root: string;
  /** Every scanned file, sorted by path. */
  readonly files: readonly FileReport[];
  readonly skipped: ReadonlyArray<SkippedFile & { readonly relativePath: string }>;
  readonly configProblems: readonly ConfigProblem[];
  readonly baselineResolved: readonly BaselineEntry[];
}

/** A file to scan: its path relative to the root, and its content when it does not come from disk. */
interface Target {
  readonly absolute: string;
  readonly relativePath: string;
  /** Content that does not come from disk (`--staged` reads the index). */
  readonly bytes?: Uint8Array;
}

export interface ScanProgress {
  (done: number, total: number): void;
}

/**
 * The CLI's front end to the engine: turns paths, `--staged` or `--changed-since` into documents,
 * resolves each file's configuration the way the editor does, and runs the one `Scanner`.
 */
export async function scanProject(scanner: Scanner, options: ScanOptions, cwd: string, onProgress?: ScanProgress): Promise<ScanSummary> {
  const { root, targets, skipped } = selectTargets(options, cwd, (path) => scanner.readsBinary(path));
  const projects = new ProjectConfigs({
    trusted: () => options.trusted,
    rules: scanner.rules,
    ...(options.config ? { configFile: resolve(cwd, options.config) } : {}),
  });
  const baseline = options.baseline ? new BaselineMatcher(parseBaseline(readFileSync(resolve(cwd, options.baseline), 'utf8'))) : undefined;
  const files: FileReport[] = [];
  const extraSkipped: Array<SkippedFile & { relativePath: string }> = [];
  // Configuration is resolved here, once per file, the way the editor resolves it; the scanning
  // itself may run on worker threads.
  // Workers start loading while this thread configures the files (a config may exclude a few more).
  const pool = ScanPool.start(scanner, threadCount(targets.length, options.jobs));
  const selected: Target[] = [];
  let outcomes: FileOutcome[];
  try {
    const jobs: FileJob[] = [];
    const withOptions = new Map<EngineConfig, EngineConfig>();
    for (const target of targets) {
      const project = projects.forPath(target.absolute);
      if (project.loaded.isExcluded(project.relativePath)) continue;
      selected.push(target);
      const base = configForFile(project.loaded, project.relativePath);
      let config = withOptions.get(base);
      if (!config) withOptions.set(base, (config = engineConfig(base, options)));
      jobs.push({ absolute: target.absolute, config, ...(target.bytes !== undefined ? { bytes: target.bytes } : {}) });
    }
    onProgress?.(0, targets.length);
    outcomes = await pool.scan(jobs, (done) => onProgress?.(done, targets.length));
  } finally {
    await pool.close();
  }
  for (const [index, outcome] of outcomes.entries()) {
    const target = selected[index]!;
    if ('unreadable' in outcome) {
      extraSkipped.push({ path: target.absolute, relativePath: target.relativePath, reason: 'unreadable', detail: outcome.unreadable });
      continue;
    }
    const { result, fixTitles } = outcome;
    if (result.skipped) {
      extraSkipped.push({ path: target.absolute, relativePath: target.relativePath, reason: result.skipped.reason, detail: result.skipped.detail });
      continue;
    }
    const shown = baseline ? baseline.newFindings(target.relativePath, result.findings) : result.findings;
    files.push({
      path: target.relativePath,
      findings: shown,
      suppressed: result.suppressed,
      notices: result.notices,
      failures: result.failures,
      baselined: result.findings.length - shown.length,
      fixTitles,
      ...(result.bounded ? { bounded: result.bounded } : {}),
    });
  }
  onProgress?.(targets.length, targets.length);
  const scannedPaths = new Set(files.map((file) => file.path));
  return {
    root,
    files,
    skipped: [...skipped, ...extraSkipped].sort((a, b) => compare(a.relativePath, b.relativePath)),
    configProblems: projects.loadedConfigs().flatMap((loaded) => loaded.problems),
    baselineResolved: baseline ? baseline.resolved(scannedPaths) : [],
  };
}

function engineConfig(project: EngineConfig, options: ScanOptions): EngineConfig {
  return {
    ...project,
    rules: withSeverities(project.rules, options.ruleSeverities),
    limits: { ...project.limits, ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}) },
    ...(options.minimumSeverity ? { minimumSeverity: options.minimumSeverity } : {}),
  };
}

function selectTargets(
  options: ScanOptions,
  cwd: string,
  readsBinary: (path: string) => boolean,
): { root: string; targets: Target[]; skipped: Array<SkippedFile & { relativePath: string }> } {
  if (options.staged) {
    const root = repositoryRoot(cwd);
    const staged = stagedFiles(root);
    return {
      root,
      targets: [...staged.files, ...staged.binary.filter((file) => readsBinary(file.path))].map((file) => ({ absolute: join(root, file.path), relativePath: file.path, bytes: file.bytes })),
      skipped: staged.binary.filter((file) => !readsBinary(file.path)).map((file) => ({ path: join(root, file.path), relativePath: file.path, reason: 'binary' as const })),
    };
  }
  if (options.changedSince) {
    const root = repositoryRoot(cwd);
    const paths = changedSince(root, options.changedSince).map((path) => join(root, path));
    return { root, ...fromDisk(root, paths.filter(isFile), options) };
  }
  const root = cwd;
  const paths = options.paths.map((path) => resolve(cwd, path));
  const missing = options.paths.filter((_, index) => !existsSync(paths[index]!));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  return { root, ...fromDisk(root, paths, options) };
}

function fromDisk(root: string, paths: readonly string[], options: ScanOptions) {
  const collected = collectFiles(root, paths, {
    respectGitignore: options.gitignore,
    defaultExcludes: options.defaultExcludes,
  });
  return {
    targets: collected.files.map((absolute) => ({ absolute, relativePath: relativeTo(root, absolute) })),
    skipped: collected.skipped.map((skip) => ({ ...skip, relativePath: relativeTo(root, skip.path) })),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function relativeTo(root: string, absolute: string): string {
  const rel = relativePath(root, absolute);
  return rel === '' || isAbsolute(rel) ? absolute.split(sep).join('/') : rel;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
