import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as packet from 'dns-packet';
import { queryBytes } from './client.js';
import { Forwarder, parseUpstream, questionKey, upstreamsFromResolvConf } from './forward.js';
import { show } from './testing.js';

test('parseUpstream', () => {
  const cases: Array<[string, { host: string; port: number } | 'error']> = [
    ['10.0.0.2', { host: '10.0.0.2', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['[fd00::1]:5353', { host: 'fd00::1', port: 5353 }],
    ['dns.example', 'error'],
    ['10.0.0.2:0', 'error'],
    ['10.0.0.2:99999', 'error'],
  ];
  for (const [text, want] of cases) {
    if (want === 'error') assert.throws(() => parseUpstream(text), /not an upstream/, text);
    else assert.deepEqual(parseUpstream(text), want, text);
  }
});

test('resolv.conf: nameservers in order, minus ourselves and non-addresses', () => {
  const conf = `# generated\nsearch example.internal\nnameserver 10.0.0.2\nnameserver   10.96.0.10\noptions ndots:5\nnameserver fe80::1%eth0\nnameserver 2001:db8::53\n`;
  const got = upstreamsFromResolvConf(conf, (u) => u.host === '10.96.0.10');
  assert.deepEqual(got, [
    { host: '10.0.0.2', port: 53 },
    { host: '2001:db8::53', port: 53 },
  ]);
});

test('a silent first upstream fails over to the next within the budget', async (t) => {
  const silent = dgram.createSocket('udp4');
  const good = dgram.createSocket('udp4');
  t.after(() => {
    silent.close();
    good.close();
  });
  await Promise.all([new Promise<void>((r) => silent.bind(0, '127.0.0.1', r)), new Promise<void>((r) => good.bind(0, '127.0.0.1', r))]);
  good.on('message', (msg, rinfo) => {
    const q = packet.decode(msg);
    good.send(packet.encode({ type: 'response', id: q.id, questions: q.questions, answers: [{ name: 'example.com', type: 'A', data: '192.0.2.7' }] }), rinfo.port, rinfo.address);
  });
  const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: silent.address().port }, { host: '127.0.0.1', port: good.address().port }], timeoutMs: 400 });
  t.after(() => f.close());
  const reply = await f.forward(queryBytes(777, 'example.com', 'A'), 'udp');
  assert.ok(reply);
  assert.equal(reply.readUInt16BE(0), 777, "the client's ID is restored");
  assert.deepEqual(packet.decode(reply).answers?.map(show), ['A 192.0.2.7']);
});

/** Open UDP handles of this process, as Node itself counts them (independent of the forwarder's own count). */
const udpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
const tick = () => new Promise<void>((r) => setImmediate(r));
/** Lets the event loop turn until `ok` holds (a closed handle goes away a turn or two later), at most 100 turns. */
async function settle(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await tick();
}

/** A stand-in upstream on 127.0.0.1 whose replies `answer` decides; it records each query's source port. */
async function standIn(t: { after(fn: () => void): void }, answer: (q: packet.DecodedPacket, reply: (msg: Buffer) => void) => void) {
  const sock = dgram.createSocket('udp4');
  t.after(() => sock.close());
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const ports: number[] = [];
  sock.on('message', (msg, rinfo) => {
    ports.push(rinfo.port);
    answer(packet.decode(msg), (out) => sock.send(out, rinfo.port, rinfo.address));
  });
  return { sock, ports, upstream: { host: '127.0.0.1', port: sock.address().port } };
}

const response = (id: number, name: string, type: packet.RecordType, data: string, flags = 0): Buffer =>
  packet.encode({ type: 'response', id, flags, questions: [{ name, type, class: 'IN' }], answers: [{ name, type: 'A', data }] });

test('close() fails queries in flight at once and closes every socket', async (t) => {
  const up = await standIn(t, () => undefined);
  const f = new Forwarder({ upstreams: [up.upstream], timeoutMs: 60_000 });
  const pending = [1, 2, 3].map((id) => f.forward(queryBytes(id, 'example.com', 'A'), 'udp'));
  await settle(() => up.ports.length === 3);
  assert.equal(f.openSockets, 3, 'one socket per query in flight');
  f.close();
  assert.deepEqual(await Promise.all(pending), [undefined, undefined, undefined]);
  await settle(() => f.openSockets === 0 && udpHandles() === 1);
  assert.equal(f.openSockets, 0);
  assert.equal(udpHandles(), 1, 'only the stand-in upstream is left');
});

