import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
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
  readonly maxFileBytes?: number;
  readonly respectGitignore?: boolean;
  readonly defaultExcludes?: boolean;
  /** Binary files whose path this accepts are collected (a rule reads them: key stores); others are skipped. */
  readonly readsBinary?: (path: string) => boolean;
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
 * under `root`, honouring excludes, `.gitignore` files, the size limit and binary detection.
 * A file named explicitly is scanned even when an exclude would skip it in a directory walk,
 * as ESLint and ruff do, but binary and oversized files are still skipped.
 */
export function collectFiles(root: string, paths: readonly string[], options: CollectOptions = {}): CollectedFiles {
  const rootDir = resolve(root);
  const maxBytes = options.maxFileBytes ?? Number.POSITIVE_INFINITY;
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

  const consider = (absolute: string, stats: Stats, explicit: boolean) => {
    const rel = toRelative(rootDir, absolute);
    if (!explicit && included && !included(rel)) return;
    // A FIFO, socket or device named on the command line would block a read forever.
    if (!stats.isFile()) {
      skipped.push({ path: absolute, reason: 'unreadable', detail: 'not a regular file' });
      return;
    }
    if (stats.size > maxBytes) {
      skipped.push({ path: absolute, reason: 'too-large', detail: `${stats.size} bytes > ${maxBytes}` });
      return;
    }
    if (stats.size > 0 && !options.readsBinary?.(absolute) && looksBinary(absolute)) {
      skipped.push({ path: absolute, reason: 'binary' });
      return;
    }
    files.add(absolute);
  };

  const walk = (dir: string, ignoreRules: IgnoreRule[]) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      skipped.push({ path: dir, reason: 'unreadable', detail: (error as Error).message });
      return;
    }
    const rules = options.respectGitignore === false ? ignoreRules : [...ignoreRules, ...readIgnoreFile(dir)];
    for (const name of names.sort()) {
      const absolute = join(dir, name);
      const stats = statOrSkip(absolute);
      if (!stats) continue;
      const isDirectory = stats.isDirectory();
      const rel = toRelative(rootDir, absolute);
      if (vendored(rel, isDirectory)) {
        // Said once per skipped tree (not for version-control metadata), so users know why it is missing.
        if (!VCS_DIRECTORIES.has(name)) skipped.push({ path: absolute, reason: 'excluded', detail: 'generated or vendored; --no-default-excludes scans it' });
        continue;
      }
      if (excluded(rel, isDirectory) || isIgnored(rules, absolute, isDirectory)) continue;
      if (isDirectory) walk(absolute, rules);
      else if (stats.isFile()) consider(absolute, stats, false);
    }
  };

  for (const path of paths) {
    const absolute = resolve(path);
    const stats = statOrSkip(absolute);
    if (!stats) continue;
    if (stats.isDirectory()) walk(absolute, options.respectGitignore === false ? [] : ancestorIgnoreRules(rootDir, absolute));
    else consider(absolute, stats, true);
  }
  return { files: [...files].sort(), skipped };
}

/** NUL in the first 8 KiB is how git decides a file is binary; so do we. */
export function looksBinary(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(8192);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).includes(0);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function isBinaryText(text: string): boolean {
  return text.slice(0, 8192).includes('\0');
}

function toRelative(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
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
    const rel = toRelative(rule.base, absolute);
    if (rel.startsWith('..')) continue;
    if (rule.matcher.matches(rel, isDirectory)) ignored = !rule.negated;
  }
  return ignored;
}
