// exec, attach-less exec variants and port-forward against containerd's real CRI stream server (Go
// spdystream on the other side): WebSocket v5/v4 and SPDY clients in front of serveExec and
// servePortForward, a busybox pod behind. Root only; everything carries a per-run prefix and is
// removed in after(), also on failure.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { createLogger } from '../../util/log.js';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import type { ContainerConfig, PodSandboxConfig } from '../cri/types.js';
import { writeCniConfig } from '../runtime/cni.js';
import { cleanupNode, importImageArchive, startContainerd, type ContainerdHandle } from '../runtime/containerd.js';
import { buildBusyboxImage, buildPauseImage } from '../runtime/test-images.js';
import { rawWebSocket } from './streaming/raw-ws-client.js';
import { parseExecQuery, serveExec, servePortForward } from './streaming.js';

const NEEDED = ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/bin/containerd-shim-runc-v2', '/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/usr/bin/gcc', '/bin/busybox'];
const missing = NEEDED.filter((p) => !existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length > 0 ? `missing ${missing.join(', ')}` : false;

const hex = randomBytes(2).toString('hex');
const prefix = `k8ts-stream-${hex}`;
const base = `/tmp/${prefix}`;
const runDir = `/run/${prefix}`;
const bridge = `k8tss${hex}`;
const subnet = randomInt(100, 250);
const cgroupParent = `/${prefix}`;
const log = createLogger(`streaming-test-${hex}`, { write: () => true } as unknown as NodeJS.WritableStream);
const dirs = { stateDir: join(base, 'containerd'), runDir, cniConfDir: join(base, 'cni'), ipamDataDir: join(base, 'ipam') };

interface Collected {
  channels: Map<number, Buffer>;
  code: number;
}

const statusOf = (t: string) => JSON.parse(t) as { status: string; reason?: string };

function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => s.once('end', () => resolve(Buffer.concat(chunks))));
}

