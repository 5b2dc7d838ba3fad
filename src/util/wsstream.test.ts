import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { acceptWebSocket, ChannelConn, negotiateProtocol, webSocketDuplex, WS_PROTOCOLS } from './wsstream.js';

let server: Server;
let port: number;
/** What the server side does with each accepted connection. */
let onConn: (conn: ChannelConn) => void = () => undefined;

before(async () => {
  server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const protocol = negotiateProtocol(req, [WS_PROTOCOLS.v5, WS_PROTOCOLS.v4, WS_PROTOCOLS.v4Base64, 'raw']);
    if (protocol === undefined) return void socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    if (protocol === 'raw') {
      // Echo a raw byte stream.
      void acceptWebSocket(req, socket, head, protocol, (ws) => webSocketDuplex(ws)).then((d) => d.pipe(d));
      return;
    }
    void acceptWebSocket(req, socket, head, protocol, (ws) => new ChannelConn(ws, protocol, [0, 4])).then((c) => onConn(c));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((r) => server.close(() => r())));

function collect(ws: WebSocket): { frames: Array<{ data: Buffer; binary: boolean }>; closed: Promise<number> } {
  const frames: Array<{ data: Buffer; binary: boolean }> = [];
  ws.on('message', (data: Buffer, binary: boolean) => frames.push({ data, binary }));
  return { frames, closed: new Promise((r) => ws.on('close', (code: number) => r(code))) };
}

test('v5: channel frames both ways, [255, ch] ends a channel, binary and text opcodes accepted', async () => {
  onConn = (c) => {
    const chunks: Buffer[] = [];
    c.incoming(0).on('data', (b: Buffer) => chunks.push(b));
    c.incoming(0).on('end', () => {
      void c.send(1, Buffer.concat(chunks)).then(() => c.close(1000));
    });
  };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, [WS_PROTOCOLS.v5, WS_PROTOCOLS.v4]);
  const got = collect(ws);
  await once(ws, 'open');
  assert.equal(ws.protocol, WS_PROTOCOLS.v5, 'the server echoes the client first supported protocol');
  ws.send(Buffer.from([0, 0x61, 0x62]));
  ws.send('\u0000cd'); // text opcode, as the Python client sends
  ws.send(Buffer.from([255, 0]));
  assert.equal(await got.closed, 1000);
  assert.deepEqual(got.frames.map((f) => [...f.data]), [[1, 0x61, 0x62, 0x63, 0x64]]);
});

test('v4.base64: text frames with a channel digit and base64 payload', async () => {
  onConn = (c) => {
    c.incoming(0).once('data', (b: Buffer) => void c.send(2, Buffer.concat([Buffer.from('echo:'), b])).then(() => c.close()));
  };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, [WS_PROTOCOLS.v4Base64]);
  const got = collect(ws);
  await once(ws, 'open');
  ws.send('0' + Buffer.from([0, 1, 2, 255]).toString('base64'));
  await got.closed;
  const f = got.frames[0]!;
  assert.equal(f.binary, false);
  const s = f.data.toString();
  assert.equal(s[0], '2');
  assert.deepEqual([...Buffer.from(s.slice(1), 'base64')], [...Buffer.from('echo:'), 0, 1, 2, 255]);
});

test('the WebSocket closing ends every incoming channel', async () => {
  const ended = new Promise<void>((resolve) => {
    onConn = (c) => c.incoming(4).on('end', () => resolve()).resume();
  });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, [WS_PROTOCOLS.v4]);
  await once(ws, 'open');
  ws.close();
  await ended;
});

test('a raw byte stream tunnelled in binary messages, with a protocol name ws would not offer', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['raw']);
  await once(ws, 'open');
  const d = webSocketDuplex(ws);
  const chunks: Buffer[] = [];
  d.on('data', (c: Buffer) => chunks.push(c));
  d.write('hello ');
  d.write('tunnel');
  while (Buffer.concat(chunks).length < 12) await once(d, 'data');
  assert.equal(Buffer.concat(chunks).toString(), 'hello tunnel');
  d.end();
  await once(ws, 'close');
});

test('offers we do not speak are refused', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['v9.channel.k8s.io']);
  const err = await new Promise<Error>((r) => ws.on('error', r));
  assert.match(err.message, /400/);
});
