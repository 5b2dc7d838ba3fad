import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as packet from 'dns-packet';
import type { Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { startFakeApiServer } from '../client/testing/fake-apiserver.js';
import { fakeBuiltInResources } from '../client/testing/fake-transport.js';
import { run } from '../util/exec.js';
import type { Logger } from '../util/log.js';
import { queryBytes, queryTcp, queryUdp, type Reply } from './client.js';
import { listenDns } from './listen.js';
import { startDns } from './run.js';
import { service, show, slice } from './testing.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const HOST = '127.0.0.1';
const answers = (r: Reply) => (r.answers ?? []).map(show).sort();

/** A stand-in upstream resolver on 127.0.0.1: `example.com` A → 192.0.2.1; `silent.example` never answers. */
async function fakeUpstream(t: TestContext) {
  const seen: string[] = [];
  const up = await listenDns({
    address: HOST,
    port: 0,
    logger: quiet,
    handle: (msg, transport) => {
      const q = packet.decode(msg);
      const question = q.questions?.[0];
      seen.push(`${transport} ${question?.name ?? ''} ${question?.type ?? ''}`);
      if (!question || question.name === 'silent.example') return Promise.resolve(undefined);
      const found = question.name === 'example.com' && question.type === 'A';
      const out = packet.encode({ type: 'response', id: q.id, flags: packet.RECURSION_AVAILABLE | (found ? 0 : 3), questions: [question], answers: found ? [{ name: 'example.com', type: 'A', ttl: 60, data: '192.0.2.1' }] : [] });
      return Promise.resolve(out);
    },
  });
  t.after(() => up.close());
  return { port: up.port, seen };
}

/** The fake API server, a client, an upstream, and the DNS server under test on an ephemeral port. */
async function setup(t: TestContext, extra: { recursionFrom?: string[] } = {}) {
  const api = await startFakeApiServer({ resources: fakeBuiltInResources });
  t.after(() => api.close());
  const transport = new RestClient({ server: api.url }, { qps: 0 });
  t.after(() => transport.close());
  const services = new ResourceClient<Service>(transport, resources.services);
  const slices = new ResourceClient<EndpointSlice>(transport, resources.endpointslices);
  await services.create(service('default', 'redis', { clusterIP: '10.96.0.10', ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }] }));
  const upstream = await fakeUpstream(t);
  const ac = new AbortController();
  const dns = await startDns({ transport, address: HOST, port: 0, upstreams: [`${HOST}:${upstream.port}`], forwardTimeoutMs: 300, logger: quiet, ...extra }, ac.signal);
  t.after(async () => {
    ac.abort();
    await dns.done;
  });
  return { port: dns.port, services, slices, upstream };
}

/** Asks until `check` passes (the informer sees a write a little after it lands), at most ~5 s. */
async function until(ask: () => Promise<Reply>, check: (r: Reply) => boolean): Promise<Reply> {
  let last: Reply | undefined;
  for (let i = 0; i < 100; i++) {
    last = await ask();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`condition never held; last answers: ${last ? answers(last).join(', ') : 'none'}`);
}

