// End to end through the kubelet API: a client certificate, the container resolved by the
// provider, the real streaming module, and a stand-in for containerd's stream server.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createLogger } from '../../util/log.js';
import { startKubeletServer, type KubeletServer } from './server.js';
import { startFakeRuntime, type FakeRuntime } from './streaming/fake-runtime.js';
import { testCa, type Pem } from './test-helpers.js';
import type { KubeletApiProvider } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-kubeletstream-'));
const log = createLogger('test', new Writable({ write: (_c, _e, cb) => cb() }));
let runtime: FakeRuntime;
let server: KubeletServer;
let admin: Pem;

before(async () => {
  runtime = await startFakeRuntime();
  const pki = await testCa('test-cluster-ca');
  admin = await pki.client('kube-apiserver-kubelet-client');
  const pod = { metadata: { name: 'web', namespace: 'default', uid: 'uid-1' }, spec: { containers: [{ name: 'app' }] } };
  const provider: KubeletApiProvider = {
    nodeName: 'node-a',
    pods: () => [pod],
    sandboxId: () => 'sandbox-1',
    container: (_ns, name, c) =>
      name === 'web' && (c ?? 'app') === 'app'
        ? { pod, container: 'app', containerId: 'c-app', sandboxId: 'sandbox-1', logDir: root, restartCount: 0, running: true }
        : { error: { code: 404, reason: 'NotFound', message: 'not here' } },
    cri: {
      exec: (r) => Promise.resolve({ url: runtime.execUrl({ command: r.cmd ?? [], tty: r.tty ?? false, stdin: r.stdin ?? false, stdout: r.stdout ?? false, stderr: r.stderr ?? false }) }),
      attach: () => Promise.reject(new Error('unused')),
      portForward: () => Promise.resolve({ url: runtime.portForwardUrl() }),
      listContainerStats: () => Promise.resolve({ stats: [] }),
      imageFsInfo: () => Promise.resolve({ image_filesystems: [], container_filesystems: [] }),
      reopenContainerLog: () => Promise.resolve({}),
    },
  };
  server = await startKubeletServer({ address: '127.0.0.1', port: 0, provider, certDir: join(root, 'pki'), clientCA: pki.ca.certPem, nodeIPs: [], log });
});

after(async () => {
  await server.close();
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

test('exec over WebSocket v5 with a client certificate reaches the runtime and returns the exit status', async () => {
  const path = '/exec/default/web/app?command=emit&command=out%0A&command=err%0A&command=3&stdout=true&stderr=true';
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}${path}`, ['v5.channel.k8s.io'], { rejectUnauthorized: false, cert: admin.certPem, key: admin.keyPem, handshakeTimeout: 10_000 });
  const channels = new Map<number, string>();
  ws.on('message', (data: Buffer) => {
    const ch = data[0] ?? -1;
    channels.set(ch, (channels.get(ch) ?? '') + data.subarray(1).toString());
  });
  const code = await new Promise<number>((resolve, reject) => {
    ws.on('close', (c: number) => resolve(c));
    ws.on('error', reject);
  });
  assert.equal(code, 1000);
  assert.equal(channels.get(1), 'out\n');
  assert.equal(channels.get(2), 'err\n');
  const status = JSON.parse(channels.get(3) ?? '{}') as { status?: string; reason?: string };
  assert.deepEqual([status.status, status.reason], ['Failure', 'NonZeroExitCode']);
  assert.deepEqual(runtime.calls.map((c) => c.path.split('/')[1]), ['exec']);
});

test('exec without a client certificate is refused before the upgrade', async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/exec/default/web/app?command=cat&stdout=true`, ['v5.channel.k8s.io'], { rejectUnauthorized: false, handshakeTimeout: 10_000 });
  const status = await new Promise<number>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('upgraded without a certificate')));
    ws.on('error', () => undefined);
  });
  ws.terminate();
  assert.equal(status, 401);
});
