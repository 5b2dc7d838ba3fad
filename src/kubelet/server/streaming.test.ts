import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createLogger } from '../../util/log.js';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import { startFakeRuntime, type FakeRuntime } from './streaming/fake-runtime.js';
import { rawWebSocket } from './streaming/raw-ws-client.js';
import { parseExecQuery, serveExec, servePortForward } from './streaming.js';

const log = createLogger('streaming-test', { write: () => true } as unknown as NodeJS.WritableStream);
let runtime: FakeRuntime;
let kubelet: Server;
let port: number;
let echo: ReturnType<typeof createTcpServer>;
let echoPort: number;
const sockets = new Set<Socket>();

before(async () => {
  runtime = await startFakeRuntime();
  // The kubelet side: what the kubelet's HTTPS server does after resolving the container.
  kubelet = createHttpServer((_req, res) => res.writeHead(400).end());
  kubelet.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://kubelet.invalid');
    if (url.pathname.startsWith('/portForward')) {
      servePortForward(req, socket, head, { runtimeUrl: () => Promise.resolve(runtime.portForwardUrl()), log });
      return;
    }
    let params;
    try {
      params = parseExecQuery(url);
    } catch (e) {
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n${String(e)}`);
      return;
    }
    serveExec(req, socket, head, { params, runtimeUrl: (p) => Promise.resolve(runtime.execUrl(p)), log });
  });
  kubelet.listen(0, '127.0.0.1');
  await once(kubelet, 'listening');
  port = (kubelet.address() as AddressInfo).port;
  echo = createTcpServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  echoPort = (echo.address() as AddressInfo).port;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => kubelet.close(r));
  await new Promise((r) => echo.close(r));
  await runtime.close();
});

const q = (cmd: string[], flags: Record<string, string>) => [...cmd.map((c) => `command=${encodeURIComponent(c)}`), ...Object.entries(flags).map(([k, v]) => `${k}=${v}`)].join('&');

interface WsResult {
  channels: Map<number, Buffer>;
  code: number;
  protocol: string;
}

/** Runs an exec over WebSocket; `drive` sends frames once open. */
function wsExec(path: string, protocol: string, drive: (ws: WebSocket) => void): Promise<WsResult> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, [protocol]);
  const channels = new Map<number, Buffer>();
  ws.on('message', (data: Buffer) => {
    const ch = data[0] ?? -1;
    channels.set(ch, Buffer.concat([channels.get(ch) ?? Buffer.alloc(0), data.subarray(1)]));
  });
  ws.on('open', () => drive(ws));
  return new Promise((resolve, reject) => {
    ws.on('close', (code: number) => resolve({ channels, code, protocol: ws.protocol }));
    ws.on('error', reject);
  });
}

const text = (r: WsResult, ch: number) => r.channels.get(ch)?.toString() ?? '';

test('parseExecQuery reads Go-style booleans and repeated commands', () => {
  const p = parseExecQuery(new URL('http://x/exec/ns/p/c?command=ls&command=-l&stdin=True&stdout=1&stderr=true&tty=false'));
  assert.deepEqual(p, { command: ['ls', '-l'], stdin: true, stdout: true, stderr: true, tty: false });
  assert.equal(parseExecQuery(new URL('http://x/?stderr=true&tty=t')).stderr, false, 'a tty has no separate stderr');
  assert.throws(() => parseExecQuery(new URL('http://x/?stdin=yes')), /invalid value for stdin/);
});

test('WebSocket v5: stdin reaches the command and its half-close ends it; Success status; close 1000', async () => {
  const r = await wsExec(`/exec/ns/p/c?${q(['cat'], { stdin: 'true', stdout: 'true', stderr: 'true' })}`, 'v5.channel.k8s.io', (ws) => {
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello ')]));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('world')]));
    ws.send(Buffer.from([255, 0])); // v5: stdin is done
  });
  assert.equal(r.protocol, 'v5.channel.k8s.io');
  assert.equal(text(r, 1), 'hello world');
  assert.deepEqual(JSON.parse(text(r, 3)), { metadata: {}, status: 'Success' });
  assert.equal(r.code, 1000);
  const call = runtime.calls.at(-1)!;
  assert.equal(call.method, 'POST');
  assert.equal(call.protocol, 'v4.channel.k8s.io');
  assert.deepEqual(call.streams.map((s) => s['streamtype']), ['error', 'stdin', 'stdout', 'stderr']);
});

test('WebSocket v5: a big stdin upload (kubectl cp) arrives whole before EOF', async () => {
  const payload = randomBytes(3 * 1024 * 1024);
  const r = await wsExec(`/exec/ns/p/c?${q(['count-stdin'], { stdin: 'true', stdout: 'true', stderr: 'true' })}`, 'v5.channel.k8s.io', (ws) => {
    for (let i = 0; i < payload.length; i += 32 * 1024) ws.send(Buffer.concat([Buffer.from([0]), payload.subarray(i, i + 32 * 1024)]));
    ws.send(Buffer.from([255, 0]));
  });
  assert.equal(text(r, 1), `${payload.length}\n`);
});

test('WebSocket v5: stdout, stderr and the non-zero exit code Status', async () => {
  const r = await wsExec(`/exec/ns/p/c?${q(['emit', 'out\n', 'err\n', '3'], { stdout: 'true', stderr: 'true' })}`, 'v5.channel.k8s.io', () => undefined);
  assert.equal(text(r, 1), 'out\n');
  assert.equal(text(r, 2), 'err\n');
  const st = JSON.parse(text(r, 3)) as { status: string; reason: string; details: { causes: Array<{ reason: string; message: string }> } };
  assert.equal(st.status, 'Failure');
  assert.equal(st.reason, 'NonZeroExitCode');
  assert.deepEqual(st.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  assert.equal(r.code, 1000);
});

test('WebSocket v5 with a tty: resize JSON passes through to the runtime', async () => {
  const r = await wsExec(`/exec/ns/p/c?${q(['size'], { stdin: 'true', stdout: 'true', tty: 'true' })}`, 'v5.channel.k8s.io', (ws) => {
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":40}')]));
  });
  assert.equal(text(r, 1), '100x40\n');
  assert.deepEqual(runtime.calls.at(-1)!.streams.map((s) => s['streamtype']), ['error', 'stdin', 'stdout', 'resize']);
});

test('WebSocket v4 (the Python client): text frames for stdin, the same Status JSON', async () => {
  const r = await wsExec(`/exec/ns/p/c?${q(['emit', 'hi', '', '0'], { stdin: 'False', stdout: 'True', stderr: 'True', tty: 'False' })}`, 'v4.channel.k8s.io', (ws) => ws.send('\u0000ignored'));
  assert.equal(r.protocol, 'v4.channel.k8s.io');
  assert.equal(text(r, 1), 'hi');
  assert.deepEqual(JSON.parse(text(r, 3)), { metadata: {}, status: 'Success' });
  const r2 = await wsExec(`/exec/ns/p/c?${q(['emit', '', 'bad', '2'], { stdout: 'True', stderr: 'True' })}`, 'v4.channel.k8s.io', () => undefined);
  assert.equal(text(r2, 2), 'bad');
  assert.equal((JSON.parse(text(r2, 3)) as { reason: string }).reason, 'NonZeroExitCode');
});

test('an unsupported WebSocket protocol, or no stream at all, is refused before the upgrade', async () => {
  const res = await rawRequest(`GET /exec/ns/p/c?${q(['cat'], { stdout: 'true' })} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v9.channel.k8s.io\r\n\r\n`);
  assert.match(res, /^HTTP\/1.1 400/);
  assert.match(res, /requested protocol\(s\) are not supported/);
  const res2 = await rawRequest(`POST /exec/ns/p/c?${q(['cat'], {})} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
  assert.match(res2, /^HTTP\/1.1 400/);
  assert.match(res2, /you must specify at least 1 of stdin, stdout, stderr/);
});

function rawRequest(text: string): Promise<string> {
  const s = connect(port, '127.0.0.1');
  s.write(text);
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => s.on('close', () => resolve(Buffer.concat(chunks).toString())));
}

