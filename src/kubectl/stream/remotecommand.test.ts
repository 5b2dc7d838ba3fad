import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { acceptWebSocket, ChannelConn, negotiateProtocol, WS_PROTOCOLS } from '../../util/wsstream.js';
import { CliError } from '../errors.js';
import { decodeStatus, execQuery, streamRemoteCommand, type TerminalSize } from './remotecommand.js';

/** What the fake server saw and how it answers one session. */
interface Seen {
  url: string;
  protocols: string;
  authorization: string | undefined;
  stdin: string;
  stdinClosed: boolean;
  resizes: string[];
}

type Script = (conn: ChannelConn, seen: Seen) => Promise<void>;

async function fakeServer(script: Script, o: { supported?: string[]; refuse?: { code: number; body: string } } = {}): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    if (o.refuse) {
      socket.end(`HTTP/1.1 ${o.refuse.code} Nope\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(o.refuse.body)}\r\n\r\n${o.refuse.body}`);
      return;
    }
    const s: Seen = { url: req.url ?? '', protocols: String(req.headers['sec-websocket-protocol']), authorization: req.headers.authorization, stdin: '', stdinClosed: false, resizes: [] };
    seen.push(s);
    const protocol = negotiateProtocol(req, o.supported ?? [WS_PROTOCOLS.v5, WS_PROTOCOLS.v4]) ?? '';
    void acceptWebSocket(req, socket, head, protocol, (ws) => new ChannelConn(ws, protocol, [0, 4])).then(async (conn) => {
      conn.incoming(0).on('data', (c: Buffer) => (s.stdin += c.toString()));
      conn.incoming(0).on('end', () => (s.stdinClosed = true));
      conn.incoming(4).on('data', (c: Buffer) => s.resizes.push(c.toString()));
      await script(conn, s);
      conn.close(1000);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }) as Writable & { text: () => string };
  w.text = () => Buffer.concat(chunks).toString();
  return w;
}

const success = JSON.stringify({ metadata: {}, status: 'Success' });
const exitWith = (code: number) =>
  JSON.stringify({ metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: exit status ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });

test('stdout, stderr and a non-zero exit become output and `command terminated with exit code 7`', async () => {
  const { server, url, seen } = await fakeServer(async (conn) => {
    await conn.send(1, 'out\n');
    await conn.send(2, 'err\n');
    await conn.send(3, exitWith(7));
  });
  const stdout = sink();
  const stderr = sink();
  try {
    const query = execQuery({ command: ['sh', '-c', 'exit 7'], container: 'c', stdin: false, stdout: true, stderr: true, tty: false });
    const err = await streamRemoteCommand({ server: url, token: 'secret' }, { path: '/api/v1/namespaces/default/pods/p/exec', query, stdout, stderr }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CliError);
    assert.equal(err.message, 'command terminated with exit code 7');
    assert.equal(err.exitCode, 7);
    assert.equal(err.options.raw, true);
    assert.equal(stdout.text(), 'out\n');
    assert.equal(stderr.text(), 'err\n');
    assert.equal(seen[0]!.url, '/api/v1/namespaces/default/pods/p/exec?command=sh&command=-c&command=exit+7&container=c&stderr=true&stdout=true');
    assert.equal(seen[0]!.protocols, 'v5.channel.k8s.io, v4.channel.k8s.io');
    // Over plain HTTP a bearer token is never sent (client-go applies credentials only over TLS).
    assert.equal(seen[0]!.authorization, undefined);
  } finally {
    server.close();
  }
});

test('stdin is sent and its end is signalled with v5 [255, 0]; the session ends with Success', async () => {
  const { server, url, seen } = await fakeServer(async (conn, s) => {
    await new Promise<void>((r) => conn.incoming(0).once('end', () => r()));
    await conn.send(1, s.stdin.toUpperCase());
    await conn.send(3, success);
  });
  const stdout = sink();
  try {
    await streamRemoteCommand({ server: url }, { path: '/x', query: {}, stdin: Readable.from([Buffer.from('hello '), Buffer.from('stdin\n')]), stdout });
    assert.equal(stdout.text(), 'HELLO STDIN\n');
    assert.equal(seen[0]!.stdinClosed, true);
  } finally {
    server.close();
  }
});

