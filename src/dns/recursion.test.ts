import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { clientAddress, isIPv4Cidr, RecursionAcl } from './recursion.js';

test('isIPv4Cidr and clientAddress', () => {
  const cidrs: Array<[string, boolean]> = [
    ['10.244.0.0/16', true],
    ['0.0.0.0/0', true],
    ['10.0.0.1/32', true],
    ['10.0.0.1', false],
    ['10.0.0.0/33', false],
    ['10.0.0/8', false],
    ['fd00::/8', false],
    ['', false],
  ];
  for (const [text, want] of cidrs) assert.equal(isIPv4Cidr(text), want, text);
  assert.equal(clientAddress('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(clientAddress('::FFFF:10.0.0.1'), '10.0.0.1');
  assert.equal(clientAddress('fd00::1'), 'fd00::1');
  assert.equal(clientAddress(undefined), undefined);
});

test('allows the CIDRs, loopback and this machine; refuses everyone else', () => {
  const acl = new RecursionAcl({ cidrs: ['10.244.0.0/16', '10.96.0.0/12'], localAddresses: () => ['192.168.77.1', 'fe80::1'] });
  const cases: Array<[string | undefined, boolean]> = [
    ['10.244.3.7', true],
    ['10.100.0.1', true],
    ['::ffff:10.244.0.9', true],
    ['127.0.0.1', true],
    ['127.5.6.7', true],
    ['::1', true],
    ['192.168.77.1', true],
    ['::ffff:192.168.77.1', true],
    ['fe80::1', true],
    ['192.168.77.2', false],
    ['10.245.0.1', false],
    ['2001:db8::1', false],
    [undefined, false],
  ];
  for (const [ip, want] of cases) assert.equal(acl.allows(ip), want, String(ip));
  assert.throws(() => new RecursionAcl({ cidrs: ['10.0.0.1'] }), /not an IPv4 CIDR: 10\.0\.0\.1/);
});

test('a new local address is seen on a miss, re-reading at most once per refresh period', () => {
  let now = 0;
  let reads = 0;
  let local = ['192.168.77.1'];
  const acl = new RecursionAcl({ cidrs: [], now: () => now, refreshMs: 1000, localAddresses: () => (reads++, local) });
  assert.equal(acl.allows('192.168.77.1'), true);
  assert.equal(reads, 1);
  local = ['192.168.77.1', '10.97.0.5'];
  assert.equal(acl.allows('203.0.113.9'), false, 'a miss within the period reads nothing');
  assert.equal(acl.allows('10.97.0.5'), false);
  assert.equal(reads, 1);
  now = 1000;
  assert.equal(acl.allows('10.97.0.5'), true);
  assert.equal(reads, 2);
  assert.equal(acl.allows('192.168.77.1'), true, 'a hit reads nothing');
  assert.equal(reads, 2);
});

test("by default every address of this machine's interfaces is allowed", () => {
  const acl = new RecursionAcl({ cidrs: [] });
  const mine = Object.values(networkInterfaces()).flatMap((l) => l ?? []).map((a) => a.address);
  assert.ok(mine.length > 0);
  for (const ip of mine) assert.equal(acl.allows(ip), true, ip);
  assert.equal(acl.allows('203.0.113.250'), false);
});