/** kubectl's SPDY fallback: POST + Upgrade: SPDY/3.1 with the protocols it offers. */
async function spdyConnect(path: string, protocols: string[]): Promise<{ session: SpdySession; protocol: string }> {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${protocols.map((p) => `X-Stream-Protocol-Version: ${p}\r\n`).join('')}Content-Length: 0\r\n\r\n`);
  let buf = Buffer.alloc(0);
  for (;;) {
    const [c] = (await once(s, 'data')) as [Buffer];
    buf = Buffer.concat([buf, c]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) continue;
    s.pause();
    const head = buf.subarray(0, end).toString();
    assert.match(head, /^HTTP\/1.1 101/);
    const protocol = /x-stream-protocol-version: *(\S+)/i.exec(head)?.[1] ?? '';
    s.removeAllListeners('data');
    return { session: new SpdySession(s, { role: 'client', head: buf.subarray(end + 4) }), protocol };
  }
}

function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => s.once('end', () => resolve(Buffer.concat(chunks))));
}

test('SPDY exec (kubectl fallback): streams by type, stdin FIN, stdout FIN, Status on the error stream', async () => {
  const { session, protocol } = await spdyConnect(`/exec/ns/p/c?${q(['cat'], { stdin: 'true', stdout: 'true', stderr: 'true' })}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
  try {
    assert.equal(protocol, 'v5.channel.k8s.io');
    const open = async (type: string) => {
      const st = session.openStream({ streamType: type });
      await st.ready();
      return st;
    };
    const error = await open('error');
    const stdin = await open('stdin');
    const stdout = await open('stdout');
    const stderr = await open('stderr');
    const [out, err, status] = [readAll(stdout), readAll(stderr), readAll(error)];
    stdin.end('via spdy');
    assert.equal((await out).toString(), 'via spdy');
    assert.equal((await err).toString(), '');
    assert.deepEqual(JSON.parse((await status).toString()), { metadata: {}, status: 'Success' });
    await session.closed;
  } finally {
    session.destroy();
  }
});

