/**
 * What the CLI and the language server report for a tree, in one comparable shape, so parity tests
 * can assert that headless runs show exactly what the editor shows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { allRules } from '../../rules';
import { Scanner } from '../../server/src/engine/runner';
import { collectFiles, readForScan, readLimitsFor } from '../../server/src/node/files';
import { LspTestClient } from './lsp-client';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface Comparable {
  path: string;
  ruleId: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export const findingKey = (item: Comparable) => `${item.path}:${item.line}:${item.column}-${item.endLine}:${item.endColumn} ${item.severity} ${item.ruleId} ${item.message}`;

export function cliFindings(root: string): Comparable[] {
  const run = spawnSync(process.execPath, [CLI, 'scan', '--format', 'json', '--fail-on', 'error', '.'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(run.status === 0 || run.status === 1, `cli exited ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { files: Array<{ path: string; findings: Array<Omit<Comparable, 'path'>> }> };
  return report.files.flatMap((file) =>
    file.findings.map((finding) => ({
      path: file.path,
      ruleId: finding.ruleId,
      severity: finding.severity,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
    })),
  );
}

export async function serverFindings(root: string): Promise<Comparable[]> {
  const client = new LspTestClient();
  try {
    await client.initialize(pathToFileURL(root).toString());
    const severityName = ['', 'error', 'warning', 'info', 'info'];
    const out: Comparable[] = [];
    const add = (file: string, diagnostics: readonly Diagnostic[]) => {
      for (const diagnostic of diagnostics) {
        if (typeof diagnostic.code !== 'string' || diagnostic.code.startsWith('suppression-') || diagnostic.code === 'scan-limit') continue;
        out.push({
          path: relative(root, file).split(sep).join('/'),
          ruleId: diagnostic.code,
          severity: severityName[diagnostic.severity ?? 1]!,
          line: diagnostic.range.start.line + 1,
          column: diagnostic.range.start.character + 1,
          endLine: diagnostic.range.end.line + 1,
          endColumn: diagnostic.range.end.character + 1,
          message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
        });
      }
    };
    const scanner = new Scanner(allRules);
    const { files } = collectFiles(root, [root]);
    // An editor opens text files; binary key stores reach it through the workspace scan.
    const stores: string[] = [];
    for (const file of files) {
      const read = readForScan(file, readLimitsFor(scanner, { rules: {} }));
      if ('skipped' in read) continue;
      const bytes = Buffer.from(read.bytes);
      if (bytes.subarray(0, 8192).includes(0)) {
        stores.push(file);
        continue;
      }
      const uri = pathToFileURL(file).toString();
      await client.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'plaintext', version: 1, text: bytes.toString('utf8') },
      });
      const published = await client.waitForDiagnostics(uri, (params) => params.version === 1 || params.version === undefined);
      add(file, published.diagnostics);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    if (stores.length > 0) {
      await client.connection.sendRequest('nhiHygiene/scanWorkspace', {});
      for (const file of stores) add(file, (await client.waitForDiagnostics(pathToFileURL(file).toString())).diagnostics);
    }
    return out;
  } finally {
    await client.shutdown();
  }
}