test('v4, when the server picks it: no half-close, the status decides alone', async () => {
  const { server, url, seen } = await fakeServer(
    async (conn, s) => {
      await new Promise((r) => setTimeout(r, 50));
      await conn.send(1, `got ${s.stdin}`);
      await conn.send(3, exitWith(3));
    },
    { supported: [WS_PROTOCOLS.v4] },
  );
  const stdout = sink();
  try {
    const stdin = new PassThrough();
    stdin.end('abc');
    const err = await streamRemoteCommand({ server: url }, { path: '/x', query: {}, stdin, stdout }).then(() => undefined, (e: unknown) => e);
    assert.equal((err as CliError).exitCode, 3);
    assert.equal(stdout.text(), 'got abc');
    assert.equal(seen[0]!.stdinClosed, false);
  } finally {
    server.close();
  }
});

test('terminal sizes go to the resize channel as {"Width","Height"}', async () => {
  const { server, url, seen } = await fakeServer(async (conn) => {
    await new Promise((r) => setTimeout(r, 50));
    await conn.send(3, success);
  });
  try {
    const sizes: AsyncIterable<TerminalSize> = Readable.from([
      { width: 81, height: 25 },
      { width: 80, height: 24 },
    ]);
    await streamRemoteCommand({ server: url }, { path: '/x', query: {}, resizes: sizes });
    assert.deepEqual(seen[0]!.resizes, ['{"Width":81,"Height":25}', '{"Width":80,"Height":24}']);
  } finally {
    server.close();
  }
});

test('a refused upgrade with a Status body is that ApiError; other bodies read "unable to upgrade connection"', async () => {
  const status = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'container nope is not valid for pod p', reason: 'BadRequest', code: 400 });
  const a = await fakeServer(() => Promise.resolve(), { refuse: { code: 400, body: status } });
  const b = await fakeServer(() => Promise.resolve(), { refuse: { code: 502, body: 'bad gateway\n' } });
  try {
    await assert.rejects(streamRemoteCommand({ server: a.url }, { path: '/x', query: {} }), (e: Error) => e.name === 'ApiError' && e.message === 'container nope is not valid for pod p');
    await assert.rejects(streamRemoteCommand({ server: b.url }, { path: '/x', query: {} }), /^CliError: unable to upgrade connection: bad gateway$/);
  } finally {
    a.server.close();
    b.server.close();
  }
});

test('a connection that closes without a status is an error reading the error stream', async () => {
  const { server, url } = await fakeServer(async (conn) => {
    await conn.send(1, 'partial');
    conn.ws.terminate();
    await new Promise((r) => setTimeout(r, 10));
  });
  try {
    await assert.rejects(streamRemoteCommand({ server: url }, { path: '/x', query: {}, stdout: sink() }), /error reading from error stream/);
  } finally {
    server.close();
  }
});

const statuses: { name: string; text: string; want: RegExp | undefined; code?: number }[] = [
  { name: 'empty (v4 servers that just close)', text: '', want: undefined },
  { name: 'Success', text: success, want: undefined },
  { name: 'exit code 255', text: exitWith(255), want: /^command terminated with exit code 255$/, code: 255 },
  { name: 'another failure: its message', text: JSON.stringify({ status: 'Failure', message: 'container not running' }), want: /^container not running$/ },
  { name: 'no details', text: JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode' }), want: /details must be set/ },
  { name: 'no ExitCode cause', text: JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [] } }), want: /no ExitCode cause given/ },
  { name: 'a bad exit code', text: JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '300' }] } }), want: /invalid exit code value "300"/ },
  { name: 'not JSON', text: 'oops', want: /error stream protocol error: .* in "oops"/ },
  { name: 'unknown status', text: JSON.stringify({ status: 'Weird' }), want: /unknown error/ },
];

for (const c of statuses) {
  test(`decodeStatus: ${c.name}`, () => {
    const e = decodeStatus(c.text);
    if (!c.want) return assert.equal(e, undefined);
    assert.ok(e instanceof CliError);
    assert.match(e.message, c.want);
    assert.equal(e.exitCode, c.code ?? 1);
  });
}
