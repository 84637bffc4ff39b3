// Preloaded with `node --require` into the CLI and the language server by the network test.
// Every way Node.js can reach another machine (TCP and TLS sockets, HTTP(S)/HTTP2, fetch, DNS,
// UDP) is replaced by a function that records the attempt, one JSON line in the file named by
// NHI_NETWORK_LOG, and throws. Sockets wrapping existing handles (the stdio pipes the server
// talks LSP over) are not connections and keep working.
'use strict';

const fs = require('node:fs');

const LOG = process.env.NHI_NETWORK_LOG;
if (!LOG) throw new Error('deny-network.cjs: set NHI_NETWORK_LOG to the file that records network attempts');

function describe(value, depth = 0) {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (value instanceof URL) return `URL(${value.href})`;
  if (depth > 1) return '[object]';
  try {
    return `{${Object.entries(value)
      .slice(0, 12)
      .map(([key, inner]) => `${key}: ${describe(inner, depth + 1)}`)
      .join(', ')}}`;
  } catch {
    return '[object]';
  }
}

function record(api, args) {
  const stack = (new Error().stack || '').split('\n').slice(3, 12).join('\n');
  fs.appendFileSync(LOG, JSON.stringify({ pid: process.pid, argv: process.argv.slice(1, 3), api, args: args.map((arg) => describe(arg)).join(', '), stack }) + '\n');
}

class NetworkDenied extends Error {
  constructor(api) {
    super(`network access denied by the test harness: ${api}`);
    this.code = 'ENETDENIED';
  }
}

function deny(target, name, api) {
  if (!target || typeof target[name] !== 'function') return;
  const replacement = function denied(...args) {
    record(api, args);
    throw new NetworkDenied(api);
  };
  Object.defineProperty(replacement, 'name', { value: name });
  Object.defineProperty(target, name, { value: replacement, writable: true, configurable: true, enumerable: false });
}

const net = require('node:net');
deny(net.Socket.prototype, 'connect', 'net.Socket.prototype.connect');
deny(net, 'connect', 'net.connect');
deny(net, 'createConnection', 'net.createConnection');
// Listening on a TCP port is not outbound, but nothing of ours has a reason to; pipes and handles stay allowed.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function guardedListen(...args) {
  const first = args[0];
  const tcp = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)) || (first && typeof first === 'object' && ('port' in first || 'host' in first));
  if (tcp) {
    record('net.Server.prototype.listen', args);
    throw new NetworkDenied('net.Server.prototype.listen');
  }
  return listen.apply(this, args);
};

const tls = require('node:tls');
deny(tls, 'connect', 'tls.connect');
deny(tls.TLSSocket.prototype, 'connect', 'tls.TLSSocket.prototype.connect');

const dns = require('node:dns');
const DNS_FUNCTIONS = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
for (const name of DNS_FUNCTIONS) {
  deny(dns, name, `dns.${name}`);
  deny(dns.promises, name, `dns.promises.${name}`);
  deny(dns.Resolver && dns.Resolver.prototype, name, `dns.Resolver.prototype.${name}`);
  deny(dns.promises.Resolver && dns.promises.Resolver.prototype, name, `dns.promises.Resolver.prototype.${name}`);
}

for (const [moduleName, label] of [['node:http', 'http'], ['node:https', 'https']]) {
  const http = require(moduleName);
  deny(http, 'request', `${label}.request`);
  deny(http, 'get', `${label}.get`);
  deny(http.Agent && http.Agent.prototype, 'createConnection', `${label}.Agent.prototype.createConnection`);
}
deny(require('node:http2'), 'connect', 'http2.connect');

const dgram = require('node:dgram');
deny(dgram, 'createSocket', 'dgram.createSocket');
for (const name of ['send', 'connect', 'bind']) deny(dgram.Socket.prototype, name, `dgram.Socket.prototype.${name}`);

if (typeof globalThis.fetch === 'function') {
  globalThis.fetch = function deniedFetch(...args) {
    record('fetch', args);
    return Promise.reject(new NetworkDenied('fetch'));
  };
}
for (const name of ['WebSocket', 'EventSource']) {
  if (typeof globalThis[name] === 'function') {
    globalThis[name] = function denied(...args) {
      record(name, args);
      throw new NetworkDenied(name);
    };
  }
}

// ES module imports of the builtins see the patched functions too.
require('node:module').syncBuiltinESMExports();
