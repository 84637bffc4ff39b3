/**
 * Fuzzing the server: the real language server (dist/server.js over stdio) takes thousands of
 * seeded random edits, requests and cancellations (see support/fuzz.ts). It must never exit, keep
 * answering (every sync point, and at the end a hover and fresh diagnostics for every document),
 * stay under 400 MB resident, answer or cancel every request, publish ranges inside the document
 * they describe, and never hit an internal error.
 *
 * npm test runs FUZZ_ITERATIONS=5000 by default; `npm run fuzz` runs 50,000 (FUZZ_ITERATIONS and
 * FUZZ_SEED override both).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KINDS, SEEDS, runFuzz, type FuzzReport } from './support/fuzz';
import { randomToken, prng } from './support/recipes';
import { SERVER } from './support/server-process';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 9);
const MAX_RSS = 400 * 1024 * 1024;

describe(`fuzzing the language server (${ITERATIONS} iterations, seed ${SEED})`, { skip: !existsSync(SERVER) && 'run npm run build first' }, () => {
  let report: FuzzReport;

  before(async () => {
    report = await runFuzz({ iterations: ITERATIONS, seed: SEED, syncEvery: ITERATIONS > 5000 ? 500 : 100, log: ITERATIONS > 5000 ? (line) => console.log(`# ${line}`) : undefined });
    console.log(
      `# fuzz: ${report.iterations} iterations (seed ${report.seed}) in ${(report.elapsedMs / 1000).toFixed(1)} s; ${report.requests} requests (${report.cancelled} cancelled), ` +
        `${report.rawMessages} raw invalid-UTF-8 messages; ${report.publishes} diagnostics published (${report.awaitedPublishes} awaited, slowest ${report.slowestPublishMs} ms); ` +
        `largest document ${report.largestDocument} characters; max RSS ${Math.round(report.maxRssBytes / 1048576)} MB`,
    );
  });

  after(async () => {
    await report?.server.shutdown();
  });

  it('never exits and keeps answering: a final hover, and fresh diagnostics for every document', async () => {
    const { server } = report;
    assert.equal(server.alive, true, `the server exited: ${JSON.stringify(server.exit)}; stderr: ${server.stderr.slice(-3000)}`);
    assert.deepEqual(report.stalls, [], 'sync points where the server did not answer in time');
    // Every document the fuzzer used still gets diagnostics for a new version.
    for (const [index, { path, languageId, kind }] of KINDS.entries()) {
      const version = 1_000_000 + index;
      await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: path } });
      await server.open(path, SEEDS[kind]!, version, languageId);
      await server.waitForDiagnostics(path, (p) => p.version === version, 30_000);
    }
    const hover = await server.request('textDocument/hover', { textDocument: { uri: KINDS[0]!.path }, position: { line: 12, character: 12 } }, 30_000);
    assert.ok(hover !== undefined);
    // A document it has never seen, with a secret in it (assembled here), is flagged.
    const random = prng(SEED);
    const token = [['xo', 'xb'].join(''), randomToken(random, 12, '0123456789'), randomToken(random, 12, '0123456789'), randomToken(random, 24)].join('-');
    const fresh = 'file:///fuzz/after/notifications.env';
    await server.open(fresh, `SLACK_BOT_TOKEN=${token}\n`, 1, 'dotenv');
    const published = await server.waitForDiagnostics(fresh, (p) => p.version === 1, 30_000);
    assert.ok(published.diagnostics.some((d) => d.code === 'sec-slack'), JSON.stringify(published.diagnostics));
  });

  it(`keeps its resident memory under ${MAX_RSS / 1048576} MB`, () => {
    assert.ok(report.maxRssBytes > 0, 'RSS could not be read from /proc');
    assert.ok(report.maxRssBytes < MAX_RSS, `max RSS ${Math.round(report.maxRssBytes / 1048576)} MB`);
    assert.ok((report.finalRssBytes ?? 0) < MAX_RSS, `final RSS ${Math.round((report.finalRssBytes ?? 0) / 1048576)} MB`);
  });

  it('answers or cancels every request, never fails one', () => {
    assert.deepEqual(report.requestErrors, []);
  });

  it('never reports an internal error or logs one', () => {
    assert.deepEqual({ internalErrors: report.internalErrors, logs: report.serverLogErrors }, { internalErrors: [], logs: [] });
  });

  it('publishes ranges inside the document version they describe (lines as LSP counts them: \\n, \\r\\n and a lone \\r)', () => {
    assert.deepEqual(report.badRanges, []);
  });

  it('agrees with the LSP line model on a lone carriage return', async () => {
    // The same property on one small document, so a failure is easy to read.
    const { server } = report;
    const token = ['gh', 'p_', randomToken(prng(SEED + 1), 36)].join('');
    const text = `# build notes\rexport GITHUB_TOKEN=${token}\n`;
    const uri = 'file:///fuzz/after/release.sh';
    await server.open(uri, text, 1, 'shellscript');
    const published = await server.waitForDiagnostics(uri, (p) => p.version === 1, 30_000);
    const finding = published.diagnostics.find((d) => d.code === 'sec-github');
    assert.ok(finding, JSON.stringify(published.diagnostics));
    const client = TextDocument.create(uri, 'shellscript', 1, text);
    assert.equal(client.getText(finding.range), token, `the range ${JSON.stringify(finding.range)} does not cover the token in the client's view of the document`);
  });
});
