import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Container, Probe } from '../../api/generated/core/v1.js';
import { runProbe, type ProbeTarget } from './probe.js';

const noExec: ProbeTarget['exec'] = () => Promise.reject(new Error('no exec here'));
const target = (extra: Partial<ProbeTarget> = {}): ProbeTarget => ({ podIP: '127.0.0.1', containerId: 'c1', exec: noExec, ...extra });

const listen = (s: Server | ReturnType<typeof createNetServer>) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

const seen: IncomingMessage[] = [];
const sockets = new Set<Socket>();
let port = 0;
let otherPort = 0;
const handler = (req: IncomingMessage, res: ServerResponse) => {
  seen.push(req);
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/ok':
      res.end('all good');
      return;
    case '/fail':
      res.writeHead(500).end('broken');
      return;
    case '/hop':
      res.writeHead(302, { location: '/ok' }).end();
      return;
    case '/away':
      // Same server, other host name: the probe must not follow it.
      res.writeHead(301, { location: `http://localhost:${port}/ok` }).end('moved');
      return;
    case '/loop':
      res.writeHead(307, { location: '/loop' }).end();
      return;
    case '/big':
      res.end('x'.repeat(64 * 1024));
      return;
    case '/slow':
      return; // never answers
    default:
      res.writeHead(404).end();
  }
};
const server = createHttpServer(handler);
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
const other = createHttpServer((_req, res) => res.end('other'));

before(async () => {
  port = await listen(server);
  otherPort = await listen(other);
});
after(() => {
  for (const s of sockets) s.destroy();
  server.close();
  other.close();
});

const http = (path: string, extra: Partial<NonNullable<Probe['httpGet']>> = {}, timeoutSeconds = 1): Probe => ({ httpGet: { port, path, ...extra }, timeoutSeconds });

