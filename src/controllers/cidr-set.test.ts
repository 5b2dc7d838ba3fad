import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet, formatIP, parseCidr } from './cidr-set.js';

test('CidrSet hands out blocks in order, round-robin, and says when it is full', () => {
  const cases: { name: string; cidr: string; mask: number; occupy?: string[]; release?: string[]; allocations: number; want: (string | undefined)[] }[] = [
    { name: 'ipv4 /16 in /24', cidr: '10.42.0.0/16', mask: 24, allocations: 3, want: ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24'] },
    { name: 'host bits are cleared', cidr: '10.42.7.9/16', mask: 24, allocations: 1, want: ['10.42.0.0/24'] },
    { name: 'occupied blocks are skipped', cidr: '10.42.0.0/16', mask: 24, occupy: ['10.42.0.0/24', '10.42.2.0/23'], allocations: 2, want: ['10.42.1.0/24', '10.42.4.0/24'] },
    { name: 'exhaustion', cidr: '10.0.0.0/30', mask: 31, allocations: 3, want: ['10.0.0.0/31', '10.0.0.2/31', undefined] },
    { name: 'a range covering the set takes all of it', cidr: '10.42.0.0/16', mask: 24, occupy: ['10.0.0.0/8'], allocations: 1, want: [undefined] },
    { name: 'out-of-range and malformed CIDRs are ignored', cidr: '10.42.0.0/16', mask: 24, occupy: ['10.43.0.0/16', 'fd00::/64', 'nonsense'], allocations: 1, want: ['10.42.0.0/24'] },
    { name: 'ipv6', cidr: 'fd42::/56', mask: 64, allocations: 2, want: ['fd42::/64', 'fd42:0:0:1::/64'] },
  ];
  for (const c of cases) {
    const s = new CidrSet(c.cidr, c.mask);
    for (const o of c.occupy ?? []) s.occupy(o);
    const got = Array.from({ length: c.allocations }, () => s.allocateNext());
    assert.deepEqual(got, c.want, c.name);
  }
});

test('CidrSet does not hand a released block out again at once, but reuses it when it must', () => {
  const s = new CidrSet('10.0.0.0/29', 31); // four blocks
  assert.equal(s.allocateNext(), '10.0.0.0/31');
  assert.equal(s.allocateNext(), '10.0.0.2/31');
  assert.ok(s.release('10.0.0.0/31'));
  assert.equal(s.allocated, 1);
  assert.equal(s.allocateNext(), '10.0.0.4/31');
  assert.equal(s.allocateNext(), '10.0.0.6/31');
  assert.equal(s.allocateNext(), '10.0.0.0/31');
  assert.equal(s.allocateNext(), undefined);
  assert.equal(s.allocated, 4);
  assert.ok(s.isOccupied('10.0.0.0/29'));
});

test('CidrSet rejects a mask that does not fit or makes too many blocks', () => {
  assert.throws(() => new CidrSet('10.42.0.0/16', 8), /does not fit/);
  assert.throws(() => new CidrSet('10.42.0.0/16', 33), /does not fit/);
  assert.throws(() => new CidrSet('10.0.0.0/8', 28), /more than 65536/);
  assert.throws(() => new CidrSet('10.0.0/8', 24), /invalid CIDR/);
});

test('IPv6 addresses print as Go prints them', () => {
  const cases: [string, string][] = [
    ['fd00::/64', 'fd00::'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1'],
    ['::/0', '::'],
    ['fd00:1:2:3:4:5:6:7/128', 'fd00:1:2:3:4:5:6:7'],
  ];
  for (const [cidr, want] of cases) {
    const p = parseCidr(cidr);
    assert.equal(formatIP(p.ip, p.bits), want, cidr);
  }
});
