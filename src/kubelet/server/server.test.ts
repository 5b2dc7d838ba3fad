import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import type { Pod } from '../../api/generated/core/v1.js';
import type * as cri from '../cri/types.js';
import { createLogger } from '../../util/log.js';
import { formatRecord } from '../logs/cri-log.js';
import { startKubeletServer, type KubeletServer } from './server.js';
import { testCa, type Pem } from './test-helpers.js';
import type { ContainerRef, CriClientLike, ExecParams, KubeletApiProvider, ProviderError, StreamingFns } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-kubeletapi-'));
const log = createLogger('test', new Writable({ write: (_c, _e, cb) => cb() }));
const T = '2024-05-01T10:00:00.000000001Z';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
  spec: { containers: [{ name: 'app', image: 'busybox' }, { name: 'side', image: 'busybox' }] },
  status: {
    phase: 'Running',
    startTime: '2024-05-01T09:59:00Z',
    containerStatuses: [
      { name: 'app', ready: true, restartCount: 1, image: 'busybox', imageID: '', state: { running: { startedAt: '2024-05-01T09:59:30Z' } }, lastState: { terminated: { exitCode: 1, containerID: 'containerd://old' } } },
      { name: 'side', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } },
    ],
  },
};

/** The kubelet core as the server sees it: one pod, its log dirs, a recording CRI. */
function fakeProvider(): KubeletApiProvider & { running: boolean; criCalls: unknown[] } {
  const appDir = join(root, 'logs', 'app');
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, '0.log'), formatRecord(T, 'stdout', false, 'old run'));
  writeFileSync(join(appDir, '1.log'), formatRecord(T, 'stdout', false, 'hello') + formatRecord(T, 'stderr', true, 'wor') + formatRecord(T, 'stderr', false, 'ld'));
  const criCalls: unknown[] = [];
  let ts = 1_714_557_600_000_000_000;
  let usage = 5e9;
  const fakeCri: CriClientLike = {
    listContainerStats: () => {
      ts += 2e9; // two seconds later each call,
      usage += 1e9; // with half a core busy
      const stats: cri.ContainerStats[] = [
        {
          attributes: { id: 'c-app', metadata: { name: 'app', attempt: 1 }, labels: { 'io.kubernetes.pod.uid': 'uid-1', 'io.kubernetes.container.name': 'app' }, annotations: {} },
          cpu: { timestamp: ts, usage_core_nano_seconds: { value: usage }, usage_nano_cores: null },
          memory: { timestamp: ts, working_set_bytes: { value: 1000 }, available_bytes: { value: 0 }, usage_bytes: { value: 1500 }, rss_bytes: { value: 800 }, page_faults: { value: 1 }, major_page_faults: { value: 0 } },
          writable_layer: { timestamp: ts, fs_id: { mountpoint: root }, used_bytes: { value: 4096 }, inodes_used: { value: 3 } },
          swap: null,
        },
      ];
      return Promise.resolve({ stats });
    },
    imageFsInfo: () => Promise.resolve({ image_filesystems: [{ timestamp: ts, fs_id: { mountpoint: root }, used_bytes: { value: 123 }, inodes_used: { value: 4 } }], container_filesystems: [] }),
    exec: (req) => (criCalls.push({ exec: req }), Promise.resolve({ url: 'http://runtime/exec/x' })),
    attach: (req) => (criCalls.push({ attach: req }), Promise.resolve({ url: 'http://runtime/attach/x' })),
    portForward: (req) => (criCalls.push({ portForward: req }), Promise.resolve({ url: 'http://runtime/pf/x' })),
    reopenContainerLog: () => Promise.resolve({}),
  };
  const p = {
    nodeName: 'node-a',
    running: true,
    criCalls,
    cri: fakeCri,
    pods: () => [pod],
    sandboxId: (ns: string, name: string) => (ns === 'default' && name === 'web' ? 'sandbox-1' : undefined),
    container(ns: string, name: string, c?: string): ContainerRef | ProviderError {
      if (ns !== 'default' || name !== 'web') return { error: { code: 404, reason: 'NotFound', message: `pod "${name}" does not exist` } };
      const cname = c ?? 'app';
      if (cname === 'app') return { pod, container: 'app', containerId: 'c-app', sandboxId: 'sandbox-1', logDir: appDir, restartCount: 1, running: p.running };
      if (cname === 'side') return { pod, container: 'side', logDir: join(root, 'logs', 'side'), restartCount: 0, running: false };
      return { error: { code: 404, reason: 'NotFound', message: `container "${cname}" not found in pod "${name}"` } };
    },
  };
  return p;
}

