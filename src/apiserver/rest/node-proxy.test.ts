import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { freePort } from '../../storage/etcd/process.js';
import { openMemoryStore } from '../../storage/memory.js';
import { createLogger } from '../../util/log.js';
import { createCa, issueCert } from '../auth/certs.js';
import { runApiServer } from '../run.js';

const log = createLogger('node-proxy-test', { write: () => true } as unknown as NodeJS.WritableStream);
const ac = new AbortController();
let dir: string;
let api: { url: string; token: string; ca: string };
let running: Promise<void>;
let kubelet: Server;
/** What the fake kubelet saw: path and the client certificate's subject. */
const seen: Array<{ path: string; cn: string; o: string }> = [];
let releaseFollow: () => void = () => undefined;

function subject(req: IncomingMessage): { cn: string; o: string } {
  const s = (req.socket as TLSSocket).getPeerCertificate().subject as unknown as Record<string, string> | undefined;
  return { cn: s?.['CN'] ?? '', o: String(s?.['O'] ?? '') };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-node-proxy-'));
  const port = await freePort();
  const ready = new Promise<{ url: string; adminToken: string; caPem: string }>((resolve) => {
    running = runApiServer({ store: openMemoryStore(), dataDir: dir, log, securePort: port, onReady: resolve }, ac.signal);
  });
  const info = await ready;
  api = { url: info.url, token: info.adminToken, ca: info.caPem };

  // A fake kubelet: self-signed serving certificate, requires a client certificate from the cluster CA.
  const selfCa = await createCa('fake-kubelet-ca', 1);
  const serving = await issueCert(selfCa, { commonName: 'n1', ips: ['127.0.0.1'], usage: 'server', days: 1 });
  kubelet = createHttpsServer({ cert: serving.certPem, key: serving.keyPem, ca: api.ca, requestCert: true, rejectUnauthorized: true }, (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ path: req.url ?? '', ...subject(req) });
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    if (url.pathname === '/containerLogs/default/p/c') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (url.searchParams.get('follow') === 'true') {
        res.write('first line\n');
        releaseFollow = () => res.end('second line\n');
        return;
      }
      res.end(`logs of c${url.search}\n`);
      return;
    }
    if (url.pathname === '/containerLogs/default/two/b') {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('container "b" in pod "two" is waiting to start: ContainerCreating');
      return;
    }
    res.writeHead(404).end('404 page not found');
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push({ path: req.url ?? '', ...subject(req) });
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`${req.method} ${req.url} auth=${req.headers.authorization ?? 'none'}`)]));
      // Echo stdin to stdout.
      ws.on('message', (d: Buffer) => {
        if (d[0] === 0) ws.send(Buffer.concat([Buffer.from([1]), d.subarray(1)]));
      });
    });
  });
  kubelet.listen(0, '127.0.0.1');
  await once(kubelet, 'listening');
  const kport = (kubelet.address() as AddressInfo).port;

  await call('POST', '/api/v1/nodes', { metadata: { name: 'n1' }, status: { addresses: [{ type: 'Hostname', address: 'localhost' }, { type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kport } } } });
  const pod = (name: string, containers: string[], nodeName?: string) => ({ metadata: { name }, spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'busybox' })) } });
  for (const p of [pod('p', ['c'], 'n1'), pod('two', ['a', 'b'], 'n1'), pod('pending', ['c'])]) {
    const r = await call('POST', '/api/v1/namespaces/default/pods', p);
    assert.equal(r.code, 201, r.body);
  }
});

