import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { constants, createDeflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSettings, encodeSynReply, encodeWindowUpdate, FrameParser, type Frame } from './frames.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderCodec } from './headers.js';
import { SpdySession, type SpdyStream } from './session.js';

/** Two connected TCP sockets on loopback. */
async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  const accepted = once(srv, 'connection') as Promise<[Socket]>;
  const client = connect(addr.port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = await accepted;
  return [client, server, () => srv.close()];
}

async function sessions(): Promise<{ client: SpdySession; server: SpdySession; done: () => void }> {
  const [a, b, close] = await socketPair();
  const client = new SpdySession(a, { role: 'client' });
  const server = new SpdySession(b, { role: 'server' });
  return { client, server, done: () => { client.destroy(); server.destroy(); close(); } };
}

/** Reads a stream to its end without destroying it (for-await would, closing the other direction too). */
function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    s.once('end', () => resolve(Buffer.concat(chunks)));
    s.once('error', reject);
  });
}

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('the SPDY/3 dictionary is the standard one', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(adler32(SPDY3_DICTIONARY), 0xe3c6a7c2);
});

test('header blocks round trip, lowercasing names and splitting NUL-joined values', async () => {
  const raw = encodeHeaderBlock({ streamType: 'data', Port: 8080, multi: ['a', 'b'] });
  assert.deepEqual(decodeHeaderBlock(raw), { streamtype: ['data'], port: ['8080'], multi: ['a', 'b'] });
  // One context per direction across many blocks, as a session uses it.
  const tx = new HeaderCodec();
  const rx = new HeaderCodec();
  for (let i = 0; i < 50; i++) {
    const block = await tx.compress({ requestid: String(i), big: 'x'.repeat(i * 700) });
    const h = await rx.decompress(block);
    assert.equal(h['requestid']?.[0], String(i));
    assert.equal(h['big']?.[0]?.length, i * 700);
  }
  tx.close();
  rx.close();
});

test('frames parse back from arbitrary chunk boundaries', () => {
  const bytes = Buffer.concat([
    encodeData(3, Buffer.from('hello'), true),
    encodeRstStream(5, 5),
    encodeSettings([{ flags: 0, id: 7, value: 65536 }]),
    encodePing(7),
    encodeGoAway(9, 0),
    encodeWindowUpdate(0, 1234),
    encodeSynReply(11, Buffer.from([1, 2, 3]), true),
  ]);
  for (const step of [1, 3, 7, bytes.length]) {
    const p = new FrameParser();
    const frames: Frame[] = [];
    for (let i = 0; i < bytes.length; i += step) {
      p.push(bytes.subarray(i, i + step));
      for (let f = p.next(); f; f = p.next()) frames.push(f);
    }
    assert.deepEqual(frames.map((f) => f.type), ['data', 'rst_stream', 'settings', 'ping', 'goaway', 'window_update', 'syn_reply']);
    const d = frames[0] as Extract<Frame, { type: 'data' }>;
    assert.equal(d.data.toString(), 'hello');
    assert.equal(d.fin, true);
    assert.deepEqual(frames[5], { type: 'window_update', streamId: 0, delta: 1234 });
  }
});

test('client and server exchange headers and data, and half-close each direction', async () => {
  const { client, server, done } = await sessions();
  try {
    const got = new Promise<SpdyStream>((r) => server.once('stream', r));
    const c = client.openStream({ streamType: 'stdin', Port: '80' });
    const s = await got;
    assert.equal(s.id, 1);
    assert.equal(s.header('streamType'), 'stdin');
    assert.equal(s.header('PORT'), '80');
    s.reply({ ok: 'yes' });
    await c.ready();
    assert.deepEqual(c.replyHeaders, { ok: ['yes'] });
    c.end('from client');
    assert.equal((await readAll(s)).toString(), 'from client');
    // The server's direction is still open after the client's FIN.
    s.end('from server');
    assert.equal((await readAll(c)).toString(), 'from server');
    // Server-initiated streams use even ids.
    const back = new Promise<SpdyStream>((r) => client.once('stream', r));
    const sv = server.openStream({ kind: 'push' });
    assert.equal(sv.id, 2);
    const cv = await back;
    cv.end('ack');
    assert.equal((await readAll(sv)).toString(), 'ack');
  } finally {
    done();
  }
});

test('a large transfer respects the receive window and completes', async () => {
  const { client, server, done } = await sessions();
  try {
    const got = new Promise<SpdyStream>((r) => server.once('stream', r));
    const c = client.openStream({ streamType: 'data' });
    const s = await got;
    s.reply();
    const payload = randomBytes(3 * 1024 * 1024 + 17);
    c.end(payload);
    // Nobody reads yet: the peer must stop at our 64 KiB window.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(s.readableLength <= 64 * 1024, `buffered ${s.readableLength} bytes beyond the window`);
    assert.ok(s.readableLength > 0);
    const body = await readAll(s);
    assert.equal(body.length, payload.length);
    assert.equal(sha(body), sha(payload));
    // And the other way, both directions at once.
    const p2 = randomBytes(2 * 1024 * 1024);
    const got2 = new Promise<SpdyStream>((r) => server.once('stream', r));
    const c2 = client.openStream({ n: '2' });
    const s2 = await got2;
    s2.end(p2);
    c2.end(p2);
    const [a, b] = await Promise.all([readAll(c2), readAll(s2)]);
    assert.equal(sha(a), sha(p2));
    assert.equal(sha(b), sha(p2));
  } finally {
    done();
  }
});