test('answers from the API over UDP and TCP, and follows changes', async (t) => {
  const { port, services, slices } = await setup(t);
  const name = 'redis.default.svc.cluster.local';
  assert.deepEqual(answers(await queryUdp(HOST, port, name, 'A')), ['A 10.96.0.10']);
  assert.deepEqual(answers(await queryTcp(HOST, port, name, 'A')), ['A 10.96.0.10']);
  assert.deepEqual(answers(await queryUdp(HOST, port, `_redis._tcp.${name}`, 'SRV')), [`SRV 0 100 6379 ${name}`]);
  assert.equal((await queryUdp(HOST, port, 'nope.default.svc.cluster.local', 'A')).rcode, 3);

  await services.create(service('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  await slices.create(slice('default', 'db', 'db-1', [{ addresses: ['10.244.1.5'], hostname: 'db-0' }], [{ name: 'pg', port: 5432, protocol: 'TCP' }]));
  const db = 'db.default.svc.cluster.local';
  await until(() => queryUdp(HOST, port, db, 'A'), (r) => answers(r).join() === 'A 10.244.1.5');
  assert.deepEqual(answers(await queryUdp(HOST, port, `db-0.${db}`, 'A')), ['A 10.244.1.5']);
  assert.deepEqual(answers(await queryUdp(HOST, port, '5.1.244.10.in-addr.arpa', 'PTR')), [`PTR db-0.${db}`]);

  // The endpoint goes not-ready: the headless name stays (NOERROR) with no address.
  const cur = await slices.get('db-1', { namespace: 'default' });
  await slices.update({ ...cur, endpoints: [{ addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: false } }] });
  const empty = await until(() => queryUdp(HOST, port, db, 'A'), (r) => (r.answers ?? []).length === 0);
  assert.equal(empty.rcode, 0);

  await services.delete('redis', { namespace: 'default' });
  await until(() => queryUdp(HOST, port, name, 'A'), (r) => r.rcode === 3);
});

test('A and AAAA sent together from one socket (glibc) both answer; AAAA is NOERROR with no records', async (t) => {
  const { port } = await setup(t);
  const sock = dgram.createSocket('udp4');
  t.after(() => sock.close());
  const got = new Map<number, Reply>();
  const both = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.size} of 2 answers came`)), 3000);
    sock.on('message', (msg) => {
      got.set(msg.readUInt16BE(0), { ...packet.decode(msg), rcode: msg.readUInt16BE(2) & 0xf, size: msg.length });
      if (got.size === 2) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  sock.send(queryBytes(1, 'redis.default.svc.cluster.local', 'A'), port, HOST);
  sock.send(queryBytes(2, 'redis.default.svc.cluster.local', 'AAAA'), port, HOST);
  await both;
  assert.deepEqual(answers(got.get(1) as Reply), ['A 10.96.0.10']);
  assert.equal(got.get(2)?.rcode, 0);
  assert.deepEqual(got.get(2)?.answers, []);
});

test('names outside the zone go upstream (UDP and TCP); a silent upstream gives SERVFAIL', async (t) => {
  const { port, services, upstream } = await setup(t);
  assert.deepEqual(answers(await queryUdp(HOST, port, 'example.com', 'A')), ['A 192.0.2.1']);
  assert.deepEqual(answers(await queryTcp(HOST, port, 'example.com', 'A')), ['A 192.0.2.1']);
  assert.equal((await queryUdp(HOST, port, 'other.example', 'A')).rcode, 3, "the upstream's NXDOMAIN passes through");
  assert.equal((await queryUdp(HOST, port, 'silent.example', 'A')).rcode, 2);
  assert.deepEqual(upstream.seen.slice(0, 2), ['udp example.com A', 'tcp example.com A']);

  // An ExternalName outside the cluster: the CNAME, then the target's address from upstream.
  await services.create(service('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }));
  const r = await until(() => queryUdp(HOST, port, 'ext.default.svc.cluster.local', 'A'), (x) => (x.answers ?? []).length > 0);
  assert.deepEqual(answers(r), ['A 192.0.2.1', 'CNAME example.com']);
});

test('recursionFrom set: this machine (127.0.0.1 here) still recurses over UDP and TCP', async (t) => {
  // Every other client address is refused (handler.test.ts); this proves the sockets hand the
  // handler the real client address, since an unknown one would be refused too.
  const { port, upstream } = await setup(t, { recursionFrom: ['10.244.0.0/16'] });
  assert.deepEqual(answers(await queryUdp(HOST, port, 'example.com', 'A')), ['A 192.0.2.1']);
  assert.deepEqual(answers(await queryTcp(HOST, port, 'example.com', 'A')), ['A 192.0.2.1']);
  assert.deepEqual(upstream.seen, ['udp example.com A', 'tcp example.com A']);
});

test('dig reads our answers (UDP, TCP, SRV)', async (t) => {
  const { port } = await setup(t);
  const dig = async (...args: string[]) => {
    const r = await run('dig', [`@${HOST}`, '-p', String(port), '+short', '+time=2', '+tries=1', ...args], { timeoutMs: 10_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  assert.equal(await dig('redis.default.svc.cluster.local', 'A'), '10.96.0.10');
  assert.equal(await dig('+tcp', 'redis.default.svc.cluster.local', 'A'), '10.96.0.10');
  assert.equal(await dig('_redis._tcp.redis.default.svc.cluster.local', 'SRV'), '0 100 6379 redis.default.svc.cluster.local.');
  assert.equal(await dig('-x', '10.96.0.10'), 'redis.default.svc.cluster.local.');
});
