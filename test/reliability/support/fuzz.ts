/**
 * A seeded fuzzer for the real language server over stdio: random incremental edits on documents
 * of several kinds, with random bytes (NUL, lone CR, lone surrogates, binary), malformed and huge
 * YAML/HCL/JSON chunks, raw messages with invalid UTF-8, documents over the size and line limits,
 * interleaved hover and code-action requests, cancelled requests, closes, reopens and settings
 * changes. It keeps its own copy of every document (the same text-document library the server
 * uses) so its edits are well formed, and records what it needs to judge the run.
 */
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { prng, randomToken } from './recipes';
import { ServerProcess } from './server-process';

export interface FuzzOptions {
  readonly iterations: number;
  readonly seed: number;
  /** Every this many iterations: wait for the server to answer, sample its memory. */
  readonly syncEvery?: number;
  readonly log?: (line: string) => void;
}

export interface FuzzReport {
  readonly iterations: number;
  readonly seed: number;
  readonly elapsedMs: number;
  readonly maxRssBytes: number;
  readonly finalRssBytes: number | undefined;
  readonly largestDocument: number;
  readonly requests: number;
  readonly cancelled: number;
  readonly rawMessages: number;
  readonly publishes: number;
  /** Versions whose diagnostics the fuzzer waited for, and the longest wait. */
  readonly awaitedPublishes: number;
  readonly slowestPublishMs: number;
  /** Requests that failed other than by cancellation. */
  readonly requestErrors: string[];
  /** Sync points where the server did not answer in time. */
  readonly stalls: string[];
  /** Diagnostics whose range is outside the document version they were published for. */
  readonly badRanges: string[];
  /** internal-error diagnostics (a rule threw) and error logs. */
  readonly internalErrors: string[];
  readonly serverLogErrors: string[];
  readonly server: ServerProcess;
}

interface Doc {
  uri: string;
  kind: string;
  version: number;
  text: TextDocument;
  open: boolean;
  /** Line lengths per recent version, to check published ranges against. */
  lines: Map<number, number[]>;
}

const SEEDS: Record<string, string> = {
  workflow: [
    'name: deploy',
    'on: [push]',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    container:',
    '      image: ghcr.io/acme/app:1',
    '      credentials:',
    '        username: ci',
    '        password: hunter2-example',
    '    steps:',
    '      - uses: aws-actions/configure-aws-credentials@v4',
    '        with:',
    '          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}',
    '          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    '',
  ].join('\n'),
  k8s: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-token\n  annotations:\n    kubernetes.io/service-account.name: ci\ntype: kubernetes.io/service-account-token\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n',
  terraform: 'resource "tls_self_signed_cert" "ca" {\n  private_key_pem = tls_private_key.ca.private_key_pem\n  validity_period_hours = 87600\n  is_ca_certificate = true\n}\n',
  typescript: "import jwt from 'jsonwebtoken';\nexport const key = process.env.SIGNING_KEY || 'fallback-signing-key-value-1234';\nexport const t = jwt.sign({ sub: 'svc' }, key);\n",
  python: "import os\nAPI_TOKEN = os.environ.get('API_TOKEN', 'dev-token')\n",
  dotenv: 'DATABASE_URL=postgres://app:app@localhost:5432/app\nREGION=eu-west-1\n',
  json: '{"name": "app", "scripts": {"build": "tsc"}, "private_key_id": "abc"}\n',
  text: 'notes\n',
};

const KINDS: Array<{ kind: string; path: string; languageId: string }> = [
  { kind: 'workflow', path: 'file:///fuzz/.github/workflows/deploy.yml', languageId: 'yaml' },
  { kind: 'k8s', path: 'file:///fuzz/k8s/secret.yaml', languageId: 'yaml' },
  { kind: 'terraform', path: 'file:///fuzz/infra/main.tf', languageId: 'terraform' },
  { kind: 'typescript', path: 'file:///fuzz/src/auth.ts', languageId: 'typescript' },
  { kind: 'python', path: 'file:///fuzz/app/settings.py', languageId: 'python' },
  { kind: 'dotenv', path: 'file:///fuzz/.env', languageId: 'dotenv' },
  { kind: 'json', path: 'file:///fuzz/config/app.json', languageId: 'json' },
  { kind: 'text', path: 'untitled:Untitled-1', languageId: 'plaintext' },
];