test('many concurrent streams each carry their own data', async () => {
  const { client, server, done } = await sessions();
  try {
    server.on('stream', (s: SpdyStream) => {
      // Echo with the request id prefixed.
      const id = s.header('requestID') ?? '?';
      void readAll(s).then((b) => s.end(Buffer.concat([Buffer.from(`${id}:`), b])));
    });
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const c = client.openStream({ requestID: String(i) });
        c.end(Buffer.alloc(1000 + i * 37, i % 251));
        return { i, body: await readAll(c) };
      }),
    );
    for (const { i, body } of results) {
      const prefix = `${i}:`;
      assert.equal(body.subarray(0, prefix.length).toString(), prefix);
      assert.equal(body.length, prefix.length + 1000 + i * 37);
      assert.ok(body.subarray(prefix.length).every((x) => x === i % 251));
    }
  } finally {
    done();
  }
});

test('ping round trips both ways; reset ends the peer stream without an error', async () => {
  const { client, server, done } = await sessions();
  try {
    await client.ping(5000);
    await server.ping(5000);
    const got = new Promise<SpdyStream>((r) => server.once('stream', r));
    const c = client.openStream({ streamType: 'error' });
    const s = await got;
    s.write('partial');
    const reset = new Promise<number>((r) => c.once('reset', r));
    const body = readAll(c);
    await new Promise((r) => setTimeout(r, 50));
    s.reset();
    assert.equal(await reset, 5);
    assert.equal((await body).toString(), 'partial');
  } finally {
    done();
  }
});

test('frames received before the peer closes the connection are still delivered', async () => {
  const [a, b, close] = await socketPair();
  const client = new SpdySession(a, { role: 'client' });
  const peer = new RawPeer(b);
  try {
    const c = client.openStream({ streamType: 'error' });
    const syn = await peer.frame('syn_stream');
    assert.equal(syn.streamId, 1);
    // Reply, status, RST and GOAWAY, then close: all in one write, as a Go server does on exec exit.
    const reply = await peer.compress({});
    b.end(Buffer.concat([encodeSynReply(1, reply), encodeData(1, Buffer.from('{"status":"Success"}'), false), encodeRstStream(1, 5), encodeGoAway(0, 0)]));
    assert.equal((await readAll(c)).toString(), '{"status":"Success"}');
    await client.closed;
  } finally {
    client.destroy();
    close();
  }
});

test('a peer without flow control (Go spdystream) still receives more than one window', async () => {
  const [a, b, close] = await socketPair();
  const client = new SpdySession(a, { role: 'client' });
  const peer = new RawPeer(b);
  try {
    const c = client.openStream({ streamType: 'stdin' });
    const syn = await peer.frame('syn_stream');
    b.write(encodeSynReply(syn.streamId, await peer.compress({})));
    const payload = randomBytes(1024 * 1024);
    c.end(payload);
    // The peer never sends WINDOW_UPDATE; everything must arrive anyway.
    const got: Buffer[] = [];
    for (;;) {
      const f = await peer.frame('data');
      got.push(f.data);
      if (f.fin) break;
    }
    assert.equal(sha(Buffer.concat(got)), sha(payload));
    // And what it sends us is credited with nothing: WINDOW_UPDATEs it never reads would make its
    // kernel reset the connection when it closes, losing its last frames.
    const back = randomBytes(300 * 1024);
    b.write(Buffer.concat([encodeData(syn.streamId, back.subarray(0, 150 * 1024), false), encodeData(syn.streamId, back.subarray(150 * 1024), true)]));
    assert.equal(sha(await readAll(c)), sha(back));
    await client.ping(5000);
    assert.ok(!peer.seen.some((f) => f.type === 'window_update'), 'no WINDOW_UPDATE to a peer without flow control');
    assert.ok(peer.seen.some((f) => f.type === 'settings'), 'we announce our window with SETTINGS');
  } finally {
    client.destroy();
    close();
  }
});

/** A hand-driven SPDY peer: reads frames from a socket and compresses header blocks like Go's framer. */
class RawPeer {
  readonly seen: Frame[] = [];
  private readonly parser = new FrameParser();
  private waiters: Array<() => void> = [];
  private readonly deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });

  constructor(sock: Socket) {
    sock.on('data', (c: Buffer) => {
      this.parser.push(c);
      for (let f = this.parser.next(); f; f = this.parser.next()) {
        this.seen.push(f);
        if (f.type === 'ping') sock.write(encodePing(f.id));
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async frame<T extends Frame['type']>(type: T): Promise<Extract<Frame, { type: T }>> {
    for (;;) {
      const i = this.seen.findIndex((f) => f.type === type);
      if (i >= 0) return this.seen.splice(i, 1)[0] as Extract<Frame, { type: T }>;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  compress(headers: Record<string, string>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    this.deflate.on('data', onData);
    this.deflate.write(encodeHeaderBlock(headers));
    return new Promise((resolve) =>
      this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.deflate.off('data', onData);
        resolve(Buffer.concat(chunks));
      }),
    );
  }
}
