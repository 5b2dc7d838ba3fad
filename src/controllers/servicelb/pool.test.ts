// The service-lb address pool: parsing the setting, claims, round-robin allocation, release.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPool, canonicalIP } from './pool.js';

test('pool setting: CIDRs (no network/broadcast address), ranges, single addresses, IPv6', () => {
  const cases: { spec: string; family: 'IPv4' | 'IPv6'; size: bigint; in: string[]; out: string[] }[] = [
    { spec: '10.44.0.0/24', family: 'IPv4', size: 254n, in: ['10.44.0.1', '10.44.0.254'], out: ['10.44.0.0', '10.44.0.255', '10.44.1.1'] },
    { spec: '10.44.0.0/31', family: 'IPv4', size: 2n, in: ['10.44.0.0', '10.44.0.1'], out: ['10.44.0.2'] },
    { spec: ' 10.44.0.10-10.44.0.12 , 10.45.0.1 ', family: 'IPv4', size: 4n, in: ['10.44.0.10', '10.44.0.12', '10.45.0.1'], out: ['10.44.0.13', '10.45.0.2'] },
    { spec: 'fd44::/126', family: 'IPv6', size: 3n, in: ['fd44::1', 'fd44::3', 'FD44:0::2'], out: ['fd44::', 'fd44::4'] },
  ];
  for (const c of cases) {
    const p = new AddressPool(c.spec);
    assert.equal(p.size(c.family), c.size, c.spec);
    for (const ip of c.in) assert.ok(p.contains(ip), `${c.spec} has ${ip}`);
    for (const ip of c.out) assert.ok(!p.contains(ip), `${c.spec} lacks ${ip}`);
  }
});

test('pool setting: malformed entries are rejected, naming them', () => {
  for (const [spec, re] of [
    ['', /has no addresses/],
    ['10.44.0.0/33', /invalid CIDR "10.44.0.0\/33"/],
    ['10.44.0.9-10.44.0.1', /ends before it starts/],
    ['10.44.0.1-fd44::1', /mixes IPv4 and IPv6/],
    ['bogus', /invalid address or range "bogus"/],
    ['10.44.0.0/24,10.44.0.5-10.44.0.9', /overlap/],
  ] as const) {
    assert.throws(() => new AddressPool(spec), re, spec);
  }
});

test('pool: round-robin allocation, claims, release, exhaustion', () => {
  const p = new AddressPool('10.0.0.1-10.0.0.2,10.0.1.5');
  assert.equal(p.allocate('a', 'IPv4'), '10.0.0.1');
  assert.ok(p.claim('10.0.1.5', 'b'));
  assert.ok(!p.claim('10.0.1.5', 'c'), 'held by another');
  assert.ok(p.claim('10.0.1.5', 'b'), 'held by itself');
  assert.equal(p.allocate('c', 'IPv4'), '10.0.0.2');
  assert.equal(p.allocate('d', 'IPv4'), undefined);
  assert.equal(p.allocate('d', 'IPv6'), undefined);
  assert.ok(!p.release('10.0.0.1', 'b'), 'only the holder releases');
  assert.deepEqual(p.releaseAll('a'), ['10.0.0.1']);
  assert.equal(p.allocate('d', 'IPv4'), '10.0.0.1');
  p.release('10.0.0.2', 'c');
  p.release('10.0.0.1', 'd');
  // The search goes on from the last address handed out, so 10.0.0.2 (freed later) comes before 10.0.0.1.
  assert.equal(p.allocate('e', 'IPv4'), '10.0.0.2');
  assert.deepEqual(p.held('b'), ['10.0.1.5']);
  assert.equal(p.ownerOf('10.0.1.5'), 'b');
});

test('canonicalIP', () => {
  assert.equal(canonicalIP('FD44:0:0::01'), 'fd44::1');
  assert.equal(canonicalIP('10.44.0.1'), '10.44.0.1');
  assert.equal(canonicalIP('10.44.0.256'), undefined);
});
