/**
 * Golden tests of `k8ts kubectl proxy` against the real kubectl 1.32 on one API server (no
 * controllers). Both proxies run at once, each on a port it picked (`--port=0`) and serving the same
 * static directory; every case makes the same HTTP request through each and compares status, the
 * headers that carry meaning (Content-Type, Location, X-Content-Type-Options) and the body, once
 * the uid, resourceVersion, times and the per-side object names are normalised. Both proxies are
 * killed when the file ends, even on failure.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, KUBECTL_LAUNCH, ourKubectl, raw, startServer, type Cluster } from './harness.js';

type Side = 'real' | 'ours';
interface Proxy {
  port: number;
  child: ChildProcess;
  stderr: () => string;
}

let cluster: Cluster;
let www: string;
const proxies: Partial<Record<Side, Proxy>> = {};
const children: ChildProcess[] = [];
const NS = 'proxy-e2e';

/** Starts one side's `kubectl proxy` and waits for its `Starting to serve on` line. */
async function startProxy(side: Side, args: string[]): Promise<Proxy> {
  const [bin, argv] = side === 'real' ? [kubectlPath(), ['proxy', ...args]] : [process.execPath, [KUBECTL_LAUNCH, 'proxy', ...args]];
  const child = spawn(bin, argv, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECACHEDIR: join(cluster.dir, `kubecache-${side}`), HOME: cluster.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${side} proxy did not start: ${out}${err}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Starting to serve on 127\.0\.0\.1:(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${side} proxy exited (${code}): ${out}${err}`));
    });
  });
  return { port, child, stderr: () => err };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(side: Side, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port: proxies[side]!.port, path, method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

/** The per-side names (`cm-real`), server-made fields and times become placeholders. */
function normalize(text: string): string {
  return text
    .replace(/-(real|ours)\b/g, '-SIDE')
    .replace(/"(uid|resourceVersion)":"[^"]*"/g, '"$1":"X"')
    .replace(/"(creationTimestamp|time)":"[^"]*"/g, '"$1":"TIME"')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    // The field manager is the first word of the User-Agent, which client-go takes from the binary's
    // name: the real kubectl may be installed as `kubectl.1.32`.
    .replace(/"manager":"kubectl(\.\d+\.\d+)?"/g, '"manager":"kubectl"');
}

const meaning = (a: Answer) => ({
  status: a.status,
  contentType: a.headers['content-type'],
  location: a.headers.location,
  nosniff: a.headers['x-content-type-options'],
  lastModified: a.headers['last-modified'],
  body: normalize(a.body),
});

/** Makes the request through both proxies (`{side}` in the path or body names the side) and compares. */
async function same(path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<ReturnType<typeof meaning>> {
  const fill = (s: string | undefined, side: Side) => s?.replaceAll('{side}', side);
  const [real, ours] = await Promise.all((['real', 'ours'] as const).map((side) => request(side, fill(path, side)!, { ...o, body: fill(o.body, side) })));
  const want = meaning(real!);
  assert.deepEqual(meaning(ours!), want, `${o.method ?? 'GET'} ${path}`);
  return want;
}

before(async () => {
  cluster = await startServer();
  www = mkdtempSync(join(tmpdir(), 'k8ts-proxy-e2e-'));
  mkdirSync(join(www, 'sub'));
  writeFileSync(join(www, 'a.txt'), 'hello\n');
  writeFileSync(join(www, 'sub', 'index.html'), '<h1>x</h1>\n');
  for (const p of ['a.txt', 'sub/index.html', 'sub', '.']) utimesSync(join(www, p), 1_700_000_000, 1_700_000_000);
  assert.equal(kubectl(cluster, ['create', 'namespace', NS]).code, 0);
  // Registered before the awaits, so after() stops whichever started even if the other failed.
  const [real, ours] = await Promise.all([startProxy('real', ['--port=0', `--www=${www}`]), startProxy('ours', ['--port=0', `--www=${www}`])]);
  proxies.real = real;
  proxies.ours = ours;
});

after(async () => {
  await Promise.all(children.map(stopChild));
  await cluster?.stop();
  if (www) rmSync(www, { recursive: true, force: true });
});

test('help and start-up errors read as the real kubectl', () => {
  const help = ['proxy', '--help'];
  assert.equal(ourKubectl(cluster, help).stdout, kubectl(cluster, help).stdout);
  // The real proxy's port is taken: both fail to bind it.
  const busy = ['proxy', `--port=${proxies.real!.port}`];
  const r = kubectl(cluster, busy, { timeoutMs: 10_000 });
  assert.deepEqual(ourKubectl(cluster, busy, { timeoutMs: 10_000 }), r);
  assert.equal(r.stderr, `error: listen tcp 127.0.0.1:${proxies.real!.port}: bind: address already in use\n`);
  const klog = (s: string) => s.replace(/^F\d{4} [\d:.]+ +\d+ /, 'F ');
  const badRe = ['proxy', '--port=0', '--accept-paths=('];
  const [rr, or] = [kubectl(cluster, badRe, { timeoutMs: 10_000 }), ourKubectl(cluster, badRe, { timeoutMs: 10_000 })];
  assert.deepEqual({ ...or, stderr: klog(or.stderr) }, { ...rr, stderr: klog(rr.stderr) });
  assert.equal(rr.code, 255);
});

test('API reads: discovery, an object, a missing object, a cleaned path', async () => {
  assert.equal((await same('/api')).status, 200);
  assert.match((await same(`/api/v1/namespaces/${NS}`)).body, /"name":"proxy-e2e"/);
  assert.equal((await same(`/api/v1/namespaces/${NS}/configmaps/missing`)).status, 404);
  assert.equal((await same('//api/v1/../v1?x=1')).location, '/api/v1?x=1');
});

test('a create goes through with the kubeconfig credentials (and kubectl as the field manager)', async () => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-{side}' }, data: { a: 'b' } });
  const r = await same(`/api/v1/namespaces/${NS}/configmaps`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 201);
  assert.match(r.body, /"manager":"kubectl"/);
  // A conflict: the second create of the same name.
  assert.equal((await same(`/api/v1/namespaces/${NS}/configmaps`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })).status, 409);
});

test('a watch streams: an event arrives while the response stays open', async () => {
  const watch = (side: Side) =>
    new Promise<{ status: number; contentType: string | undefined; event: string; open: boolean }>((resolve, reject) => {
      const path = `/api/v1/namespaces/${NS}/configmaps?watch=1&fieldSelector=metadata.name%3Dw-${side}`;
      const req = http.get({ host: '127.0.0.1', port: proxies[side]!.port, path, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          if (!text.includes('\n')) return;
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], event: normalize(text.slice(0, text.indexOf('\n'))), open: !res.complete });
          req.destroy();
        });
        // The watch is open (headers are in): now make the object it waits for.
        raw(cluster, 'POST', `/api/v1/namespaces/${NS}/configmaps`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${side}` } }), { 'User-Agent': 'kubectl/e2e' }).catch(reject);
      });
      req.on('error', reject);
      req.setTimeout(20_000, () => reject(new Error(`${side}: no event within 20 s`)));
    });
  const [real, ours] = await Promise.all([watch('real'), watch('ours')]);
  assert.deepEqual(ours, real);
  assert.equal(real.open, true);
  assert.match(real.event, /^\{"type":"ADDED","object":\{.*"name":"w-SIDE"/);
});

