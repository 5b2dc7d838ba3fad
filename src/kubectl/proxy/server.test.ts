import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { compileFilter, DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS } from './filter.js';
import { Backend } from './forward.js';
import { ProxyServer } from './server.js';

/** A fake API server on plain HTTP that records what reaches it. */
let backend: http.Server;
let backendPort: number;
const seen: { method: string; url: string; headers: string[]; body: string }[] = [];
let releaseStream: (() => void) | undefined;
let dir: string;
const logs: string[] = [];
const servers: ProxyServer[] = [];

async function startProxy(o: { filter?: boolean; server?: string; staticDir?: string; api?: string } = {}): Promise<number> {
  const log = { write: (l: string) => void logs.push(l), verbosity: 3 };
  const b = new Backend({ config: { server: o.server ?? `http://127.0.0.1:${backendPort}`, token: 'secret' }, appendServerPath: false, keepaliveMs: 0, userAgent: 'kubectl/test', log });
  const filter = o.filter === false ? undefined : compileFilter({ acceptPaths: DEFAULT_ACCEPT_PATHS, rejectPaths: DEFAULT_REJECT_PATHS, acceptHosts: DEFAULT_ACCEPT_HOSTS, rejectMethods: DEFAULT_REJECT_METHODS });
  const s = new ProxyServer({ prefixes: { api: o.api ?? '/', ...(o.staticDir ? { static: '/static/' } : {}) }, staticDir: o.staticDir, filter, backend: b, log });
  servers.push(s);
  const where = await s.listenTcp('127.0.0.1', 0);
  return Number(where.split(':')[1]);
}

function get(port: number, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-proxy-test-'));
  backend = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.rawHeaders, body: Buffer.concat(chunks).toString() });
      if (req.url?.startsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=5' });
        res.write('{"type":"ADDED"}\n');
        releaseStream = () => res.end('{"type":"DELETED"}\n');
        return;
      }
      res.writeHead(201, { 'Content-Type': 'application/json', 'x-custom': 'y' });
      res.end('{"ok":true}');
    });
  });
  backend.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    if (req.url?.includes('refuse')) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"no":1}\n');
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? ''}\r\nConnection: Upgrade\r\n\r\n`);
    socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as net.AddressInfo).port;
});

after(async () => {
  releaseStream?.();
  await Promise.all(servers.map((s) => s.close()));
  backend.closeAllConnections();
  await new Promise((r) => backend.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('forwards method, path, query and body; sets Host, X-Forwarded-For and a User-Agent; drops hop-by-hop headers', async () => {
  const port = await startProxy();
  seen.length = 0;
  const res = await get(port, '/api/v1/namespaces/a/configmaps?fieldManager=x', { method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json', Connection: 'X-Hop', 'X-Hop': '1', 'X-Forwarded-For': '10.0.0.1' } });
  assert.equal(res.status, 201);
  assert.equal(res.body, '{"ok":true}');
  assert.equal(res.headers['x-custom'], 'y');
  assert.equal(res.headers['content-type'], 'application/json');
  const got = seen[0]!;
  assert.equal(got.method, 'POST');
  assert.equal(got.url, '/api/v1/namespaces/a/configmaps?fieldManager=x');
  assert.equal(got.body, '{"a":1}');
  const h = new Map<string, string>();
  for (let i = 0; i < got.headers.length; i += 2) h.set(got.headers[i]!.toLowerCase(), got.headers[i + 1]!);
  assert.equal(h.get('host'), `127.0.0.1:${backendPort}`);
  assert.equal(h.get('x-forwarded-for'), '10.0.0.1, 127.0.0.1');
  assert.equal(h.get('user-agent'), 'kubectl/test');
  assert.equal(h.has('x-hop'), false);
  // Like our REST client, the bearer token never goes out over plain HTTP.
  assert.equal(h.has('authorization'), false);
});

test('the filter answers a rejected request itself with 403 Forbidden and logs at -v=3', async () => {
  const port = await startProxy();
  seen.length = 0;
  logs.length = 0;
  const exec = await get(port, '/api/v1/namespaces/default/pods/x/exec');
  assert.equal(exec.status, 403);
  assert.equal(exec.body, 'Forbidden\n');
  assert.equal(exec.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(exec.headers['x-content-type-options'], 'nosniff');
  const host = await get(port, '/api', { headers: { Host: 'evil.example.com' } });
  assert.equal(host.status, 403);
  assert.equal(seen.length, 0, 'nothing reached the server');
  assert.match(logs.join(''), /^I\d{4} [\d:.]+ +\d+ proxy_server\.go:135\] Filter rejecting GET \/api\/v1\/namespaces\/default\/pods\/x\/exec 127\.0\.0\.1$/m);
  assert.match(logs.join(''), /Filter rejecting GET \/api evil\.example\.com$/m);
});

test('a streamed answer reaches the client before the server finishes it', async () => {
  const port = await startProxy();
  const first = await new Promise<string>((resolve, reject) => {
    const r = http.get({ host: '127.0.0.1', port, path: '/stream?watch=1', agent: false }, (res) => {
      assert.equal(res.headers['keep-alive'], undefined, 'hop-by-hop answer headers are dropped');
      res.once('data', (c: Buffer) => {
        resolve(c.toString());
        res.destroy();
      });
    });
    r.on('error', reject);
  });
  assert.equal(first, '{"type":"ADDED"}\n');
  releaseStream?.();
});

test('upgrade requests pass through both ways; a refusal is relayed; the filter applies first', async () => {
  const port = await startProxy({ filter: false });
  /** Sends an upgrade request; after a 101, sends `send` once; resolves with all it read when the connection closes. */
  const talk = (path: string, send: string) =>
    new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n`));
      let text = '';
      let sent = false;
      s.on('data', (d: Buffer) => {
        text += d.toString();
        if (!sent && text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) {
          sent = true;
          s.write(send);
        }
        // Our end of the tunnel closing must close the server's end too (and so the proxy's to us).
        if (text.includes(`echo:${send}`)) s.end();
      });
      s.on('close', () => resolve(text));
    });
  const up = await talk('/api/v1/namespaces/a/pods/b/exec', 'ping');
  assert.match(up, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(up, /echo:ping$/);
  const refused = await talk('/refuse', '');
  assert.match(refused, /^HTTP\/1\.1 404 Not Found\r\nConnection: close\r\nContent-Length: 9\r\nContent-Type: application\/json\r\n\r\n\{"no":1\}\n$/);
  const filtered = await startProxy();
  const rejected = await new Promise<string>((resolve) => {
    const s = net.connect(filtered, '127.0.0.1', () => s.write('GET /api/v1/namespaces/a/pods/b/exec HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n'));
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('close', () => resolve(text));
  });
  assert.match(rejected, /^HTTP\/1\.1 403 Forbidden\r\n[^]*\r\n\r\nForbidden\n$/);
});

