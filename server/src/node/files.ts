import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { DEFAULT_LIMITS, type EngineConfig } from '../engine/config';
import type { Scanner } from '../engine/runner';
import { compileGlob, compileGlobs, type GlobMatcher } from './glob';

/**
 * Trees that are generated, vendored or tool state: scanning them is slow and their findings are
 * not the user's to fix. Skipped unless the caller turns default excludes off.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '.git/', '.hg/', '.svn/', 'node_modules/', 'bower_components/', 'jspm_packages/', 'vendor/', 'third_party/',
  '.venv/', 'venv/', '__pycache__/', '.tox/', '.mypy_cache/', '.pytest_cache/', '.terraform/', '.terragrunt-cache/',
  '.gradle/', '.idea/', '.next/', '.nuxt/', '.cache/', 'coverage/', '*.min.js', '*.min.css', '*.map',
];

const VCS_DIRECTORIES = new Set(['.git', '.hg', '.svn']);

export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'excluded';

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail?: string;
}

export interface CollectOptions {
  /** Globs relative to `root` (config `exclude`). */
  readonly exclude?: readonly string[];
  /** When given, only files matching one of these globs are collected (config `include`). */
  readonly include?: readonly string[];
  readonly respectGitignore?: boolean;
  readonly defaultExcludes?: boolean;
}

export interface CollectedFiles {
  /** Absolute paths, sorted, each once. */
  readonly files: string[];
  /** Files passed over, with why (directories skipped by an exclude are not listed one by one). */
  readonly skipped: SkippedFile[];
}

interface IgnoreRule {
  readonly base: string;
  readonly matcher: GlobMatcher;
  readonly negated: boolean;
}

/**
 * Expands `paths` (files or directories, absolute or relative to the cwd) into the files to scan
 * under `root`, honouring excludes and `.gitignore` files. A file named explicitly is scanned even
 * when an exclude would skip it in a directory walk, as ESLint and ruff do. The walk reads
 * directory listings only: size and content are judged when the file is read (`readForScan`),
 * once, by whichever thread scans it.
 */
export function collectFiles(root: string, paths: readonly string[], options: CollectOptions = {}): CollectedFiles {
  const rootDir = resolve(root);
  const vendored = options.defaultExcludes === false ? () => false : compileGlobs(DEFAULT_EXCLUDES);
  const excluded = compileGlobs(options.exclude ?? []);
  const included = options.include && options.include.length > 0 ? compileGlobs(options.include) : undefined;
  const files = new Set<string>();
  const skipped: SkippedFile[] = [];

  /** A deleted file, a dangling link or a permission problem is reported, never fatal. */
  const statOrSkip = (absolute: string): Stats | undefined => {
    try {
      return statSync(absolute);
    } catch (error) {
      skipped.push({ path: absolute, reason: 'unreadable', detail: (error as Error).message });
      return undefined;
    }
  };

  const walk = (dir: string, ignoreRules: IgnoreRule[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: dir, reason: 'unreadable', detail: (error as Error).message });
      return;
    }
    const rules = options.respectGitignore === false ? ignoreRules : [...ignoreRules, ...readIgnoreFile(dir)];
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      const absolute = join(dir, name);
      // The listing says what an entry is; only a symbolic link needs a stat, to follow it.
      const stats = entry.isSymbolicLink() ? statOrSkip(absolute) : entry;
      if (!stats) continue;
      const isDirectory = stats.isDirectory();
      const rel = relativePath(rootDir, absolute);
      if (vendored(rel, isDirectory)) {
        // Said once per skipped tree (not for version-control metadata), so users know why it is missing.
        if (!VCS_DIRECTORIES.has(name)) skipped.push({ path: absolute, reason: 'excluded', detail: 'generated or vendored; --no-default-excludes scans it' });
        continue;
      }
      if (excluded(rel, isDirectory) || isIgnored(rules, absolute, isDirectory)) continue;
      if (isDirectory) walk(absolute, rules);
      else if (stats.isFile() && (!included || included(rel))) files.add(absolute);
    }
  };

  for (const path of paths) {
    const absolute = resolve(path);
    const stats = statOrSkip(absolute);
    if (!stats) continue;
    if (stats.isDirectory()) walk(absolute, options.respectGitignore === false ? [] : ancestorIgnoreRules(rootDir, absolute));
    // A FIFO, socket or device named on the command line would block a read forever.
    else if (!stats.isFile()) skipped.push({ path: absolute, reason: 'unreadable', detail: 'not a regular file' });
    else files.add(absolute);
  }
  return { files: [...files].sort(), skipped };
}

