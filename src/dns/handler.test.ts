import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { Forwarder } from './forward.js';
import { DnsHandler } from './handler.js';
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

async function ask(h: DnsHandler, msg: Buffer, transport: 'udp' | 'tcp' = 'udp') {
  const out = await h.handle(msg, transport);
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

test('UDP truncation: over 512 bytes (or the EDNS size) answers empty with TC; TCP carries it all', async () => {
  const h = handler(40);
  const name = 'big.default.svc.cluster.local';
  const plain = await ask(h, query(name, 'A'));
  assert.equal(plain.flag_tc, true);
  assert.equal(plain.answers?.length, 0);
  assert.ok(plain.size <= 512);
  const tcp = await ask(h, query(name, 'A'), 'tcp');
  assert.equal(tcp.flag_tc, false);
  assert.equal(tcp.answers?.length, 40);
  const big = await ask(h, query(name, 'A', edns(4096)));
  assert.equal(big.flag_tc, false, '40 records fit in our 1232-byte EDNS size (owner names compressed)');
  assert.equal(big.answers?.length, 40);
  assert.ok(big.additionals?.some((a) => a.type === 'OPT'), 'EDNS answered with EDNS');
  const huge = await ask(handler(100), query(name, 'A', edns(4096)));
  assert.equal(huge.flag_tc, true, '100 records do not fit in 1232 bytes');
  assert.ok(huge.size <= 1232);
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
