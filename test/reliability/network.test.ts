/**
 * Nothing leaves the machine. The real CLI (dist/cli.js) scans the shared corpora and the repo's
 * examples, and the real language server (dist/server.js) lints ~50 of those files, each with a
 * `--require` preload that replaces every outbound network API of Node.js (sockets, TLS, HTTP(S),
 * HTTP/2, fetch, DNS, UDP) by one that records the attempt and throws. The test requires that
 * nothing was recorded and that both processes finished normally. A first test proves the guard
 * catches each API and leaves stdio pipes working, so a silent guard cannot pass the others.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { CLI, ServerProcess } from './support/server-process';
import { DEFAULT_CORPUS } from '../corpus/score';

const REPO = join(__dirname, '..', '..');
const GUARD = join(__dirname, 'support', 'deny-network.cjs');
const CORPUS = process.env.NHI_CORPUS_DIR ?? DEFAULT_CORPUS;
const EXAMPLES = join(REPO, 'examples');

const temp = mkdtempSync(join(tmpdir(), 'nhi-network-'));
after(() => rmSync(temp, { recursive: true, force: true }));

let logs = 0;
/** A fresh attempt log and the environment pointing the guard at it. */
function guarded(): { log: string; env: NodeJS.ProcessEnv; attempts: () => string[] } {
  const log = join(temp, `attempts-${++logs}.jsonl`);
  writeFileSync(log, '');
  // Proxies in the environment must not matter; the guard catches the attempt either way.
  return { log, env: { ...process.env, NHI_NETWORK_LOG: log, NO_COLOR: '1', CI: '1' }, attempts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

function filesUnder(dir: string, limit = Infinity): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      if (out.length >= limit) return;
      const full = join(current, name);
      const stats = statSync(full);
      if (stats.isDirectory()) walk(full);
      else if (stats.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out;
}

describe('network guard (self-test)', () => {
  it('records and blocks every outbound API, and leaves stdio pipes working', () => {
    const { env, attempts } = guarded();
    const probe = `
      const tries = {
        'net.connect': () => require('node:net').connect(9, '127.0.0.1'),
        'new net.Socket().connect': () => new (require('node:net').Socket)().connect(9, '127.0.0.1'),
        'tls.connect': () => require('node:tls').connect(443, 'example.com'),
        'http.get': () => require('node:http').get('http://example.com/'),
        'https.request': () => require('node:https').request('https://example.com/'),
        'http2.connect': () => require('node:http2').connect('https://example.com'),
        'dns.lookup': () => require('node:dns').lookup('example.com', () => {}),
        'dns.promises.resolve4': () => require('node:dns').promises.resolve4('example.com'),
        'dns.Resolver': () => new (require('node:dns').Resolver)().resolveTxt('example.com', () => {}),
        'dgram': () => require('node:dgram').createSocket('udp4').send('x', 53, '127.0.0.1'),
        'listen': () => require('node:net').createServer().listen(0),
      };
      const outcome = {};
      for (const [name, attempt] of Object.entries(tries)) {
        try { attempt(); outcome[name] = 'allowed'; } catch (error) { outcome[name] = error.code; }
      }
      fetch('https://example.com/').then(() => { outcome.fetch = 'allowed'; }, (error) => { outcome.fetch = error.code; }).then(() => {
        let input = '';
        process.stdin.on('data', (chunk) => (input += chunk)).on('end', () => process.stdout.write(JSON.stringify({ outcome, echo: input })));
      });
    `;
    const run = spawnSync(process.execPath, ['--require', GUARD, '-e', probe], { env, input: 'over the pipe', encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const { outcome, echo } = JSON.parse(run.stdout) as { outcome: Record<string, string>; echo: string };
    assert.equal(echo, 'over the pipe', 'stdin/stdout pipes still work under the guard');
    for (const [name, code] of Object.entries(outcome)) assert.equal(code, 'ENETDENIED', `${name} was not blocked`);
    assert.ok(attempts().length >= Object.keys(outcome).length, `attempts recorded: ${attempts().length}`);
  });
});

describe('nothing leaves the machine', () => {
  const targets = [CORPUS, EXAMPLES].filter((dir) => existsSync(dir));

  it('the CLI scans the corpora and examples in every format with no network attempt', { skip: !existsSync(CLI) && 'run npm run build first' }, () => {
    assert.ok(targets.length > 0, 'no corpus to scan');
    if (!existsSync(CORPUS)) console.log(`# ${CORPUS} is missing; scanning ${targets.join(', ')} only`);
    for (const target of targets) {
      for (const format of ['json', 'text', 'sarif', 'github']) {
        const { env, attempts } = guarded();
        const run = spawnSync(process.execPath, ['--require', GUARD, CLI, 'scan', '.', '--format', format, '--fail-on', 'never', '--no-progress'], {
          cwd: target,
          env,
          encoding: 'utf8',
          maxBuffer: 512 * 1024 * 1024,
          timeout: 300_000,
        });
        assert.deepEqual(attempts(), [], `network attempts while scanning ${target} (${format})`);
        assert.equal(run.signal, null, `the CLI was killed (${run.signal}) scanning ${target}`);
        assert.doesNotMatch(run.stderr, /network access denied|internal error/i, run.stderr);
        // --fail-on never: 0, unless a config problem or a rule failure makes it 2.
        assert.equal(run.status, 0, `exit ${run.status} scanning ${target} (${format}); stderr: ${run.stderr.slice(0, 2000)}`);
        if (format === 'json') {
          const report = JSON.parse(run.stdout) as { summary: { filesScanned: number } };
          assert.ok(report.summary.filesScanned > 0, `nothing scanned in ${target}`);
        }
      }
    }
  });

  it('the language server lints ~50 files from the corpora with no network attempt and exits cleanly', { skip: !existsSync(CLI) && 'run npm run build first' }, async () => {
    const { env, attempts } = guarded();
    // A spread of file kinds: every file of examples/, then every nth file of the corpus.
    const corpus = existsSync(CORPUS) ? filesUnder(CORPUS) : [];
    const step = Math.max(1, Math.floor(corpus.length / 40));
    const files = [...filesUnder(EXAMPLES), ...corpus.filter((_, index) => index % step === 0)].filter((file) => statSync(file).size < 512 * 1024).slice(0, 50);
    assert.ok(files.length >= 10, `only ${files.length} files to open`);
    const server = new ServerProcess({ nodeArgs: ['--require', GUARD], env });
    try {
      await server.initialize(pathToFileURL(existsSync(CORPUS) ? CORPUS : EXAMPLES).toString());
      for (const [index, file] of files.entries()) {
        const uri = pathToFileURL(file).toString();
        await server.open(uri, readFileSync(file, 'utf8'), 1);
        const published = await server.waitForDiagnostics(uri, (p) => p.version === 1 || p.version === undefined, 30_000);
        const first = published.diagnostics[0];
        if (first && index % 3 === 0) {
          await server.request('textDocument/hover', { textDocument: { uri }, position: first.range.start });
          await server.request('textDocument/codeAction', { textDocument: { uri }, range: first.range, context: { diagnostics: [first] } });
        }
      }
      assert.equal(server.diagnostics.size >= files.length, true, `diagnostics for ${server.diagnostics.size} of ${files.length} files`);
    } finally {
      const exit = await server.shutdown();
      assert.deepEqual(attempts(), [], 'network attempts from the language server');
      assert.deepEqual(exit, { code: 0, signal: null }, `server exit; stderr: ${server.stderr.slice(-2000)}`);
      assert.doesNotMatch(server.logs.join('\n'), /network access denied/i);
      assert.doesNotMatch(server.stderr, /network access denied/i);
    }
    console.log(`# network: server linted ${files.length} files (${files.map((file) => relative(REPO, file)).slice(0, 3).join(', ')}, …)`);
  });
});