test('an unreachable server: 500 with Go\'s dial error, logged', async () => {
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as net.AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const port = await startProxy({ server: `http://127.0.0.1:${deadPort}` });
  logs.length = 0;
  const res = await get(port, '/api');
  assert.equal(res.status, 500);
  assert.equal(res.body, `dial tcp 127.0.0.1:${deadPort}: connect: connection refused\n`);
  assert.match(logs.join(''), new RegExp(`^E.* proxy_server\\.go:147\\] Error while proxying request: dial tcp 127\\.0\\.0\\.1:${deadPort}: connect: connection refused$`, 'm'));
});

test('static files: listing, file with type and Last-Modified, directory redirect, not found; API under its prefix', async () => {
  const www = join(dir, 'www');
  mkdirSync(join(www, 'sub'), { recursive: true });
  writeFileSync(join(www, 'a.txt'), 'hello\n');
  writeFileSync(join(www, 'b <&>.json'), '{}');
  utimesSync(join(www, 'a.txt'), 1_700_000_000, 1_700_000_000);
  const port = await startProxy({ staticDir: www, api: '/k8s/' });
  const list = await get(port, '/static/');
  assert.equal(list.status, 200);
  assert.equal(list.body, '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n<a href="a.txt">a.txt</a>\n<a href="b%20%3C&%3E.json">b &lt;&amp;&gt;.json</a>\n<a href="sub/">sub/</a>\n</pre>\n');
  const file = await get(port, '/static/a.txt');
  assert.deepEqual([file.status, file.body, file.headers['content-type'], file.headers['last-modified'], file.headers['accept-ranges']], [200, 'hello\n', 'text/plain; charset=utf-8', 'Tue, 14 Nov 2023 22:13:20 GMT', 'bytes']);
  const range = await get(port, '/static/a.txt', { headers: { Range: 'bytes=1-2' } });
  assert.deepEqual([range.status, range.body, range.headers['content-range']], [206, 'el', 'bytes 1-2/6']);
  const fresh = await get(port, '/static/a.txt', { headers: { 'If-Modified-Since': 'Tue, 14 Nov 2023 22:13:20 GMT' } });
  assert.equal(fresh.status, 304);
  const sub = await get(port, '/static/sub?x=1');
  assert.deepEqual([sub.status, sub.headers.location], [301, 'sub/?x=1']);
  const missing = await get(port, '/static/nope');
  assert.deepEqual([missing.status, missing.body], [404, '404 page not found\n']);
  const prefix = await get(port, '/k8s');
  assert.deepEqual([prefix.status, prefix.headers.location, prefix.body], [301, '/k8s/', '<a href="/k8s/">Moved Permanently</a>.\n\n']);
  seen.length = 0;
  assert.equal((await get(port, '/k8s/api/v1/pods')).status, 201);
  assert.equal(seen[0]?.url, '/api/v1/pods');
});

test('listen failures read as Go\'s; a Unix socket is owner-only', async () => {
  const port = await startProxy();
  const s = new ProxyServer({ prefixes: { api: '/' }, backend: new Backend({ config: { server: 'http://127.0.0.1:1' }, appendServerPath: false, keepaliveMs: 0, userAgent: 'x', log: { write: () => undefined, verbosity: 0 } }), log: { write: () => undefined, verbosity: 0 } });
  servers.push(s);
  await assert.rejects(s.listenTcp('127.0.0.1', port), { message: `listen tcp 127.0.0.1:${port}: bind: address already in use` });
  await assert.rejects(s.listenTcp('::1', 8001), { message: 'listen tcp: address ::1:8001: too many colons in address' });
  await assert.rejects(s.listenTcp('127.0.0.1', 70000), { message: 'listen tcp: address 70000: invalid port' });
  await assert.rejects(s.listenUnix(join(dir, 'missing', 'p.sock')), { message: `listen unix ${join(dir, 'missing', 'p.sock')}: bind: no such file or directory` });
  const sock = join(dir, 'p.sock');
  assert.equal(await s.listenUnix(sock), sock);
  assert.equal(statSync(sock).mode & 0o777, 0o700);
});