interface Reply {
  status: number;
  body: string;
  headers: IncomingMessage['headers'];
}

function get(port: number, path: string, cert?: Pem, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const opts: RequestOptions = { host: '127.0.0.1', port, path, method, rejectUnauthorized: false, agent: false, timeout: 10_000 };
    if (cert) Object.assign(opts, { cert: cert.certPem, key: cert.keyPem });
    const req = request(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Sends a raw upgrade request over TLS and returns what the server answered first. */
function upgrade(port: number, path: string, cert?: Pem): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}) }, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: node-a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    s.setTimeout(10_000, () => s.destroy(new Error('timeout')));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks).toString()));
    s.on('error', reject);
  });
}

describe('kubelet API server', () => {
  let provider: ReturnType<typeof fakeProvider>;
  let server: KubeletServer;
  let admin: Pem;
  let stranger: Pem;
  const streamed: { kind: string; params?: ExecParams; url: string }[] = [];
  // Stand-in streaming module: records what it was asked and closes with a recognisable answer.
  const streaming: StreamingFns = {
    parseExecQuery: (url) => ({ command: url.searchParams.getAll('command'), tty: false, stdin: url.searchParams.get('stdin') === '1', stdout: true, stderr: true }),
    serveExec: async (_req, socket, _head, o) => {
      streamed.push({ kind: 'exec', params: o.params, url: await o.runtimeUrl(o.params) });
      socket.end('HTTP/1.1 418 stub\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    },
    servePortForward: async (_req, socket, _head, o) => {
      streamed.push({ kind: 'portForward', url: await o.runtimeUrl([8080]) });
      socket.end('HTTP/1.1 418 stub\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    },
  };

  before(async () => {
    const pki = await testCa('test-cluster-ca');
    admin = await pki.client('kube-apiserver-kubelet-client');
    stranger = await (await testCa('someone-else')).client('kube-apiserver-kubelet-client');
    provider = fakeProvider();
    server = await startKubeletServer({ address: '127.0.0.1', port: 0, provider, certDir: join(root, 'pki'), clientCA: pki.ca.certPem, nodeIPs: ['10.0.0.5'], log, streaming, logPollMs: 20 });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('anonymous callers reach /healthz and /pods only', async () => {
    const h = await get(server.port, '/healthz');
    assert.deepEqual([h.status, h.body], [200, 'ok']);
    const p = await get(server.port, '/pods');
    assert.equal(p.status, 200);
    const list = JSON.parse(p.body) as { kind: string; apiVersion: string; metadata: object; items: Pod[] };
    assert.deepEqual([list.kind, list.apiVersion, list.metadata, list.items.map((i) => i.metadata?.name)], ['PodList', 'v1', {}, ['web']]);
    for (const path of ['/containerLogs/default/web/app', '/stats/summary', '/metrics', '/nope']) {
      const r = await get(server.port, path);
      assert.deepEqual([path, r.status, r.body], [path, 401, 'Unauthorized']);
    }
  });

  test('a certificate from another CA is anonymous', async () => {
    const r = await get(server.port, '/containerLogs/default/web/app', stranger);
    assert.deepEqual([r.status, r.body], [401, 'Unauthorized']);
  });

  test('the serving certificate names the node and its IPs, and is reused', async () => {
    const { X509Certificate } = await import('node:crypto');
    const pem = readFileSync(join(root, 'pki', 'kubelet.crt'), 'utf8');
    const c = new X509Certificate(pem);
    for (const n of ['node-a', 'localhost']) assert.ok(c.checkHost(n), n);
    for (const ip of ['127.0.0.1', '10.0.0.5']) assert.ok(c.checkIP(ip), ip);
    const again = await startKubeletServer({ address: '127.0.0.1', port: 0, provider, certDir: join(root, 'pki'), nodeIPs: ['10.0.0.5'], log });
    try {
      assert.equal(readFileSync(join(root, 'pki', 'kubelet.crt'), 'utf8'), pem);
      // Standalone (no client CA): read-only anonymous endpoints only, whatever the caller presents.
      assert.equal((await get(again.port, '/pods', admin)).status, 200);
      assert.equal((await get(again.port, '/containerLogs/default/web/app', admin)).status, 401);
    } finally {
      await again.close();
    }
  });

  const logCases: { path: string; status: number; body: string }[] = [
    { path: '/containerLogs/default/web/app', status: 200, body: 'hello\nworld\n' },
    { path: '/containerLogs/default/web/app?tailLines=1&timestamps=true', status: 200, body: '2024-05-01T10:00:00.000000001Z world\n' },
    { path: '/containerLogs/default/web/app?tail=all', status: 200, body: 'hello\nworld\n' },
    { path: '/containerLogs/default/web/app?limitBytes=3', status: 200, body: 'hel' },
    { path: '/containerLogs/default/web/app?previous=true', status: 200, body: 'old run\n' },
    { path: '/containerLogs/default/web/app?sinceTime=2030-01-01T00:00:00Z', status: 200, body: '' },
    { path: '/containerLogs/default/web/side?previous=true', status: 400, body: 'previous terminated container "side" in pod "web" not found' },
    { path: '/containerLogs/default/web/side', status: 400, body: 'container "side" in pod "web" is waiting to start: ContainerCreating' },
    { path: '/containerLogs/default/web/nope', status: 404, body: 'container "nope" not found in pod "web"' },
    { path: '/containerLogs/default/ghost/app', status: 404, body: 'pod "ghost" does not exist' },
    { path: '/containerLogs/default/web', status: 400, body: '{"message": "Missing container name."}' },
    { path: '/containerLogs/default/web/app?tailLines=x', status: 400, body: '{"message": "Unable to decode query."}' },
    { path: '/containerLogs/default/web/app?tailLines=-1', status: 422, body: '{"message": "Invalid request."}' },
    { path: '/containerLogs/default/web/app?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z', status: 422, body: '{"message": "Invalid request."}' },
  ];
  for (const c of logCases) {
    test(`GET ${c.path}`, async () => {
      const r = await get(server.port, c.path, admin);
      assert.deepEqual([r.status, r.body], [c.status, c.body]);
    });
  }

  test('follow streams appended lines and ends when the container stops', async () => {
    const path = join(root, 'logs', 'app', '1.log');
    let got = '';
    let ended = false;
    const req = request(
      { host: '127.0.0.1', port: server.port, path: '/containerLogs/default/web/app?follow=true&tailLines=1', rejectUnauthorized: false, agent: false, cert: admin.certPem, key: admin.keyPem },
      (res) => {
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['transfer-encoding'], 'chunked');
        res.on('data', (c: Buffer) => (got += c.toString()));
        res.on('end', () => (ended = true));
      },
    );
    req.end();
    const until = async (cond: () => boolean, what: string) => {
      const end = Date.now() + 5000;
      while (!cond()) {
        if (Date.now() > end) assert.fail(`timed out waiting for ${what}; have ${JSON.stringify(got)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await until(() => got === 'world\n', 'the tail');
      appendFileSync(path, formatRecord(T, 'stdout', false, 'more'));
      await until(() => got === 'world\nmore\n', 'the appended line');
      provider.running = false;
      await until(() => ended, 'the end of the stream');
    } finally {
      provider.running = true;
      req.destroy();
    }
  });

  test('stats summary has the kubelet shape, with a CPU rate from two samples', async () => {
    await get(server.port, '/stats/summary', admin); // a first sample
    const r = await get(server.port, '/stats/summary', admin);
    assert.equal(r.status, 200);
    const s = JSON.parse(r.body) as {
      node: { nodeName: string; startTime: string; cpu: { usageCoreNanoSeconds: number }; memory: { workingSetBytes: number; availableBytes: number }; fs: { capacityBytes: number }; runtime: { imageFs: { usedBytes: number; capacityBytes: number } } };
      pods: { podRef: object; startTime: string; containers: { name: string; startTime: string; cpu: { usageNanoCores: number }; memory: { workingSetBytes: number }; rootfs: { usedBytes: number }; logs: { usedBytes: number } }[]; cpu: { usageNanoCores: number }; memory: { usageBytes: number }; 'ephemeral-storage': { usedBytes: number } }[];
    };
    assert.equal(s.node.nodeName, 'node-a');
    assert.ok(s.node.cpu.usageCoreNanoSeconds > 0);
    assert.ok(s.node.memory.workingSetBytes > 0 && s.node.memory.availableBytes > 0);
    assert.ok(s.node.fs.capacityBytes > 0);
    assert.equal(s.node.runtime.imageFs.usedBytes, 123);
    assert.ok(s.node.runtime.imageFs.capacityBytes > 0);
    assert.equal(s.pods.length, 1);
    const p = s.pods[0];
    assert.ok(p);
    assert.deepEqual(p.podRef, { name: 'web', namespace: 'default', uid: 'uid-1' });
    assert.equal(p.startTime, '2024-05-01T09:59:00Z');
    const c = p.containers[0];
    assert.ok(c);
    assert.deepEqual([c.name, c.startTime], ['app', '2024-05-01T09:59:30Z']);
    // 1e9 ns of CPU over 2e9 ns of wall time: half a core.
    assert.equal(c.cpu.usageNanoCores, 500_000_000);
    assert.equal(p.cpu.usageNanoCores, 500_000_000);
    assert.equal(c.memory.workingSetBytes, 1000);
    assert.equal(p.memory.usageBytes, 1500);
    assert.equal(c.rootfs.usedBytes, 4096);
    const logBytes = ['0.log', '1.log'].reduce((n, f) => n + readFileSync(join(root, 'logs', 'app', f)).length, 0);
    assert.equal(c.logs.usedBytes, logBytes);
    assert.equal(p['ephemeral-storage'].usedBytes, 4096 + logBytes);
  });

  test('metrics, unknown paths and methods', async () => {
    const m = await get(server.port, '/metrics', admin);
    assert.equal(m.status, 200);
    assert.match(m.body, /^kubelet_running_pods 1$/m);
    assert.match(m.body, /^kubelet_running_containers\{container_state="running"\} 1$/m);
    assert.equal((await get(server.port, '/nope', admin)).status, 404);
    assert.equal((await get(server.port, '/pods', admin, 'POST')).status, 405);
    assert.equal((await get(server.port, '/exec/default/web/app?command=ls', admin)).status, 400);
  });

  test('exec, attach and portForward resolve the target and hand over to streaming', async () => {
    streamed.length = 0;
    provider.criCalls.length = 0;
    assert.match(await upgrade(server.port, '/exec/default/web/app?command=ls&command=-l&stdin=1', admin), /^HTTP\/1.1 418 stub/);
    assert.match(await upgrade(server.port, '/attach/default/web/uid-1/app?stdin=1', admin), /^HTTP\/1.1 418 stub/);
    assert.match(await upgrade(server.port, '/portForward/default/web', admin), /^HTTP\/1.1 418 stub/);
    assert.deepEqual(streamed, [
      { kind: 'exec', params: { command: ['ls', '-l'], tty: false, stdin: true, stdout: true, stderr: true }, url: 'http://runtime/exec/x' },
      { kind: 'exec', params: { command: [], tty: false, stdin: true, stdout: true, stderr: true }, url: 'http://runtime/attach/x' },
      { kind: 'portForward', url: 'http://runtime/pf/x' },
    ]);
    assert.deepEqual(provider.criCalls, [
      { exec: { container_id: 'c-app', cmd: ['ls', '-l'], tty: false, stdin: true, stdout: true, stderr: true } },
      { attach: { container_id: 'c-app', stdin: true, tty: false, stdout: true, stderr: true } },
      { portForward: { pod_sandbox_id: 'sandbox-1', port: [8080] } },
    ]);
  });

  const upgradeErrors: { path: string; cert: boolean; want: RegExp }[] = [
    { path: '/exec/default/web/app?command=ls', cert: false, want: /^HTTP\/1.1 401 Unauthorized\r\n[^]*\r\n\r\nUnauthorized$/ },
    { path: '/exec/default/web/nope?command=ls', cert: true, want: /^HTTP\/1.1 404 Not Found\r\n[^]*container "nope" not found in pod "web"$/ },
    { path: '/exec/default/web/side?command=ls', cert: true, want: /^HTTP\/1.1 404 Not Found\r\n[^]*container not found \("side"\)$/ },
    { path: '/exec/default/web/wrong-uid/app?command=ls', cert: true, want: /^HTTP\/1.1 404 Not Found\r\n/ },
    { path: '/portForward/default/ghost', cert: true, want: /^HTTP\/1.1 404 Not Found\r\n[^]*pod "ghost" does not exist$/ },
    { path: '/pods', cert: true, want: /^HTTP\/1.1 404 Not Found\r\n/ },
  ];
  for (const c of upgradeErrors) {
    test(`upgrade ${c.path} ${c.cert ? 'with' : 'without'} a certificate fails before streaming`, async () => {
      streamed.length = 0;
      assert.match(await upgrade(server.port, c.path, c.cert ? admin : undefined), c.want);
      assert.deepEqual(streamed, []);
    });
  }
});
