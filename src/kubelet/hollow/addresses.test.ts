import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePodCidr, hollowNodeIP, parseCidr, PodIpAllocator } from './addresses.js';

test('fake node IPs and pod CIDRs are distinct per node and stay in their ranges', () => {
  const cases: [index: number, ip: string, cidr: string][] = [
    [0, '10.255.0.1', '10.64.0.0/24'],
    [1, '10.255.0.2', '10.64.1.0/24'],
    [255, '10.255.1.0', '10.64.255.0/24'],
    [4999, '10.255.19.136', '10.83.135.0/24'],
  ];
  for (const [i, ip, cidr] of cases) {
    assert.equal(hollowNodeIP(i), ip, `node ip ${i}`);
    assert.equal(fakePodCidr(i), cidr, `pod cidr ${i}`);
  }
  assert.equal(fakePodCidr(3, '192.168.0.0/23'), '192.168.1.0/24', 'wraps inside a small base');
});

test('parseCidr rejects what is not IPv4', () => {
  for (const bad of ['10.0.0.0', '10.0.0.0/33', 'fd00::/64', '300.0.0.0/8']) assert.throws(() => parseCidr(bad), /not an IPv4 CIDR/, bad);
  assert.deepEqual(parseCidr('10.1.2.3/24'), { base: (10 * 256 + 1) * 256 * 256 + 2 * 256, size: 256 });
});

test('the pod IP allocator skips network and gateway, honours reservations, and reuses released IPs', () => {
  const a = new PodIpAllocator('10.64.0.0/24');
  a.reserve('10.64.0.3');
  a.reserve('192.168.0.1'); // outside: ignored
  assert.deepEqual([a.allocate(), a.allocate()], ['10.64.0.2', '10.64.0.4']);
  const all = new Set<string>();
  for (let i = 0; i < 250; i++) all.add(a.allocate());
  assert.ok(!all.has('10.64.0.0') && !all.has('10.64.0.1') && !all.has('10.64.0.255'));
  a.release('10.64.0.2');
  const small = new PodIpAllocator('10.0.0.0/29'); // .2 … .6 usable
  const got = [1, 2, 3, 4, 5].map(() => small.allocate());
  assert.deepEqual(got, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  small.release('10.0.0.4');
  assert.equal(small.allocate(), '10.0.0.4');
});