test('httpGet: status codes, body, headers', async () => {
  assert.deepEqual(await runProbe(http('/ok'), target()), { result: 'success', output: 'all good' });
  assert.deepEqual(await runProbe(http('/fail'), target()), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  assert.deepEqual(await runProbe(http('/nothing'), target()), { result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
  seen.length = 0;
  await runProbe(http('/ok?x=1', { httpHeaders: [{ name: 'x-custom', value: 'a' }, { name: 'X-Custom', value: 'b' }, { name: 'Host', value: 'example.test' }] }), target());
  const req = seen[0];
  assert.equal(req?.url, '/ok?x=1');
  assert.equal(req?.headers['user-agent'], 'kube-probe/1.32');
  assert.equal(req?.headers.accept, '*/*');
  assert.equal(req?.headers['x-custom'], 'a, b');
  assert.equal(req?.headers.host, 'example.test');
  seen.length = 0;
  await runProbe(http('/ok', { httpHeaders: [{ name: 'User-Agent', value: 'mine' }, { name: 'Accept', value: '' }] }), target());
  assert.equal(seen[0]?.headers['user-agent'], 'mine');
  assert.equal(seen[0]?.headers.accept, undefined, 'an empty Accept removes it');
  const big = await runProbe(http('/big'), target());
  assert.equal(big.result, 'success');
  assert.equal(big.output.length, 10 * 1024);
});

test('httpGet: host, named ports and bad ports', async () => {
  const c: Container = { name: 'a', ports: [{ name: 'web', containerPort: otherPort }] };
  assert.deepEqual(await runProbe({ httpGet: { port: 'web', path: '/' } }, target({ container: c })), { result: 'success', output: 'other' });
  assert.deepEqual(await runProbe({ httpGet: { port: String(otherPort), path: '/' } }, target()), { result: 'success', output: 'other' });
  assert.deepEqual(await runProbe({ httpGet: { port: 'nope', path: '/' } }, target({ container: c })), { result: 'unknown', output: 'port nope not found' });
  assert.deepEqual(await runProbe({ httpGet: { port: 70000, path: '/' } }, target()), { result: 'unknown', output: 'invalid port number: 70000' });
  assert.deepEqual(await runProbe({ httpGet: { host: '127.0.0.1', port: otherPort, path: '/' } }, target({ podIP: '' })), { result: 'success', output: 'other' });
});

test('httpGet: redirects only on the same host', async () => {
  assert.deepEqual(await runProbe(http('/hop'), target()), { result: 'success', output: 'all good' });
  assert.deepEqual(await runProbe(http('/away'), target()), { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
  assert.deepEqual(await runProbe(http('/loop'), target()), { result: 'failure', output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects` });
});

test('httpGet: refused and timed out, in Go words', async () => {
  const closed = await closedPort();
  assert.deepEqual(await runProbe({ httpGet: { port: closed, path: '/' } }, target()), {
    result: 'failure',
    output: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
  });
  assert.deepEqual(await runProbe(http('/slow'), target()), {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
  });
});

test('httpGet over HTTPS does not verify certificates', { skip: existsSync('/usr/bin/openssl') ? false : 'needs openssl' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-probe-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=self', '-days', '1', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')], { stdio: 'ignore' });
    const tls = createHttpsServer({ key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) }, (_req, res) => res.end('secure'));
    const p = await listen(tls);
    try {
      assert.deepEqual(await runProbe({ httpGet: { port: p, path: '/', scheme: 'HTTPS' } }, target()), { result: 'success', output: 'secure' });
    } finally {
      tls.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tcpSocket: open, refused, timed out', async () => {
  assert.deepEqual(await runProbe({ tcpSocket: { port } }, target()), { result: 'success', output: '' });
  const closed = await closedPort();
  assert.deepEqual(await runProbe({ tcpSocket: { port: closed } }, target()), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('tcpSocket: a connect that never completes times out', { skip: existsSync('/usr/bin/python3') ? false : 'needs python3' }, async () => {
  // A listener with a zero backlog that never accepts: once its queue holds one connection the
  // kernel drops further SYNs, so the probe's connect hangs until its timeout.
  const py = 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(30)\n';
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', py], { stdio: ['ignore', 'pipe', 'ignore'] });
  const fillers: Socket[] = [];
  try {
    const p = await new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('error', reject);
    });
    for (let i = 0; i < 2; i++) {
      const s = connect(p, '127.0.0.1');
      s.on('error', () => undefined);
      fillers.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await runProbe({ tcpSocket: { port: p }, timeoutSeconds: 1 }, target()), { result: 'failure', output: `dial tcp 127.0.0.1:${p}: i/o timeout` });
  } finally {
    for (const s of fillers) s.destroy();
    child.kill();
  }
});

test('exec: exit codes, timeouts, runtime errors, static env expansion', async () => {
  const calls: string[][] = [];
  const exec: ProbeTarget['exec'] = (_id, cmd) => {
    calls.push(cmd);
    if (cmd[0] === 'ok') return Promise.resolve({ exitCode: 0, output: 'fine\n' });
    if (cmd[0] === 'bad') return Promise.resolve({ exitCode: 3, output: 'nope\n' });
    if (cmd[0] === 'slow') return Promise.reject(Object.assign(new Error('deadline exceeded'), { code: 4 }));
    return Promise.reject(new Error('container not found'));
  };
  const c: Container = { name: 'a', env: [{ name: 'WHO', value: 'me' }, { name: 'REF', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] };
  assert.deepEqual(await runProbe({ exec: { command: ['ok', '$(WHO)', '$(REF)', '$(NONE)'] } }, target({ exec, container: c })), { result: 'success', output: 'fine\n' });
  assert.deepEqual(calls[0], ['ok', 'me', '', '$(NONE)']);
  assert.deepEqual(await runProbe({ exec: { command: ['bad'] } }, target({ exec })), { result: 'failure', output: 'nope\n' });
  assert.deepEqual(await runProbe({ exec: { command: ['slow', 'x'] } }, target({ exec })), { result: 'failure', output: 'command "slow x" timed out' });
  assert.deepEqual(await runProbe({ exec: { command: ['gone'] } }, target({ exec })), { result: 'unknown', output: 'container not found' });
});

test('grpc: health check results', async () => {
  const statuses: Record<string, number> = { '': 1, sick: 2 };
  const srv = new grpc.Server();
  srv.addService(
    {
      Check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (n: number) => Buffer.from([0x08, n]),
        responseDeserialize: (b: Buffer) => b[1] ?? 0,
      },
    },
    {
      Check: (call: grpc.ServerUnaryCall<Buffer, number>, cb: grpc.sendUnaryData<number>) => {
        const service = call.request.length > 2 ? call.request.subarray(2).toString() : '';
        const st = statuses[service];
        if (st === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
        else cb(null, st);
      },
    },
  );
  const gport = await new Promise<number>((resolve, reject) => srv.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const bare = new grpc.Server();
  const bport = await new Promise<number>((resolve, reject) => bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  try {
    assert.deepEqual(await runProbe({ grpc: { port: gport } }, target()), { result: 'success', output: 'service healthy' });
    assert.deepEqual(await runProbe({ grpc: { port: gport, service: 'sick' } }, target()), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(await runProbe({ grpc: { port: gport, service: 'who' } }, target()), { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
    const unimpl = await runProbe({ grpc: { port: bport } }, target());
    assert.equal(unimpl.result, 'failure');
    assert.match(unimpl.output, /^this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
    const closed = await closedPort();
    assert.deepEqual(await runProbe({ grpc: { port: closed }, timeoutSeconds: 1 }, target()), {
      result: 'failure',
      output: `timeout: failed to connect service "127.0.0.1:${closed}" within 1s: context deadline exceeded`,
    });
  } finally {
    srv.forceShutdown();
    bare.forceShutdown();
  }
});