test('SPDY exec with an old protocol gets the failure message as text', async () => {
  const { session, protocol } = await spdyConnect(`/exec/ns/p/c?${q(['emit', '', '', '4'], { stdout: 'true' })}`, ['v3.channel.k8s.io']);
  try {
    assert.equal(protocol, 'v3.channel.k8s.io');
    const error = session.openStream({ streamType: 'error' });
    await error.ready();
    const stdout = session.openStream({ streamType: 'stdout' });
    const status = readAll(error);
    await readAll(stdout);
    assert.match((await status).toString(), /^command terminated with non-zero exit code: .*exit code 4$/);
  } finally {
    session.destroy();
  }
});

/** Opens one forwarded connection (error + data pair) on a kubectl-style session and echoes `payload`. */
async function forwardOnce(session: SpdySession, requestID: string, payload: Buffer): Promise<Buffer> {
  const error: SpdyStream = session.openStream({ streamType: 'error', port: String(echoPort), requestID });
  await error.ready();
  error.end(); // kubectl never writes to its error stream
  const data = session.openStream({ streamType: 'data', port: String(echoPort), requestID });
  await data.ready();
  const back = readAll(data);
  data.end(payload);
  return back;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('port-forward: kubectl over SPDY-in-WebSocket relays pairs by requestID, both ways', async () => {
  const ws = await rawWebSocket(port, '/portForward/ns/p', 'SPDY/3.1+portforward.k8s.io');
  assert.equal(ws.protocol, 'SPDY/3.1+portforward.k8s.io');
  const session = new SpdySession(ws.duplex, { role: 'client' });
  try {
    const big = randomBytes(1024 * 1024);
    const [a, b] = await Promise.all([forwardOnce(session, '0', Buffer.from('ping')), forwardOnce(session, '1', big)]);
    assert.equal(a.toString(), 'ping');
    assert.equal(sha(b), sha(big));
    const call = runtime.calls.at(-1)!;
    assert.equal(call.protocol, 'portforward.k8s.io');
    assert.deepEqual(new Set(call.streams.map((s) => `${s['streamtype']}/${s['requestid']}/${s['port']}`)), new Set([`error/0/${echoPort}`, `data/0/${echoPort}`, `error/1/${echoPort}`, `data/1/${echoPort}`]));
  } finally {
    session.destroy();
  }
});

test('port-forward: plain SPDY (kubectl fallback) and a refused port reports on the error stream', async () => {
  const { session, protocol } = await spdyConnect('/portForward/ns/p', ['portforward.k8s.io']);
  try {
    assert.equal(protocol, 'portforward.k8s.io');
    assert.equal((await forwardOnce(session, '7', Buffer.from('plain'))).toString(), 'plain');
    const error = session.openStream({ streamType: 'error', port: '1', requestID: '8' });
    await error.ready();
    const msg = readAll(error);
    const data = session.openStream({ streamType: 'data', port: '1', requestID: '8' });
    await data.ready();
    assert.match((await msg).toString(), /error forwarding port 1/);
  } finally {
    session.destroy();
  }
});

test('port-forward: the Python client over v4 channels (port prefix, data both ways)', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/portForward/ns/p?ports=${echoPort}`, ['v4.channel.k8s.io']);
  const channels = new Map<number, Buffer>();
  let got = () => undefined as void;
  ws.on('message', (d: Buffer) => {
    const ch = d[0] ?? -1;
    channels.set(ch, Buffer.concat([channels.get(ch) ?? Buffer.alloc(0), d.subarray(1)]));
    got();
  });
  await once(ws, 'open');
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise<void>((r) => (got = r));
  };
  await until(() => (channels.get(0)?.length ?? 0) >= 2 && (channels.get(1)?.length ?? 0) >= 2);
  assert.equal(channels.get(0)!.readUInt16LE(0), echoPort);
  assert.equal(channels.get(1)!.readUInt16LE(0), echoPort);
  ws.send('\u0000python says hi'); // text opcode, as the Python client sends
  await until(() => (channels.get(0)?.length ?? 0) >= 2 + 'python says hi'.length);
  assert.equal(channels.get(0)!.subarray(2).toString(), 'python says hi');
  ws.close();
  await once(ws, 'close');
});
