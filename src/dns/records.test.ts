import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordType } from 'dns-packet';
import { RecordIndex } from './record-index.js';
import { serviceDomain, serviceRecords } from './records.js';
import { Rcode, Resolver } from './resolve.js';
import { service, show, slice } from './testing.js';

const ZONE = 'cluster.local';

function fixture(): RecordIndex {
  const index = new RecordIndex(ZONE);
  const add = (svc: ReturnType<typeof service>, slices: ReturnType<typeof slice>[] = []) => {
    const ns = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    index.replace(`${ns}/${name}`, serviceRecords(svc, slices, ZONE), [serviceDomain(name, ns, ZONE)]);
  };
  add(service('default', 'redis', { clusterIP: '10.96.0.10', ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }, { port: 9999 }] }));
  add(service('default', 'web', { clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80 }] }));
  add(service('default', 'dual', { clusterIP: '10.96.0.12', clusterIPs: ['10.96.0.12', 'fd00::12'] }));
  add(
    service('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    [
      slice('default', 'db', 'db-a', [{ addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } }, { addresses: ['10.244.1.6'], conditions: { ready: false } }], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
      // The same address again in a second slice, and one with no conditions (ready by default).
      slice('default', 'db', 'db-b', [{ addresses: ['10.244.1.5'], hostname: 'db-0' }, { addresses: ['10.244.1.7'] }], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
    ],
  );
  add(service('default', 'empty-headless', { clusterIP: 'None' }));
  add(service('default', 'ext', { type: 'ExternalName', externalName: 'redis.default.svc.cluster.local' }));
  add(service('default', 'out', { type: 'ExternalName', externalName: 'Example.COM.' }));
  add(service('other', 'pending', { clusterIP: '' }));
  return index;
}

interface Case {
  q: string;
  type: string;
  rcode?: number;
  /** Expected answers (any order); 'forward' when the question goes upstream. */
  want: string[] | 'forward';
  additionals?: string[];
  chase?: string;
}

const SOA = ['SOA ns.dns.cluster.local'];
const cases: Case[] = [
  { q: 'redis.default.svc.cluster.local', type: 'A', want: ['A 10.96.0.10'] },
  { q: 'REDIS.Default.svc.Cluster.Local.', type: 'A', want: ['A 10.96.0.10'] },
  { q: 'redis.default.svc.cluster.local', type: 'AAAA', want: [] },
  { q: 'dual.default.svc.cluster.local', type: 'AAAA', want: ['AAAA fd00::12'] },
  { q: 'nope.default.svc.cluster.local', type: 'A', rcode: Rcode.NXDOMAIN, want: [] },
  { q: 'default.svc.cluster.local', type: 'A', want: [] },
  { q: 'svc.cluster.local', type: 'A', want: [] },
  { q: 'nothere.svc.cluster.local', type: 'A', rcode: Rcode.NXDOMAIN, want: [] },
  { q: 'cluster.local', type: 'SOA', want: SOA },
  { q: 'cluster.local', type: 'NS', want: ['NS ns.dns.cluster.local'] },
  { q: 'dns-version.cluster.local', type: 'TXT', want: ['TXT 1.1.0'] },
  { q: 'pending.other.svc.cluster.local', type: 'A', want: [] },
  { q: 'empty-headless.default.svc.cluster.local', type: 'A', want: [] },
  { q: '_redis._tcp.redis.default.svc.cluster.local', type: 'SRV', want: ['SRV 0 100 6379 redis.default.svc.cluster.local'], additionals: ['A 10.96.0.10'] },
  { q: '_tcp.redis.default.svc.cluster.local', type: 'A', want: [] },
  { q: '_redis._udp.redis.default.svc.cluster.local', type: 'SRV', rcode: Rcode.NXDOMAIN, want: [] },
  { q: 'redis.default.svc.cluster.local', type: 'SRV', want: ['SRV 0 50 6379 redis.default.svc.cluster.local', 'SRV 0 50 9999 redis.default.svc.cluster.local'], additionals: ['A 10.96.0.10'] },
  { q: 'db.default.svc.cluster.local', type: 'A', want: ['A 10.244.1.5', 'A 10.244.1.7'] },
  { q: 'db-0.db.default.svc.cluster.local', type: 'A', want: ['A 10.244.1.5'] },
  { q: '10-244-1-7.db.default.svc.cluster.local', type: 'A', want: ['A 10.244.1.7'] },
  { q: '10-244-1-6.db.default.svc.cluster.local', type: 'A', rcode: Rcode.NXDOMAIN, want: [] },
  {
    q: '_pg._tcp.db.default.svc.cluster.local',
    type: 'SRV',
    want: ['SRV 0 50 5432 db-0.db.default.svc.cluster.local', 'SRV 0 50 5432 10-244-1-7.db.default.svc.cluster.local'],
    additionals: ['A 10.244.1.5', 'A 10.244.1.7'],
  },
  { q: '10.0.96.10.in-addr.arpa', type: 'PTR', want: ['PTR redis.default.svc.cluster.local'] },
  { q: '5.1.244.10.in-addr.arpa', type: 'PTR', want: ['PTR db-0.db.default.svc.cluster.local'] },
  { q: `${[...'fd000000000000000000000000000012'].reverse().join('.')}.ip6.arpa`, type: 'PTR', want: ['PTR dual.default.svc.cluster.local'] },
  // Not ready: no PTR; outside the owned reverse range, so upstream decides.
  { q: '6.1.244.10.in-addr.arpa', type: 'PTR', want: 'forward' },
  { q: '99.0.96.10.in-addr.arpa', type: 'PTR', rcode: Rcode.NXDOMAIN, want: [] },
  { q: '1.1.168.192.in-addr.arpa', type: 'PTR', want: 'forward' },
  { q: 'example.com', type: 'A', want: 'forward' },
  { q: 'cluster.local.example.com', type: 'A', want: 'forward' },
  { q: 'ext.default.svc.cluster.local', type: 'A', want: ['CNAME redis.default.svc.cluster.local', 'A 10.96.0.10'] },
  { q: 'ext.default.svc.cluster.local', type: 'CNAME', want: ['CNAME redis.default.svc.cluster.local'] },
  { q: 'out.default.svc.cluster.local', type: 'A', want: ['CNAME example.com'], chase: 'example.com A' },
  { q: '10-244-1-9.default.pod.cluster.local', type: 'A', want: ['A 10.244.1.9'] },
  { q: '10-244-1-9.default.pod.cluster.local', type: 'AAAA', want: [] },
  { q: 'fd00--9.default.pod.cluster.local', type: 'AAAA', want: ['AAAA fd00::9'] },
  { q: 'foo.default.pod.cluster.local', type: 'A', rcode: Rcode.NXDOMAIN, want: [] },
  { q: 'x.10-244-1-9.default.pod.cluster.local', type: 'A', rcode: Rcode.NXDOMAIN, want: [] },
  { q: 'default.pod.cluster.local', type: 'A', want: [] },
];

