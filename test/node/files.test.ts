/**
 * The file walk and the one read every scan lane makes: what is collected, and what a file costs
 * to read given its size and content.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, it } from 'node:test';
import { BINARY_SNIFF_BYTES, collectFiles, readForScan, relativePath } from '../../server/src/node/files';
import { tempTree } from '../support/temp-tree';

const textOnly = { maxFileBytes: 1024 * 1024, readsBinary: () => false };

describe('readForScan', () => {
  it('reads a text file whole, across the sniffed head', () => {
    const root = tempTree({});
    for (const size of [0, 1, BINARY_SNIFF_BYTES - 1, BINARY_SNIFF_BYTES, BINARY_SNIFF_BYTES + 1, 5 * BINARY_SNIFF_BYTES + 7]) {
      const content = Buffer.from(Array.from({ length: size }, (_, i) => 'abcdefghij\n'[i % 11]).join(''));
      const path = join(root, `text-${size}.txt`);
      writeFileSync(path, content);
      const read = readForScan(path, textOnly);
      assert.ok('bytes' in read, `size ${size}`);
      assert.ok(Buffer.from(read.bytes).equals(content), `size ${size}`);
    }
  });

  it('skips a file over the size limit, saying how large it is', () => {
    const root = tempTree({ 'big.txt': 'x'.repeat(2048) });
    const read = readForScan(join(root, 'big.txt'), { ...textOnly, maxFileBytes: 2047 });
    assert.deepEqual(read, { skipped: { reason: 'too-large', detail: '2048 bytes is over the 2047-byte limit' } });
  });

  it('skips a binary file no rule reads, and reads a key store whole for the rule that does', () => {
    const root = tempTree({});
    const bytes = Buffer.alloc(3 * BINARY_SNIFF_BYTES, 7);
    bytes[10] = 0;
    writeFileSync(join(root, 'logo.png'), bytes);
    writeFileSync(join(root, 'service.p12'), bytes);
    const limits = { ...textOnly, readsBinary: (path: string) => path.endsWith('.p12') };
    assert.equal((readForScan(join(root, 'logo.png'), limits) as { skipped: { reason: string } }).skipped.reason, 'binary');
    const store = readForScan(join(root, 'service.p12'), limits);
    assert.ok('bytes' in store && Buffer.from(store.bytes).equals(bytes));
  });

  it('reports a missing file or a directory as unreadable instead of throwing', () => {
    const root = tempTree({ 'dir/a.txt': 'a' });
    assert.equal((readForScan(join(root, 'gone.txt'), textOnly) as { skipped: { reason: string } }).skipped.reason, 'unreadable');
    assert.equal((readForScan(join(root, 'dir'), textOnly) as { skipped: { reason: string } }).skipped.reason, 'unreadable');
  });
});

describe('collectFiles', () => {
  it('walks directories in name order, follows links, and leaves size and content to the read', () => {
    const root = tempTree({ 'b.txt': 'b', 'a/z.yml': 'z', 'a/y.bin': '\0\0', 'large.txt': 'x'.repeat(4096) });
    mkdirSync(join(root, 'target'));
    writeFileSync(join(root, 'target/linked.env'), 'K=v\n');
    symlinkSync(join(root, 'target'), join(root, 'link'));
    const { files, skipped } = collectFiles(root, [root]);
    const relative = files.map((file) => file.slice(root.length + 1));
    assert.deepEqual(relative, ['a/y.bin', 'a/z.yml', 'b.txt', 'large.txt', 'link/linked.env', 'target/linked.env']);
    assert.deepEqual(skipped, []);
  });

  it('skips a named FIFO (a read would block) and says why', () => {
    const root = tempTree({ 'a.txt': 'a' });
    const fifo = join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const { files, skipped } = collectFiles(root, [fifo, join(root, 'a.txt')]);
    assert.deepEqual(files, [join(root, 'a.txt')]);
    assert.deepEqual(skipped, [{ path: fifo, reason: 'unreadable', detail: 'not a regular file' }]);
  });

  it('applies include globs and .gitignore in the walk', () => {
    const root = tempTree({ '.gitignore': 'dist/\n*.log\n', 'src/app.ts': 'x', 'dist/app.js': 'x', 'debug.log': 'x', 'infra/main.tf': 'x' });
    const { files } = collectFiles(root, [root], { include: ['src/**', 'infra/**'] });
    assert.deepEqual(files.map((file) => file.slice(root.length + 1)), ['infra/main.tf', 'src/app.ts']);
  });
});

describe('relativePath', () => {
  it('slices paths under the root and falls back to path.relative for the rest, always with / separators', () => {
    const root = join(tmpdir(), 'repo');
    assert.equal(relativePath(root, join(root, 'src', 'app.ts')), 'src/app.ts');
    assert.equal(relativePath(root + sep, join(root, 'a.env')), 'a.env', 'a root given with a trailing separator');
    assert.equal(relativePath(root, root), '');
    assert.equal(relativePath(root, join(tmpdir(), 'other', 'b.yml')), '../other/b.yml');
    // A sibling whose name starts with the root's is not under it.
    assert.equal(relativePath(root, join(tmpdir(), 'repo-two', 'c.tf')), '../repo-two/c.tf');
  });
});
