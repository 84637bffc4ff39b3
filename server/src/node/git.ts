import { execFileSync, spawnSync } from 'node:child_process';

/** A file's path relative to the repository root and the content to scan, as bytes. */
export interface GitFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

function git(cwd: string, args: readonly string[], input?: string): Buffer {
  return execFileSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The repository's top-level directory, or an error naming what is wrong. */
export function repositoryRoot(cwd: string): string {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' });
  if (result.error) throw new Error(`git is not available: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`not inside a git repository (${result.stderr.trim() || 'git rev-parse failed'})`);
  return result.stdout.trim();
}

/**
 * Files added, copied, modified or renamed in the index, with their staged content: what the
 * commit will contain, not what the working tree holds. One `git cat-file --batch` process reads
 * them all, which keeps a pre-commit hook fast.
 */
export function stagedFiles(root: string): { files: GitFile[]; binary: GitFile[] } {
  const paths = splitNul(git(root, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames']));
  return { ...readBlobs(root, paths.map((path) => ({ path, spec: `:${path}` }))) };
}

/** Paths changed between `ref` and the working tree (added, copied, modified, renamed). */
export function changedSince(root: string, ref: string): string[] {
  const verify = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (verify.status !== 0) throw new Error(`unknown git revision '${ref}'`);
  const changed = splitNul(git(root, ['diff', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames', ref]));
  const untracked = splitNul(git(root, ['ls-files', '--others', '--exclude-standard', '-z']));
  return [...new Set([...changed, ...untracked])].sort();
}

function splitNul(output: Buffer): string[] {
  return output.toString('utf8').split('\0').filter(Boolean);
}

function readBlobs(root: string, specs: ReadonlyArray<{ path: string; spec: string }>): { files: GitFile[]; binary: GitFile[] } {
  if (specs.length === 0) return { files: [], binary: [] };
  const output = git(root, ['cat-file', '--batch'], specs.map((entry) => entry.spec).join('\n') + '\n');
  const files: GitFile[] = [];
  const binary: GitFile[] = [];
  let offset = 0;
  for (const { path } of specs) {
    const headerEnd = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, headerEnd).toString('utf8');
    offset = headerEnd + 1;
    const size = Number(header.split(' ')[2]);
    if (header.endsWith(' missing') || !Number.isFinite(size)) continue;
    const blob = output.subarray(offset, offset + size);
    offset += size + 1;
    (blob.subarray(0, 8192).includes(0) ? binary : files).push({ path, bytes: blob });
  }
  return { files, binary };
}