test('the filter: exec and attach paths and foreign hosts get 403 Forbidden', async () => {
  const exec = await same('/api/v1/namespaces/default/pods/x/exec?command=ls');
  assert.deepEqual([exec.status, exec.body, exec.contentType], [403, 'Forbidden\n', 'text/plain; charset=utf-8']);
  assert.equal((await same('/api/v1/namespaces/default/pods/x/attach', { method: 'POST' })).status, 403);
  assert.equal((await same('/api', { headers: { Host: 'evil.example.com' } })).status, 403);
  assert.equal((await same('/api', { headers: { Host: 'localhost:9' } })).status, 200);
});

test('an upgrade request is passed to the server, and its refusal relayed', async () => {
  const upgrade = (side: Side) =>
    new Promise<string>((resolve, reject) => {
      const s = net.connect(proxies[side]!.port, '127.0.0.1', () =>
        s.write(`GET /api/v1/namespaces/${NS}/pods/nope/portforward?ports=80 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`),
      );
      let text = '';
      s.on('data', (d: Buffer) => (text += d.toString()));
      s.on('error', reject);
      s.on('close', () => resolve(text.replace(/^Date: .*\r\n/m, '')));
      s.setTimeout(10_000, () => s.destroy());
    });
  const [real, ours] = await Promise.all([upgrade('real'), upgrade('ours')]);
  assert.equal(ours, real);
  assert.match(real, /^HTTP\/1\.1 404 Not Found\r\n/);
});

test('static files under --www-prefix', async () => {
  const list = await same('/static/');
  assert.match(list.body, /<a href="sub\/">sub\/<\/a>/);
  assert.equal((await same('/static/a.txt')).contentType, 'text/plain; charset=utf-8');
  assert.equal((await same('/static/sub')).location, 'sub/');
  assert.equal((await same('/static/sub/')).body, '<h1>x</h1>\n');
  assert.equal((await same('/static/sub/index.html')).location, './');
  assert.equal((await same('/static/nope')).status, 404);
  assert.equal((await same('/static')).location, '/static/');
});

test('neither proxy logged anything on its own', () => {
  assert.equal(proxies.ours!.stderr(), proxies.real!.stderr());
});