test('resolver answers from the index (table)', async (t) => {
  const resolver = new Resolver({ index: fixture(), reverseCidrs: ['10.96.0.0/12'] });
  for (const c of cases) {
    await t.test(`${c.q} ${c.type}`, () => {
      const r = resolver.resolve({ name: c.q, type: c.type as RecordType });
      if (c.want === 'forward') return assert.equal(r.kind, 'forward');
      assert.equal(r.kind, 'answer');
      if (r.kind !== 'answer') return;
      assert.equal(r.rcode, c.rcode ?? Rcode.NOERROR);
      assert.deepEqual(r.answers.map(show).sort(), [...c.want].sort());
      // No answer: the SOA in authority, so resolvers cache the negative answer for its TTL.
      if (r.answers.length === 0) assert.deepEqual(r.authorities.map(show), SOA);
      if (c.additionals) assert.deepEqual(r.additionals.map(show).sort(), [...c.additionals].sort());
      assert.equal(r.chase ? `${r.chase.name} ${r.chase.type}` : undefined, c.chase);
    });
  }
});

test('answers keep the question name as asked (case)', () => {
  const r = new Resolver({ index: fixture() }).resolve({ name: 'REDIS.default.svc.cluster.local.', type: 'A' });
  assert.equal(r.kind === 'answer' ? r.answers[0]?.name : '', 'REDIS.default.svc.cluster.local');
});

test('index: replacing and removing an owner updates names and existence', () => {
  const index = fixture();
  const resolver = new Resolver({ index });
  const rcode = (name: string) => {
    const r = resolver.resolve({ name, type: 'A' });
    return r.kind === 'answer' ? r.rcode : -1;
  };
  index.replace('default/redis', serviceRecords(service('default', 'redis', { clusterIP: '10.96.0.20' }), [], ZONE), [serviceDomain('redis', 'default', ZONE)]);
  const r = resolver.resolve({ name: 'redis.default.svc.cluster.local', type: 'A' });
  assert.deepEqual(r.kind === 'answer' ? r.answers.map(show) : [], ['A 10.96.0.20']);
  assert.equal(index.get('10.0.96.10.in-addr.arpa').length, 0, 'the old PTR is gone');
  assert.equal(rcode('_redis._tcp.redis.default.svc.cluster.local'), Rcode.NXDOMAIN, 'the port went with the old spec');

  for (const name of ['redis', 'web', 'dual', 'db', 'empty-headless', 'ext', 'out']) index.replace(`default/${name}`, []);
  assert.equal(rcode('redis.default.svc.cluster.local'), Rcode.NXDOMAIN);
  assert.equal(rcode('default.svc.cluster.local'), Rcode.NXDOMAIN, 'no Service left in default');
  assert.equal(rcode('other.svc.cluster.local'), Rcode.NOERROR, 'other/pending remains');
});

test('serviceRecords: publishNotReadyAddresses serves not-ready endpoints; FQDN slices are ignored', () => {
  const svc = service('default', 'db', { clusterIP: 'None', publishNotReadyAddresses: true });
  const s = slice('default', 'db', 'a', [{ addresses: ['10.244.1.6'], conditions: { ready: false } }], []);
  const fqdn = { ...slice('default', 'db', 'b', [{ addresses: ['db.example.com'] }], []), addressType: 'FQDN' };
  const names = serviceRecords(svc, [s, fqdn], ZONE).map((r) => `${r.name} ${r.type} ${JSON.stringify(r.data)}`);
  assert.deepEqual(names.sort(), [
    '10-244-1-6.db.default.svc.cluster.local A "10.244.1.6"',
    '6.1.244.10.in-addr.arpa PTR "10-244-1-6.db.default.svc.cluster.local"',
    'db.default.svc.cluster.local A "10.244.1.6"',
  ]);
});