/** NUL in the first 8 KiB is how git decides a file is binary; so do we. */
export const BINARY_SNIFF_BYTES = 8192;

export interface ReadLimits {
  readonly maxFileBytes: number;
  /** Binary files whose path this accepts are read whole (a rule reads them: key stores). */
  readonly readsBinary: (path: string) => boolean;
}

/** What a scan under `config` reads: files up to its size limit, and the binary files a rule reads. */
export function readLimitsFor(scanner: Pick<Scanner, 'readsBinary'>, config: EngineConfig): ReadLimits {
  return { maxFileBytes: config.limits?.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes, readsBinary: (path) => scanner.readsBinary(path) };
}

export type ReadOutcome =
  | { readonly bytes: Uint8Array }
  | { readonly skipped: { readonly reason: Exclude<SkipReason, 'excluded'>; readonly detail: string } };

/**
 * Reads a file to scan with one open: its size from the open descriptor, then its head, and the
 * rest only if it is to be scanned. An oversized file is never read, and a binary file no rule
 * reads costs 8 KiB.
 */
export function readForScan(path: string, limits: ReadLimits): ReadOutcome {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { skipped: { reason: 'unreadable', detail: 'not a regular file' } };
    if (stats.size > limits.maxFileBytes) return { skipped: { reason: 'too-large', detail: `${stats.size} bytes is over the ${limits.maxFileBytes}-byte limit` } };
    const buffer = Buffer.allocUnsafe(stats.size);
    let length = readInto(fd, buffer, 0, Math.min(BINARY_SNIFF_BYTES, stats.size));
    if (buffer.subarray(0, length).includes(0) && !limits.readsBinary(path)) return { skipped: { reason: 'binary', detail: 'the file contains NUL bytes' } };
    if (length === BINARY_SNIFF_BYTES) length += readInto(fd, buffer, length, stats.size - length);
    return { bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { skipped: { reason: 'unreadable', detail: (error as Error).message } };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads up to `count` bytes at `offset`; fewer if the file shrank meanwhile. */
function readInto(fd: number, buffer: Buffer, offset: number, count: number): number {
  let total = 0;
  while (total < count) {
    const read = readSync(fd, buffer, offset + total, count - total, offset + total);
    if (read === 0) break;
    total += read;
  }
  return total;
}

/**
 * `absolute` relative to `root`, with `/` separators. A path under the root (the walk's every
 * entry) is a slice; path.relative, which normalises both paths first, is for the rest.
 */
export function relativePath(root: string, absolute: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const rel = absolute.startsWith(prefix) ? absolute.slice(prefix.length) : relative(root, absolute);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

function readIgnoreFile(dir: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return [];
  }
  return parseIgnoreLines(dir, text);
}

/** Trailing spaces are dropped unless escaped with a backslash (gitignore(5)); a loop, not a regex, so long runs stay linear. */
function trimIgnoreLine(raw: string): string {
  let end = raw.length;
  while (end > 0 && /\s/.test(raw[end - 1]!)) end--;
  if (end < raw.length && end > 0 && raw[end - 1] === '\\') end++;
  return raw.slice(0, end);
}

export function parseIgnoreLines(base: string, text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = trimIgnoreLine(raw);
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\\([#!])/, '$1');
    if (pattern !== '') rules.push({ base, matcher: compileGlob(pattern), negated });
  }
  return rules;
}

/** `.gitignore` files in the directories between the root and a walk's starting directory apply too. */
function ancestorIgnoreRules(root: string, start: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const rel = relative(root, start);
  if (rel.startsWith('..')) return rules;
  let dir = root;
  rules.push(...readIgnoreFile(dir));
  for (const part of rel.split(sep).filter(Boolean)) {
    dir = join(dir, part);
    if (dir !== start) rules.push(...readIgnoreFile(dir));
  }
  return rules;
}

/** Last matching rule wins, as in git; a negation re-includes. */
function isIgnored(rules: readonly IgnoreRule[], absolute: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    const rel = relativePath(rule.base, absolute);
    if (rel.startsWith('..')) continue;
    if (rule.matcher.matches(rel, isDirectory)) ignored = !rule.negated;
  }
  return ignored;
}
