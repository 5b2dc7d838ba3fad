import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { Forwarder } from './forward.js';
import { DnsHandler } from './handler.js';
import { listenDns } from './listen.js';
import type { RecursionPolicy } from './recursion.js';
import { RecordIndex } from './record-index.js';
import { serviceDomain, serviceRecords } from './records.js';
import { Resolver } from './resolve.js';
import { service, show, slice } from './testing.js';

const ZONE = 'cluster.local';

/** A handler over: `big` (headless, `n` endpoints) and `redis` (ClusterIP); no upstreams. */
function handler(n: number): DnsHandler {
  const index = new RecordIndex(ZONE);
  const eps = Array.from({ length: n }, (_, i) => ({ addresses: [`10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`] }));
  const big = service('default', 'big', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] });
  index.replace('default/big', serviceRecords(big, [slice('default', 'big', 'big-a', eps, [{ name: 'http', port: 80, protocol: 'TCP' }])], ZONE), [serviceDomain('big', 'default', ZONE)]);
  index.replace('default/redis', serviceRecords(service('default', 'redis', { clusterIP: '10.96.0.10' }), [], ZONE));
  return new DnsHandler({ resolver: new Resolver({ index }), forwarder: new Forwarder({ upstreams: [] }) });
}

const query = (name: string, type: packet.RecordType, extra: Partial<packet.Packet> = {}) =>
  packet.encode({ type: 'query', id: 4242, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }], ...extra });
const edns = (size: number): Partial<packet.Packet> => ({ additionals: [{ name: '.', type: 'OPT', udpPayloadSize: size, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] });

async function ask(h: DnsHandler, msg: Buffer, transport: 'udp' | 'tcp' = 'udp', client?: string) {
  const out = await h.handle(msg, transport, client);
  assert.ok(out, 'a response');
  const d = packet.decode(out);
  return { ...d, rcode: out.readUInt16BE(2) & 0xf, size: out.length, shown: (d.answers ?? []).map(show) };
}

test('header: ID kept, QR/AA/RA set, RD copied', async () => {
  const r = await ask(handler(1), query('redis.default.svc.cluster.local', 'A'));
  assert.equal(r.id, 4242);
  assert.deepEqual([r.flag_qr, r.flag_aa, r.flag_ra, r.flag_rd, r.flag_tc], [true, true, true, true, false]);
  assert.deepEqual(r.shown, ['A 10.96.0.10']);
  assert.equal(r.answers?.[0]?.type === 'A' ? r.answers[0].ttl : 0, 5);
});

test('UDP truncation: over 512 bytes (or the EDNS size) keeps the whole records that fit, with TC; TCP carries it all', async () => {
  const h = handler(40);
  const name = 'big.default.svc.cluster.local';
  const tcp = await ask(h, query(name, 'A'), 'tcp');
  assert.equal(tcp.flag_tc, false);
  assert.equal(tcp.answers?.length, 40);
  const ONE_A = 16; // compressed owner (2) + type, class, TTL, length (10) + address (4)
  const plain = await ask(h, query(name, 'A'));
  assert.equal(plain.flag_tc, true);
  assert.ok(plain.size <= 512 && plain.size + ONE_A > 512, `as many as fit: ${plain.size} bytes`);
  assert.ok((plain.answers?.length ?? 0) > 0, 'never empty: musl < 1.2.4 and busybox do not retry over TCP');
  assert.deepEqual(plain.shown, tcp.shown.slice(0, plain.shown.length), 'a prefix of the full answer, records whole');
  const big = await ask(h, query(name, 'A', edns(4096)));
  assert.equal(big.flag_tc, false, '40 records fit in our 1232-byte EDNS size (owner names compressed)');
  assert.equal(big.answers?.length, 40);
  assert.ok(big.additionals?.some((a) => a.type === 'OPT'), 'EDNS answered with EDNS');
  const huge = await ask(handler(100), query(name, 'A', edns(4096)));
  assert.equal(huge.flag_tc, true, '100 records do not fit in 1232 bytes');
  assert.ok(huge.size <= 1232 && huge.size + ONE_A > 1232);
  assert.ok(huge.additionals?.some((a) => a.type === 'OPT'), 'the OPT record survives truncation');
});

test('UDP: additional records are dropped before answers, without TC', async () => {
  // 6 SRV answers fit in 512 bytes; with their 6 A additionals they do not.
  const r = await ask(handler(6), query('_http._tcp.big.default.svc.cluster.local', 'SRV'));
  assert.equal(r.flag_tc, false);
  assert.equal(r.answers?.length, 6);
  assert.equal(r.additionals?.length, 0);
  const tcp = await ask(handler(6), query('_http._tcp.big.default.svc.cluster.local', 'SRV'), 'tcp');
  assert.equal(tcp.additionals?.length, 6);
});

test('errors: FORMERR, NOTIMP, REFUSED, SERVFAIL; responses are never answered', async () => {
  const h = handler(1);
  const q = query('redis.default.svc.cluster.local', 'A');
  const truncated = q.subarray(0, 14);
  assert.equal((await ask(h, truncated)).rcode, 1, 'malformed → FORMERR');
  const two = packet.encode({ type: 'query', id: 1, questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] });
  assert.equal((await ask(h, two)).rcode, 1, 'two questions → FORMERR');
  const status = Buffer.from(q);
  status.writeUInt16BE((2 << 11) | 0x100, 2);
  assert.equal((await ask(h, status)).rcode, 4, 'opcode STATUS → NOTIMP');
  const chaos = packet.encode({ type: 'query', id: 1, questions: [{ name: 'redis.default.svc.cluster.local', type: 'A', class: 'CH' }] });
  assert.equal((await ask(h, chaos)).rcode, 5, 'class CH in the zone → REFUSED');
  assert.equal((await ask(h, query('example.com', 'A'))).rcode, 2, 'no upstream → SERVFAIL');
  const response = Buffer.from(q);
  response.writeUInt16BE(0x8000, 2);
  assert.equal(await h.handle(response, 'udp'), undefined);
  assert.equal(await h.handle(Buffer.alloc(5), 'udp'), undefined);
});