describe('streaming against containerd (real, root)', { skip, timeout: 180_000 }, () => {
  let h: ContainerdHandle | undefined;
  let kubelet: Server | undefined;
  let port = 0;
  let containerId = '';
  let sandboxId = '';
  const sockets = new Set<Socket>();

  before(async () => {
    mkdirSync(base, { recursive: true });
    const images = mkdtempSync(join(base, 'images-'));
    const pause = await buildPauseImage(images, 'k8ts.test/pause:1');
    const busybox = await buildBusyboxImage(images, 'k8ts.test/busybox:1');
    writeCniConfig({ confDir: dirs.cniConfDir, networkName: bridge, bridge, podCIDR: `10.244.${subnet}.0/24`, routes: [], ipamDataDir: dirs.ipamDataDir });
    h = await startContainerd({ ...dirs, sandboxImage: 'k8ts.test/pause:1', log });
    await importImageArchive(h.socket, pause);
    await importImageArchive(h.socket, busybox);
    const cri = h.cri;
    const cfg: PodSandboxConfig = {
      metadata: { name: 'box', namespace: 'default', uid: `uid-${hex}`, attempt: 0 },
      hostname: 'box',
      log_directory: join(base, 'pods', 'box'),
      linux: { cgroup_parent: cgroupParent, security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    sandboxId = (await cri.runPodSandbox({ config: cfg })).pod_sandbox_id;
    // An echo server on 8080 for port-forward, and a shell to exec in.
    const container: ContainerConfig = { metadata: { name: 'box' }, image: { image: 'k8ts.test/busybox:1' }, command: ['nc', '-ll', '-p', '8080', '-e', 'cat'], log_path: 'box/0.log' };
    containerId = (await cri.createContainer({ pod_sandbox_id: sandboxId, sandbox_config: cfg, config: container })).container_id;
    await cri.startContainer({ container_id: containerId });

    kubelet = createServer((_req, res) => res.writeHead(400).end());
    kubelet.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const url = new URL(req.url ?? '/', 'http://kubelet.invalid');
      if (url.pathname.startsWith('/portForward')) {
        servePortForward(req, socket, head, { runtimeUrl: (ports) => cri.portForward({ pod_sandbox_id: sandboxId, port: ports }).then((r) => r.url), log });
        return;
      }
      serveExec(req, socket, head, {
        params: parseExecQuery(url),
        runtimeUrl: (p) => cri.exec({ container_id: containerId, cmd: p.command, tty: p.tty, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr }).then((r) => r.url),
        log,
      });
    });
    kubelet.listen(0, '127.0.0.1');
    await once(kubelet, 'listening');
    port = (kubelet.address() as AddressInfo).port;
  });

  after(async () => {
    try {
      for (const s of sockets) s.destroy();
      if (kubelet) await new Promise((r) => kubelet!.close(r));
      await h?.stop();
      await cleanupNode({ ...dirs, bridge, cgroupParent, log });
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  const q = (cmd: string[], flags: string) => `${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

  function wsExec(query: string, protocol: string, drive: (ws: WebSocket) => void): Promise<Collected> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/exec/default/box/box?${query}`, [protocol]);
    const channels = new Map<number, Buffer>();
    ws.on('message', (d: Buffer) => {
      const ch = d[0] ?? -1;
      channels.set(ch, Buffer.concat([channels.get(ch) ?? Buffer.alloc(0), d.subarray(1)]));
    });
    ws.on('open', () => drive(ws));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('exec did not finish')), 20_000);
      ws.on('close', (code: number) => {
        clearTimeout(timer);
        resolve({ channels, code });
      });
      ws.on('error', reject);
    });
  }
  const text = (r: Collected, ch: number) => r.channels.get(ch)?.toString() ?? '';

  test('v5: stdout, stderr and the exit code Status from containerd', async () => {
    const r = await wsExec(q(['sh', '-c', 'echo out; echo err >&2; exit 3'], 'stdout=true&stderr=true'), 'v5.channel.k8s.io', () => undefined);
    assert.equal(text(r, 1), 'out\n');
    assert.equal(text(r, 2), 'err\n');
    const st = JSON.parse(text(r, 3)) as { status: string; reason: string; message: string; details: { causes: Array<{ reason: string; message: string }> } };
    assert.equal(st.status, 'Failure');
    assert.equal(st.reason, 'NonZeroExitCode');
    assert.deepEqual(st.details.causes, [{ reason: 'ExitCode', message: '3' }]);
    assert.equal(r.code, 1000);
    const ok = await wsExec(q(['true'], 'stdout=true&stderr=true'), 'v5.channel.k8s.io', () => undefined);
    assert.equal(statusOf(text(ok, 3)).status, 'Success');
  });

  test('v5: stdin half-close reaches the process (what kubectl cp uploads need)', async () => {
    const payload = randomBytes(2 * 1024 * 1024);
    const r = await wsExec(q(['busybox', 'wc', '-c'], 'stdin=true&stdout=true&stderr=true'), 'v5.channel.k8s.io', (ws) => {
      for (let i = 0; i < payload.length; i += 30_000) ws.send(Buffer.concat([Buffer.from([0]), payload.subarray(i, i + 30_000)]));
      ws.send(Buffer.from([255, 0]));
    });
    assert.equal(text(r, 1).trim(), String(payload.length), `stderr=${text(r, 2)} status=${text(r, 3)} code=${r.code}`);
    assert.equal(statusOf(text(r, 3)).status, 'Success');
  });

  test('v5 with a tty: the resize reaches the terminal', async () => {
    const r = await wsExec(q(['sh', '-c', 'sleep 0.5; stty size'], 'stdin=true&stdout=true&tty=true'), 'v5.channel.k8s.io', (ws) => {
      ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":123,"Height":45}')]));
    });
    assert.match(text(r, 1), /45 123/);
  });

  test('v4 (the Python client) with text frames', async () => {
    const r = await wsExec(q(['sh', '-c', 'head -c 5; echo; exit 4'], 'stdin=True&stdout=True&stderr=True&tty=False'), 'v4.channel.k8s.io', (ws) => ws.send('\u0000hello'));
    assert.equal(text(r, 1), 'hello\n');
    assert.equal(statusOf(text(r, 3)).reason, 'NonZeroExitCode');
  });

  test('SPDY exec (kubectl fallback) end to end', async () => {
    const s = connect(port, '127.0.0.1');
    await once(s, 'connect');
    s.write(`POST /exec/default/box/box?${q(['cat'], 'stdin=true&stdout=true&stderr=true')} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v5.channel.k8s.io\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n`);
    let buf = Buffer.alloc(0);
    while (buf.indexOf('\r\n\r\n') < 0) buf = Buffer.concat([buf, ((await once(s, 'data')) as [Buffer])[0]]);
    s.removeAllListeners('data');
    const end = buf.indexOf('\r\n\r\n');
    assert.match(buf.subarray(0, end).toString(), /^HTTP\/1.1 101/);
    const session = new SpdySession(s, { role: 'client', head: buf.subarray(end + 4) });
    try {
      const open = async (t: string): Promise<SpdyStream> => {
        const st = session.openStream({ streamType: t });
        await st.ready();
        return st;
      };
      const error = await open('error');
      const stdin = await open('stdin');
      const stdout = await open('stdout');
      const stderr = await open('stderr');
      const [out, , status] = [readAll(stdout), readAll(stderr), readAll(error)];
      stdin.end('spdy round trip');
      assert.equal((await out).toString(), 'spdy round trip');
      assert.equal(statusOf((await status).toString()).status, 'Success');
    } finally {
      session.destroy();
    }
  });

  /** One forwarded connection (kubectl's error + data pair) echoing `payload` through the pod's port 8080. */
  async function echoThroughPod(session: SpdySession, requestID: string, payload: Buffer): Promise<void> {
    const error = session.openStream({ streamType: 'error', port: '8080', requestID });
    await error.ready();
    error.end();
    const data = session.openStream({ streamType: 'data', port: '8080', requestID });
    await data.ready();
    const chunks: Buffer[] = [];
    let got = 0;
    const back = new Promise<void>((resolve) =>
      data.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (got >= payload.length) resolve();
      }),
    );
    data.write(payload);
    await back;
    assert.ok(Buffer.concat(chunks).equals(payload));
    data.end();
  }

  test('port-forward over plain SPDY to the pod port, through containerd', async () => {
    const s = connect(port, '127.0.0.1');
    await once(s, 'connect');
    s.write(`POST /portForward/default/box HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n`);
    let buf = Buffer.alloc(0);
    while (buf.indexOf('\r\n\r\n') < 0) buf = Buffer.concat([buf, ((await once(s, 'data')) as [Buffer])[0]]);
    s.removeAllListeners('data');
    const end = buf.indexOf('\r\n\r\n');
    const session = new SpdySession(s, { role: 'client', head: buf.subarray(end + 4) });
    try {
      await echoThroughPod(session, '0', randomBytes(512 * 1024));
    } finally {
      session.destroy();
    }
  });

  test('port-forward as kubectl 1.32 does it: SPDY tunnelled in a WebSocket, two connections at once', async () => {
    const ws = await rawWebSocket(port, '/portForward/default/box', 'SPDY/3.1+portforward.k8s.io');
    assert.equal(ws.protocol, 'SPDY/3.1+portforward.k8s.io');
    const session = new SpdySession(ws.duplex, { role: 'client' });
    try {
      await Promise.all([echoThroughPod(session, '0', randomBytes(300 * 1024)), echoThroughPod(session, '1', Buffer.from('second connection'))]);
    } finally {
      session.destroy();
    }
  });

  test('port-forward for the Python client (v4 channels) to the pod port', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/portForward/default/box?ports=8080`, ['v4.channel.k8s.io']);
    const channels = new Map<number, Buffer>();
    let wake = () => undefined as void;
    ws.on('message', (d: Buffer) => {
      const ch = d[0] ?? -1;
      channels.set(ch, Buffer.concat([channels.get(ch) ?? Buffer.alloc(0), d.subarray(1)]));
      wake();
    });
    await once(ws, 'open');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('through the pod')]));
    const deadline = Date.now() + 10_000;
    while ((channels.get(0)?.length ?? 0) < 2 + 15 && Date.now() < deadline) await new Promise<void>((r) => (wake = r));
    assert.equal(channels.get(0)!.readUInt16LE(0), 8080);
    assert.equal(channels.get(0)!.subarray(2).toString(), 'through the pod');
    ws.close();
  });
});
