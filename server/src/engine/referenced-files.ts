import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Referenced files a rule may read are small: a certificate, a key, a chain of them. */
export const MAX_REFERENCED_FILE_BYTES = 256 * 1024;

/**
 * The text of a file a document names by a relative path (Terraform's `file("certs/api.pem")`,
 * an Ansible `lookup('file', ...)`), resolved against the document's folder; undefined when it is
 * absolute (the machine's file, not the repository's: another machine would scan something else),
 * missing, not a regular file, over MAX_REFERENCED_FILE_BYTES, or when the document is not on disk
 * (an `untitled:` buffer, a `git:` view). Local reads only, for the editor and the CLI alike.
 */
export function readReferencedFile(documentPath: string, reference: string): string | undefined {
  if (reference.length === 0 || isAbsolute(reference) || reference.includes('\0')) return undefined;
  const base = onDisk(documentPath);
  if (base === undefined) return undefined;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(resolve(dirname(base), reference), 'r');
    const stats = fstatSync(descriptor);
    if (!stats.isFile() || stats.size > MAX_REFERENCED_FILE_BYTES) return undefined;
    const buffer = Buffer.alloc(stats.size);
    const read = readSync(descriptor, buffer, 0, stats.size, 0);
    return buffer.toString('utf8', 0, read);
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** A document's path on disk: a path as given, a `file:` URI converted, other URI schemes none. */
function onDisk(documentPath: string): string | undefined {
  if (documentPath.startsWith('file:')) {
    try {
      return fileURLToPath(documentPath);
    } catch {
      return undefined;
    }
  }
  // `untitled:Untitled-1`, `git:/...`, `vscode-notebook-cell:`: a scheme of two or more letters (one is a Windows drive).
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(documentPath) ? undefined : documentPath;
}
