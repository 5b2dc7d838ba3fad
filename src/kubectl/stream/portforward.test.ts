import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import { acceptWebSocket, webSocketDuplex, WS_PROTOCOLS } from '../../util/wsstream.js';
import { forwardPorts, klogError, parseAddresses, parsePorts, type ForwardedPort } from './portforward.js';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

/**
 * A stand-in for the API server's port-forward: the SPDY/3.1 tunnel in a WebSocket; each data
 * stream is connected to 127.0.0.1:<port header>, except port 1, whose error stream says "boom"
 * (and whose data stream just ends).
 */
async function fakeApiServer(): Promise<{ url: string; headers: Record<string, string>[]; close: () => void }> {
  const headers: Record<string, string>[] = [];
  const sessions: SpdySession[] = [];
  const server = createHttpServer();
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    void acceptWebSocket(req, socket, head, WS_PROTOCOLS.spdyTunnel, (ws) => {
      const session = new SpdySession(webSocketDuplex(ws), { role: 'server' });
      sessions.push(session);
      session.on('stream', (s: SpdyStream) => {
        headers.push({ streamType: s.header('streamType') ?? '', port: s.header('port') ?? '', requestID: s.header('requestID') ?? '' });
        s.reply();
        const port = Number(s.header('port'));
        if (s.header('streamType') === 'error') {
          s.resume();
          if (port === 1) s.end('boom');
          else s.end();
          return;
        }
        // The runtime could not connect: it says why on the error stream and closes the data stream.
        if (port === 1) return void s.resume().end();
        const up = connect(port, '127.0.0.1');
        up.on('error', () => s.reset());
        s.pipe(up);
        up.pipe(s);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers,
    close: () => {
      for (const s of sessions) s.destroy();
      server.close();
    },
  };
}

async function echoServer(): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createServer((c) => {
    sockets.add(c);
    c.pipe(c);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
}

async function roundTrip(port: number, text: string): Promise<string> {
  const c = connect(port, '127.0.0.1');
  await once(c, 'connect');
  c.end(text);
  let got = '';
  for await (const chunk of c) got += (chunk as Buffer).toString();
  return got;
}

test('port-forward: local connections reach the pod port through the SPDY-over-WebSocket tunnel', async () => {
  const api = await fakeApiServer();
  const echo = await echoServer();
  const out = sink();
  const errOut = sink();
  const stop = new AbortController();
  let ready: (p: ForwardedPort[]) => void = () => undefined;
  const readyP = new Promise<ForwardedPort[]>((r) => (ready = r));
  const running = forwardPorts({ server: api.url }, { path: '/api/v1/namespaces/default/pods/p/portforward', addresses: parseAddresses(['127.0.0.1']), ports: parsePorts([`:${echo.port}`]), out, errOut, signal: stop.signal, onReady: ready });
  try {
    const [port] = await readyP;
    const local = port!.local;
    assert.notEqual(local, 0);
    assert.equal(await roundTrip(local, 'hello through the tunnel'), 'hello through the tunnel');
    assert.equal(await roundTrip(local, 'again'), 'again');
    assert.equal(out.text(), `Forwarding from 127.0.0.1:${local} -> ${echo.port}\nHandling connection for ${local}\nHandling connection for ${local}\n`);
    assert.deepEqual(api.headers.slice(0, 2), [
      { streamType: 'error', port: String(echo.port), requestID: '0' },
      { streamType: 'data', port: String(echo.port), requestID: '0' },
    ]);
    assert.equal(api.headers[3]?.requestID, '1');
    stop.abort();
    await running;
    assert.equal(errOut.text(), '');
  } finally {
    stop.abort();
    echo.close();
    api.close();
  }
});

test('port-forward: an error from the pod side ends the session with "lost connection to pod"', async () => {
  const api = await fakeApiServer();
  const out = sink();
  const errOut = sink();
  const stop = new AbortController();
  let ready: (p: ForwardedPort[]) => void = () => undefined;
  const readyP = new Promise<ForwardedPort[]>((r) => (ready = r));
  const running = forwardPorts({ server: api.url }, { path: '/x', addresses: parseAddresses(['127.0.0.1']), ports: parsePorts(['0:1']), out, errOut, signal: stop.signal, onReady: ready });
  try {
    const [port] = await readyP;
    const c = connect(port!.local, '127.0.0.1');
    c.on('error', () => undefined);
    c.end('x');
    await assert.rejects(running, /^CliError: lost connection to pod$/);
    assert.match(errOut.text(), new RegExp(`^E\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ portforward\\.go:424\\] "Unhandled Error" err="an error occurred forwarding ${port!.local} -> 1: boom"\\n$`));
  } finally {
    stop.abort();
    api.close();
  }
});

test('port-forward: a refused upgrade reads "error upgrading connection: …"', async () => {
  const server = createHttpServer();
  server.on('upgrade', (_req, socket) => {
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pods "p" not found', reason: 'NotFound', code: 404 });
    socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await assert.rejects(forwardPorts({ server: url }, { path: '/x', addresses: parseAddresses(['localhost']), ports: parsePorts(['8080:80']), out: sink(), errOut: sink(), signal: new AbortController().signal }), /^CliError: error upgrading connection: pods "p" not found$/);
  } finally {
    server.close();
  }
});

const portCases: { spec: string; want: ForwardedPort | RegExp }[] = [
  { spec: '5000', want: { local: 5000, remote: 5000 } },
  { spec: '8888:5000', want: { local: 8888, remote: 5000 } },
  { spec: ':5000', want: { local: 0, remote: 5000 } },
  { spec: '0:5000', want: { local: 0, remote: 5000 } },
  { spec: '1:2:3', want: /^CliError: invalid port format '1:2:3'$/ },
  { spec: 'abc:80', want: /^CliError: error parsing local port 'abc': strconv.ParseUint: parsing "abc": invalid syntax$/ },
  { spec: '80:70000', want: /^CliError: error parsing remote port '70000': strconv.ParseUint: parsing "70000": value out of range$/ },
  { spec: '80:0', want: /^CliError: remote port must be > 0$/ },
];

for (const c of portCases) {
  test(`parsePorts(${JSON.stringify(c.spec)})`, () => {
    if (c.want instanceof RegExp) assert.throws(() => parsePorts([c.spec]), c.want);
    else assert.deepEqual(parsePorts([c.spec]), [c.want]);
  });
}

test('parseAddresses: localhost is both loopbacks, sorted; IPs must be IPs', () => {
  assert.deepEqual(parseAddresses(['localhost']).map((a) => [a.address, a.family, a.failureMode]), [['127.0.0.1', 4, 'all'], ['::1', 6, 'all']]);
  assert.deepEqual(parseAddresses(['0.0.0.0', 'localhost', '127.0.0.1']).map((a) => a.address), ['0.0.0.0', '127.0.0.1', '::1']);
  assert.equal(parseAddresses(['127.0.0.1', 'localhost'])[0]?.failureMode, 'any');
  assert.throws(() => parseAddresses(['example.com']), /^CliError: example\.com is not a valid IP$/);
});

test('klogError: klog header, then the message quoted', () => {
  assert.equal(klogError('x "y"', new Date(2024, 0, 2, 3, 4, 5, 6)), `E0102 03:04:05.006000 ${String(process.pid).padStart(7)} portforward.go:424] "Unhandled Error" err="x \\"y\\""\n`);
});