after(async () => {
  ac.abort();
  await running;
  kubelet.closeAllConnections();
  await new Promise((r) => kubelet.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function call(method: string, path: string, body?: unknown, onChunk?: (c: string) => void): Promise<{ code: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, ca: api.ca, headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        onChunk?.(c);
      });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: text, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const status = (body: string) => JSON.parse(body) as { kind: string; code: number; reason?: string; message: string };

test('pods/log is proxied to the kubelet of the pod node with the kubelet-client certificate', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/pods/p/log?tailLines=5&timestamps=true&sinceSeconds=60');
  assert.equal(r.code, 200);
  assert.match(r.type, /^text\/plain/);
  assert.equal(r.body, 'logs of c?timestamps=true&sinceSeconds=60&tailLines=5\n', 'defaults the only container and passes the options on');
  const last = seen.at(-1)!;
  assert.equal(last.cn, 'kube-apiserver-kubelet-client');
  assert.equal(last.o, 'system:masters');
});

test('a followed log streams chunk by chunk until the kubelet ends it', async () => {
  let first: () => void = () => undefined;
  const gotFirst = new Promise<void>((r) => (first = r));
  const done = call('GET', '/api/v1/namespaces/default/pods/p/log?follow=true&container=c', undefined, (c) => {
    if (c.includes('first line')) first();
  });
  await gotFirst; // arrived while the kubelet still holds the response open
  releaseFollow();
  assert.equal((await done).body, 'first line\nsecond line\n');
});

test('log errors are Kubernetes Statuses, worded as upstream', async () => {
  const cases: Array<[string, number, string | RegExp]> = [
    ['/api/v1/namespaces/default/pods/nope/log', 404, 'pods "nope" not found'],
    ['/api/v1/namespaces/default/pods/two/log', 400, 'a container name must be specified for pod two, choose one of: [a b]'],
    ['/api/v1/namespaces/default/pods/p/log?container=zz', 400, 'container zz is not valid for pod p'],
    ['/api/v1/namespaces/default/pods/p/log?tailLines=-1', 422, 'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
    ['/api/v1/namespaces/default/pods/p/log?limitBytes=0&sinceSeconds=0', 422, /limitBytes: Invalid value: 0: must be greater than 0, sinceSeconds: Invalid value: 0/],
    ['/api/v1/namespaces/default/pods/p/log?tailLines=x', 400, /invalid syntax/],
    ['/api/v1/namespaces/default/pods/two/log?container=b', 400, 'container "b" in pod "two" is waiting to start: ContainerCreating'],
  ];
  for (const [path, code, message] of cases) {
    const r = await call('GET', path);
    assert.equal(r.code, code, `${path}: ${r.body}`);
    const st = status(r.body);
    assert.equal(st.kind, 'Status');
    if (typeof message === 'string') assert.equal(st.message, message);
    else assert.match(st.message, message);
  }
  const pending = await call('GET', '/api/v1/namespaces/default/pods/pending/log');
  assert.equal(pending.code, 200);
  assert.equal(pending.body, '');
});

function wsOpen(path: string, headers: Record<string, string> = { Authorization: `Bearer ${api.token}` }): Promise<{ ws: WebSocket; first: string } | { code: number; body: string }> {
  const ws = new WebSocket(`${api.url.replace('https', 'wss')}${path}`, ['v5.channel.k8s.io'], { ca: api.ca, headers });
  return new Promise((resolve, reject) => {
    ws.once('message', (d: Buffer) => resolve({ ws, first: d.subarray(1).toString() }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

test('an exec WebSocket upgrade is spliced to the kubelet: its 101, protocol and frames pass through', async () => {
  const r = await wsOpen('/api/v1/namespaces/default/pods/p/exec?command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&stderr=false');
  assert.ok('ws' in r, JSON.stringify(r));
  const { ws, first } = r;
  assert.equal(ws.protocol, 'v5.channel.k8s.io');
  assert.equal(first, 'GET /exec/default/p/c?stdin=1&stdout=1&command=sh&command=-c&command=echo+hi auth=none', 'upstream query, no user credentials for the kubelet');
  assert.equal(seen.at(-1)!.cn, 'kube-apiserver-kubelet-client');
  const echo = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.subarray(1).toString())));
  ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('typed')]));
  assert.equal(await echo, 'typed');
  ws.close();
  await once(ws, 'close');
});

test('upgrade failures before the splice are Statuses; other upgrade requests are served plainly', async () => {
  const pending = await wsOpen('/api/v1/namespaces/default/pods/pending/exec?command=ls&stdout=true');
  assert.ok('code' in pending);
  assert.equal(pending.code, 400);
  assert.equal(status(pending.body).message, 'pod pending does not have a host assigned');
  const two = await wsOpen('/api/v1/namespaces/default/pods/two/attach?stdout=true');
  assert.ok('code' in two);
  assert.equal(status(two.body).message, 'a container name must be specified for pod two, choose one of: [a b]');
  const missing = await wsOpen('/api/v1/namespaces/default/pods/nope/portforward?ports=80');
  assert.ok('code' in missing);
  assert.equal(missing.code, 404);
  const anonymous = await wsOpen('/api/v1/namespaces/default/pods/p/exec?command=ls&stdout=true', {});
  assert.ok('code' in anonymous);
  assert.equal(anonymous.code, 403);
  const plain = await wsOpen('/version');
  assert.ok('code' in plain);
  assert.equal(plain.code, 200);
  assert.match(plain.body, /"minor":"32"/);
  const noUpgrade = await call('GET', '/api/v1/namespaces/default/pods/p/exec?command=ls&stdout=true');
  assert.equal(noUpgrade.code, 400);
  assert.equal(status(noUpgrade.body).message, 'Upgrade request required');
});