/**
 * A handler whose upstream is a stand-in on 127.0.0.1: `example.com` → 192.0.2.1; `big.example`
 * comes truncated (TC, 1 record) over UDP and whole (3 records) over TCP; `stuck.example` comes
 * truncated over both. ExternalNames `ext`, `ext-big`, `ext-stuck` point at them.
 */
async function withUpstream(t: TestContext, recursion?: RecursionPolicy) {
  const seen: string[] = [];
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const up = await listenDns({
    address: '127.0.0.1',
    port: 0,
    logger: quiet,
    handle: (msg, transport) => {
      const q = packet.decode(msg);
      const question = q.questions?.[0];
      if (!question) return Promise.resolve(undefined);
      seen.push(`${transport} ${question.name}`);
      const a = (i: number): packet.Answer => ({ name: question.name, type: 'A', ttl: 60, data: `192.0.2.${i}` });
      const whole = question.name === 'example.com' ? [a(1)] : [a(1), a(2), a(3)];
      const truncated = question.name === 'stuck.example' || (question.name === 'big.example' && transport === 'udp');
      const flags = packet.RECURSION_AVAILABLE | (truncated ? packet.TRUNCATED_RESPONSE : 0);
      return Promise.resolve(packet.encode({ type: 'response', id: q.id, flags, questions: [question], answers: truncated ? [a(1)] : whole }));
    },
  });
  t.after(() => up.close());
  const index = new RecordIndex(ZONE);
  index.replace('default/redis', serviceRecords(service('default', 'redis', { clusterIP: '10.96.0.10' }), [], ZONE));
  for (const [name, target] of [['ext', 'example.com'], ['ext-big', 'big.example'], ['ext-stuck', 'stuck.example']] as const) {
    index.replace(`default/${name}`, serviceRecords(service('default', name, { type: 'ExternalName', externalName: target }), [], ZONE));
  }
  const forwarder = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }], timeoutMs: 2000 });
  t.after(() => forwarder.close());
  return { h: new DnsHandler({ resolver: new Resolver({ index }), forwarder, recursion }), seen };
}

