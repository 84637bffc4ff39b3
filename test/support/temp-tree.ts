import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

const created: string[] = [];
after(() => created.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory holding `files` (relative path to text), removed after the test file. */
export function tempTree(files: Record<string, string>, prefix = 'nhi-test-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  created.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