test('replies with a wrong ID, question, source or direction are ignored; the real one after them is used', async (t) => {
  const forger = dgram.createSocket('udp4');
  t.after(() => forger.close());
  await new Promise<void>((r) => forger.bind(0, '127.0.0.1', r));
  const up = await standIn(t, (q, reply) => {
    const id = q.id ?? 0;
    const forgeries: Array<[string, Buffer, 'upstream' | 'forger']> = [
      ['wrong ID', response((id + 1) & 0xffff, 'example.com', 'A', '192.0.2.66'), 'upstream'],
      ['other name', response(id, 'evil.example', 'A', '192.0.2.67'), 'upstream'],
      ['other type', response(id, 'example.com', 'AAAA', '192.0.2.68'), 'upstream'],
      ['other class', packet.encode({ type: 'response', id, questions: [{ name: 'example.com', type: 'A', class: 'CH' }], answers: [] }), 'upstream'],
      ['no question', packet.encode({ type: 'response', id, questions: [], answers: [{ name: 'example.com', type: 'A', data: '192.0.2.69' }] }), 'upstream'],
      ['a query, not a response', packet.encode({ type: 'query', id, questions: q.questions }), 'upstream'],
      ['right ID and question, other source', response(id, 'example.com', 'A', '192.0.2.70'), 'forger'],
    ];
    for (const [, msg, from] of forgeries) {
      if (from === 'upstream') reply(msg);
      else forger.send(msg, up.ports[up.ports.length - 1] ?? 0, '127.0.0.1');
    }
    // The real answer, its name in another case (names compare case-insensitively).
    reply(response(id, 'eXample.COM', 'A', '192.0.2.7'));
  });
  const f = new Forwarder({ upstreams: [up.upstream], timeoutMs: 5000 });
  t.after(() => f.close());
  const reply = await f.forward(queryBytes(4242, 'example.com', 'A'), 'udp');
  assert.ok(reply);
  assert.equal(reply.readUInt16BE(0), 4242);
  assert.deepEqual(packet.decode(reply).answers?.map(show), ['A 192.0.2.7']);
  await settle(() => f.openSockets === 0);
  assert.equal(f.openSockets, 0, 'the socket closes with the answer');
});

test('concurrent queries leave from different source ports', async (t) => {
  const held: Array<() => void> = [];
  const up = await standIn(t, (q, reply) => {
    held.push(() => reply(response(q.id ?? 0, q.questions?.[0]?.name ?? '', 'A', '192.0.2.7')));
    // Answer only once both are in flight, so both sockets are open together.
    if (held.length === 2) for (const send of held) send();
  });
  const f = new Forwarder({ upstreams: [up.upstream], timeoutMs: 5000 });
  t.after(() => f.close());
  const replies = await Promise.all([f.forward(queryBytes(1, 'a.example', 'A'), 'udp'), f.forward(queryBytes(2, 'b.example', 'A'), 'udp')]);
  assert.deepEqual(replies.map((r) => r?.readUInt16BE(0)), [1, 2]);
  assert.equal(up.ports.length, 2);
  assert.notEqual(up.ports[0], up.ports[1]);
  await settle(() => f.openSockets === 0);
  assert.equal(f.openSockets, 0);
});

test('queries beyond the in-flight cap fail at once without opening a socket', async (t) => {
  const up = await standIn(t, () => undefined);
  const f = new Forwarder({ upstreams: [up.upstream], timeoutMs: 60_000, maxPending: 2 });
  const held = [f.forward(queryBytes(1, 'example.com', 'A'), 'udp'), f.forward(queryBytes(2, 'example.com', 'A'), 'udp')];
  assert.equal(await f.forward(queryBytes(3, 'example.com', 'A'), 'udp'), undefined);
  assert.equal(f.openSockets, 2);
  f.close();
  await Promise.all(held);
});

test('questionKey: names compare case-insensitively; type, class and count matter', () => {
  const key = (name: string, type: packet.RecordType = 'A') => questionKey(queryBytes(1, name, type));
  assert.equal(key('Example.COM'), key('example.com'));
  assert.notEqual(key('example.com', 'AAAA'), key('example.com'));
  assert.notEqual(key('example.co'), key('example.com'));
  assert.equal(questionKey(Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7])), undefined, 'a cut-off question');
  // A pointer in a question may only point back: one to itself is a loop, not a name.
  assert.equal(questionKey(Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1])), undefined);
});