test('recursion policy: outsiders get REFUSED for outside names, cluster answers stay open to all', async (t) => {
  const pods: RecursionPolicy = { allows: (c) => c !== undefined && c.startsWith('10.244.') };
  const { h, seen } = await withUpstream(t, pods);
  const outsider = '203.0.113.9';
  const refused = await ask(h, query('example.com', 'A'), 'udp', outsider);
  assert.deepEqual([refused.rcode, refused.flag_ra, refused.answers?.length], [5, false, 0], 'REFUSED, RA clear');
  assert.equal((await ask(h, query('example.com', 'A'), 'tcp', outsider)).rcode, 5, 'over TCP too');
  assert.equal((await ask(h, query('example.com', 'A'))).rcode, 5, 'no client address: refused');
  assert.equal((await ask(h, query('9.113.0.203.in-addr.arpa', 'PTR'), 'udp', outsider)).rcode, 5, 'outside reverse names are forwarded names');
  assert.deepEqual((await ask(h, query('redis.default.svc.cluster.local', 'A'), 'udp', outsider)).shown, ['A 10.96.0.10']);
  const ext = await ask(h, query('ext.default.svc.cluster.local', 'A'), 'udp', outsider);
  assert.deepEqual([ext.rcode, ext.flag_aa, ext.shown], [0, true, ['CNAME example.com']], 'the CNAME, not chased');
  assert.deepEqual(seen, [], 'nothing went upstream for the outsider');

  const pod = '10.244.1.5';
  assert.deepEqual((await ask(h, query('example.com', 'A'), 'udp', pod)).shown, ['A 192.0.2.1']);
  assert.deepEqual((await ask(h, query('ext.default.svc.cluster.local', 'A'), 'udp', pod)).shown, ['CNAME example.com', 'A 192.0.2.1']);
  assert.deepEqual(seen, ['udp example.com', 'udp example.com']);
});

test('no recursion policy: anyone may recurse (the default)', async (t) => {
  const { h } = await withUpstream(t);
  assert.deepEqual((await ask(h, query('example.com', 'A'), 'udp', '203.0.113.9')).shown, ['A 192.0.2.1']);
  assert.deepEqual((await ask(h, query('example.com', 'A'))).shown, ['A 192.0.2.1']);
});

test('ExternalName chase: a truncated upstream answer is asked again over TCP, else TC is passed on', async (t) => {
  const { h, seen } = await withUpstream(t);
  const big = await ask(h, query('ext-big.default.svc.cluster.local', 'A'));
  assert.equal(big.flag_tc, false);
  assert.deepEqual(big.shown, ['CNAME big.example', 'A 192.0.2.1', 'A 192.0.2.2', 'A 192.0.2.3']);
  assert.deepEqual(seen.splice(0), ['udp big.example', 'tcp big.example']);

  const overTcp = await ask(h, query('ext-big.default.svc.cluster.local', 'A'), 'tcp');
  assert.equal(overTcp.answers?.length, 4);
  assert.deepEqual(seen.splice(0), ['tcp big.example'], 'a TCP client is chased over TCP at once');

  const stuck = await ask(h, query('ext-stuck.default.svc.cluster.local', 'A'));
  assert.equal(stuck.flag_tc, true, 'never a partial answer presented as whole');
  assert.deepEqual(stuck.shown, ['CNAME stuck.example'], 'none of the truncated records');
});