function lineLengths(text: string): number[] {
  // The LSP line model: \r\n, \n and a lone \r all end a line.
  return text.split(/\r\n|\r|\n/).map((line) => line.length);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = prng(options.seed);
  const int = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const log = options.log ?? (() => undefined);
  const syncEvery = options.syncEvery ?? 100;

  const server = new ServerProcess({ settings: { debounceMs: 5, minimumSeverity: 'info' } });
  await server.initialize('file:///fuzz');

  const docs: Doc[] = KINDS.map(({ kind, path }) => ({ uri: path, kind, version: 1, text: TextDocument.create(path, 'x', 1, SEEDS[kind]!), open: false, lines: new Map() }));
  const languageOf = (doc: Doc) => KINDS.find((k) => k.kind === doc.kind)!.languageId;
  const remember = (doc: Doc) => {
    doc.lines.set(doc.version, lineLengths(doc.text.getText()));
    for (const version of doc.lines.keys()) if (version < doc.version - 40) doc.lines.delete(version);
  };
  for (const doc of docs) {
    remember(doc);
    await server.open(doc.uri, doc.text.getText(), doc.version, languageOf(doc));
    doc.open = true;
  }

  const badRanges: string[] = [];
  const internalErrors = new Set<string>();
  const checkPublished = (params: PublishDiagnosticsParams) => {
    const doc = docs.find((d) => d.uri === params.uri);
    if (!doc || params.version === undefined) return;
    const lines = doc.lines.get(params.version);
    for (const diagnostic of params.diagnostics) {
      if (diagnostic.code === 'internal-error') internalErrors.add(`${doc.kind}: ${String(typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value).slice(0, 300)}`);
      if (!lines) continue;
      for (const end of [diagnostic.range.start, diagnostic.range.end]) {
        const inside = end.line < lines.length && end.character <= lines[end.line]!;
        if (!inside && badRanges.length < 50) {
          badRanges.push(`${doc.kind} v${params.version} ${String(diagnostic.code)} at ${end.line}:${end.character}, but the document has ${lines.length} lines (that one ${lines[end.line] ?? 'missing'} characters)`);
        }
      }
    }
  };
  server.publishListeners.push(checkPublished);

  // What to insert: a mix of the ordinary and the hostile.
  const token = () => pick([
    ['gh', 'p_', randomToken(random, 36)].join(''),
    [['xo', 'xb'].join(''), randomToken(random, 12, '0123456789'), randomToken(random, 12, '0123456789'), randomToken(random, 24)].join('-'),
    ['AK', 'IA', randomToken(random, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')].join(''),
    `postgres://u:${randomToken(random, 16)}@db:5432/x`,
    `glpat-${randomToken(random, 20)}`,
  ]);
  const randomChars = (n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      const r = random();
      if (r < 0.05) out += '\0';
      else if (r < 0.1) out += '\r';
      else if (r < 0.13) out += pick(['\uD800', '\uDBFF', '\uDC00', '\uDFFF']);
      else if (r < 0.16) out += pick(['😀', '\u2028', '\u2029', '\uFEFF', '\u0085', 'é', '中']);
      else if (r < 0.3) out += '\n';
      else if (r < 0.5) out += String.fromCharCode(int(256));
      else out += String.fromCharCode(32 + int(95));
    }
    return out;
  };
  const chunks: Array<() => string> = [
    () => randomChars(1 + int(40)),
    () => randomChars(200 + int(2000)),
    token,
    () => `\n${pick(['AWS_SECRET_ACCESS_KEY', 'password', 'api_key', 'token'])}: ${token()}\n`,
    () => pick(['[', '{', '(', '"', "'", '`', '${{', '{{', '- ', ': ', '? ', '&a ', '*a ', '!!binary ', '<<: *a', '|\n', '>-\n', '#', '---\n', '...\n', '%YAML 1.2\n']).repeat(1 + int(300)),
    () => `\n${'  '.repeat(int(30))}${pick(['jobs:', 'steps:', '- uses: aws-actions/configure-aws-credentials@v4', 'with:', 'aws-secret-access-key: x', 'credentials:', 'password: ', 'env:', 'kind: Secret', 'type: kubernetes.io/service-account-token'])}\n`,
    () => pick(['resource "tls_self_signed_cert" "x" {\n', 'validity_period_hours = 99999\n', '<<EOT\n', 'EOT\n', '${', '%{ if x }', '}\n', 'is_ca_certificate = true\n', 'dynamic "x" {', '"\\u']),
    () => pick(['{"a": [', '"\\u00', '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMII', ']}', '{"a":'.repeat(200), 'null,', '1e999']),
    () => pick(["process.env.API_TOKEN || '", "jwt.sign(p, k, { expiresIn: '", "import jwt from 'jsonwebtoken'\n", '`${', '/*', '*/', '// nhi-hygiene-disable-next-line sec-github -- fuzz\n', '# nhi-hygiene-disable-line\n']),
    () => ' '.repeat(1 + int(3000)),
    // Rarely: a long line over the 20,000-character limit, a large block, a document over 2 MiB.
    () => (chance(0.5) ? 'a'.repeat(20_001 + int(5000)) : `${token()} `.repeat(600)),
    () => (chance(0.2) ? 'x'.repeat(2 * 1024 * 1024 + 16) : `${randomChars(80)}\n`.repeat(500 + int(1500))),
  ];
  const weights = [20, 6, 10, 8, 8, 8, 6, 6, 6, 4, 1.2, 0.6];
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const chunk = () => {
    let r = random() * totalWeight;
    for (let i = 0; i < chunks.length; i++) {
      r -= weights[i]!;
      if (r <= 0) return chunks[i]!();
    }
    return chunks[0]!();
  };

  const randomPosition = (doc: Doc) => {
    if (chance(0.02)) return { line: 1_000_000, character: 5 }; // past the end: clients should not, servers must cope
    const line = int(doc.text.lineCount + 1);
    return { line, character: chance(0.1) ? 100_000 : int(120) };
  };
  const randomRange = (doc: Doc) => {
    const a = randomPosition(doc);
    const b = chance(0.6) ? a : randomPosition(doc);
    const [start, end] = doc.text.offsetAt(a) <= doc.text.offsetAt(b) ? [a, b] : [b, a];
    return { start, end };
  };

  const pending: Array<Promise<unknown>> = [];
  const requestErrors: string[] = [];
  let requests = 0;
  let cancelled = 0;
  let rawMessages = 0;
  let largestDocument = 0;
  let waited = 0;
  let slowestPublishMs = 0;
  let publishes = 0;
  server.publishListeners.push(() => publishes++);
  const stalls: string[] = [];
  let maxRss = 0;
  const track = (method: string, promise: Promise<unknown>, cancellable: boolean) => {
    requests++;
    pending.push(
      promise.catch((error: { code?: number; message?: string }) => {
        // RequestCancelled (-32800), ContentModified (-32801), ServerCancelled (-32802) are answers.
        if (cancellable && (error.code === -32800 || error.code === -32801 || error.code === -32802)) return;
        if (requestErrors.length < 50) requestErrors.push(`${method}: ${error.code ?? ''} ${error.message ?? String(error)}`.slice(0, 300));
      }),
    );
  };

  /** The server answers a hover within the timeout: it is alive and its queue is moving. */
  const sync = async (label: string) => {
    const doc = pick(docs.filter((d) => d.open)) ?? docs[0]!;
    const started = Date.now();
    try {
      await server.request('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: 0, character: 0 } }, 30_000);
    } catch (error) {
      stalls.push(`${label}: ${(error as Error).message}`);
    }
    const waited = Date.now() - started;
    if (waited > 10_000) stalls.push(`${label}: a hover took ${waited} ms`);
    await Promise.all(pending.splice(0));
    const rss = server.rssBytes();
    if (rss !== undefined) maxRss = Math.max(maxRss, rss);
    return rss;
  };

  /** A didChange written by hand with invalid UTF-8 bytes in the inserted text. */
  const rawInvalidUtf8 = async (doc: Doc) => {
    const position = randomPosition(doc);
    const clamped = doc.text.positionAt(doc.text.offsetAt(position));
    const garbage = Buffer.from(pick([[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80, 0x80]]));
    const prefix = Buffer.from(`x${randomToken(random, 3)}`);
    const inserted = Buffer.concat([prefix, garbage, Buffer.from('y')]);
    doc.version++;
    const template = JSON.stringify({
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      params: { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [{ range: { start: clamped, end: clamped }, text: '@@INSERT@@' }] },
    });
    const [before, after] = template.split('@@INSERT@@') as [string, string];
    const body = Buffer.concat([Buffer.from(before), inserted, Buffer.from(after)]);
    server.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    // The server decodes the body as UTF-8 with replacement characters; so does the mirror.
    TextDocument.update(doc.text, [{ range: { start: clamped, end: clamped }, text: inserted.toString('utf8') }], doc.version);
    remember(doc);
    rawMessages++;
  };

  const started = Date.now();
  let iteration = 0;
  try {
    for (iteration = 1; iteration <= options.iterations && server.alive; iteration++) await step(iteration);
  } catch (error) {
    // Sending to a server that died fails; the exit status is what the test reports.
    if (server.alive) throw error;
  }
  const ran = Math.min(iteration, options.iterations);
  if (server.alive) await sync('end of run');
  async function step(iteration: number): Promise<void> {
    const doc = pick(docs);
    const roll = random();
    if (!doc.open) {
      doc.version++;
      doc.text = TextDocument.create(doc.uri, 'x', doc.version, chance(0.5) ? SEEDS[doc.kind]! : chunk());
      remember(doc);
      await server.open(doc.uri, doc.text.getText(), doc.version, languageOf(doc));
      doc.open = true;
    } else if (roll < 0.68) {
      // One notification, one to three incremental changes (occasionally a full replacement).
      const changes = [];
      doc.version++;
      for (let n = 1 + int(3); n > 0; n--) {
        if (chance(0.03)) {
          const text = chance(0.5) ? SEEDS[doc.kind]! : chunk();
          changes.push({ text });
          TextDocument.update(doc.text, [{ text }], doc.version);
        } else {
          const range = randomRange(doc);
          // Big documents shrink: delete more than is inserted.
          const text = doc.text.getText().length > 400_000 && chance(0.7) ? '' : chance(0.15) ? '' : chunk();
          if (doc.text.getText().length > 400_000) range.end = doc.text.positionAt(doc.text.offsetAt(range.start) + 200_000 + int(400_000));
          changes.push({ range, text });
          TextDocument.update(doc.text, [{ range, text }], doc.version);
        }
      }
      remember(doc);
      largestDocument = Math.max(largestDocument, doc.text.getText().length);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: changes });
      // Now and then wait for this very version to be scanned and published, as a user pausing would.
      if (chance(0.06) && server.settings.enable !== false) {
        const version = doc.version;
        const waitStarted = Date.now();
        try {
          await server.waitForDiagnostics(doc.uri, (p) => p.version === version, 30_000);
          waited++;
        } catch (error) {
          stalls.push(`diagnostics for ${doc.kind} v${version} (${doc.text.getText().length} characters): ${(error as Error).message.slice(0, 200)}`);
        }
        slowestPublishMs = Math.max(slowestPublishMs, Date.now() - waitStarted);
      }
    } else if (roll < 0.76) {
      track('hover', server.connection.sendRequest('textDocument/hover', { textDocument: { uri: doc.uri }, position: randomPosition(doc) }), true);
    } else if (roll < 0.84) {
      const published = server.diagnostics.get(doc.uri)?.diagnostics ?? [];
      const diagnostics: Diagnostic[] = published.length > 0 && chance(0.8) ? [pick(published)] : [];
      const range = diagnostics[0]?.range ?? randomRange(doc);
      track('codeAction', server.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: doc.uri }, range, context: { diagnostics } }), true);
    } else if (roll < 0.9) {
      // A request cancelled right away ($/cancelRequest), as editors do when the cursor moves on.
      const source = new CancellationTokenSource();
      const method = chance(0.5) ? 'textDocument/hover' : 'textDocument/codeAction';
      const params = method === 'textDocument/hover' ? { textDocument: { uri: doc.uri }, position: randomPosition(doc) } : { textDocument: { uri: doc.uri }, range: randomRange(doc), context: { diagnostics: [] } };
      track(method, server.connection.sendRequest(method, params, source.token), true);
      if (chance(0.7)) source.cancel();
      else setTimeout(() => source.cancel(), int(20));
      cancelled++;
    } else if (roll < 0.93) {
      await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: doc.uri } });
      doc.open = false;
    } else if (roll < 0.95) {
      server.settings = { debounceMs: pick([0, 5, 30]), minimumSeverity: pick(['info', 'warning', 'error']), enable: chance(0.9) };
      await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    } else if (roll < 0.97) {
      await server.connection.sendNotification('textDocument/didSave', { textDocument: { uri: doc.uri } });
    } else {
      // Wait for everything in flight, then write a message with invalid UTF-8 by hand.
      await sync(`before raw message at iteration ${iteration}`);
      await rawInvalidUtf8(doc);
    }
    if (iteration % syncEvery === 0) {
      const rss = await sync(`iteration ${iteration}`);
      log(`iteration ${iteration}: rss ${rss === undefined ? '?' : Math.round(rss / 1048576)} MB, largest document ${largestDocument}, ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  server.settings = { debounceMs: 0, minimumSeverity: 'info', enable: true };
  if (server.alive) await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });

  const serverLogErrors = server.logs.filter((line) => /uncaught|unhandled|failed|error/i.test(line)).map((line) => line.slice(0, 400));
  return {
    iterations: ran,
    seed: options.seed,
    elapsedMs: Date.now() - started,
    maxRssBytes: maxRss,
    finalRssBytes: server.rssBytes(),
    largestDocument,
    requests,
    cancelled,
    rawMessages,
    publishes,
    awaitedPublishes: waited,
    slowestPublishMs,
    requestErrors,
    stalls,
    badRanges,
    internalErrors: [...internalErrors],
    serverLogErrors,
    server,
  };
}

export { SEEDS, KINDS };
