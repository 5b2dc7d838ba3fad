import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as packet from 'dns-packet';
import { queryBytes } from './client.js';
import { Forwarder, parseUpstream, upstreamsFromResolvConf } from './forward.js';
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

test('close() fails queries in flight at once', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
  const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: silent.address().port }], timeoutMs: 60_000 });
  const pending = f.forward(queryBytes(1, 'example.com', 'A'), 'udp');
  setImmediate(() => f.close());
  assert.equal(await pending, undefined);
  silent.close();
});
