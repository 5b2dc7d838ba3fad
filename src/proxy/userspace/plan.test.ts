import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServicePort } from '../model.js';
import { servicePort, snapshotOf } from '../testing/fixtures.js';
import { Balancer } from './balancer.js';
import { admits, listenerSpecs, serviceAddresses, sourceFilter } from './plan.js';

const cases: { name: string; sp: ServicePort; want: string[] }[] = [
  { name: 'ClusterIP', sp: servicePort(), want: ['TCP/10.96.0.10:80 cluster'] },
  { name: 'headless', sp: servicePort({ clusterIP: undefined }), want: [] },
  { name: 'SCTP', sp: servicePort({ protocol: 'SCTP' }), want: [] },
  { name: 'TCP NodePort: one wildcard socket', sp: servicePort({ nodePort: 30080 }), want: ['TCP/10.96.0.10:80 cluster', 'TCP/0.0.0.0:30080 external'] },
  {
    name: 'UDP NodePort: wildcard plus each node address and loopback',
    sp: servicePort({ protocol: 'UDP', port: 53, nodePort: 30053 }),
    want: ['UDP/10.96.0.10:53 cluster', 'UDP/0.0.0.0:30053 external', 'UDP/192.168.77.1:30053 external', 'UDP/127.0.0.1:30053 external'],
  },
  {
    name: 'LoadBalancer with source ranges, external IP, and a duplicate address',
    sp: servicePort({ nodePort: 30080, loadBalancerIPs: ['10.97.0.1'], externalIPs: ['10.97.0.1', '203.0.113.5'], loadBalancerSourceRanges: ['192.168.77.0/24'] }),
    want: ['TCP/10.96.0.10:80 cluster', 'TCP/10.97.0.1:80 external 192.168.77.0/24', 'TCP/203.0.113.5:80 external', 'TCP/0.0.0.0:30080 external'],
  },
];

for (const c of cases) {
  test(`listenerSpecs: ${c.name}`, () => {
    const got = listenerSpecs(c.sp, ['192.168.77.1']).map((s) => [s.key, s.kind, ...s.sourceRanges].join(' '));
    assert.deepEqual(got, c.want);
  });
}

test('serviceAddresses: ClusterIPs, LoadBalancer and external IPs of served ports', () => {
  const snapshot = snapshotOf([
    [servicePort({ id: 'a', loadBalancerIPs: ['10.97.0.1'] })],
    [servicePort({ id: 'b', clusterIP: '10.96.0.11', externalIPs: ['203.0.113.5'] })],
    [servicePort({ id: 'c', clusterIP: undefined, externalIPs: ['203.0.113.9'] })],
  ]);
  assert.deepEqual([...serviceAddresses(snapshot)].sort(), ['10.96.0.10', '10.96.0.11', '10.97.0.1', '203.0.113.5']);
});

test('source ranges: CIDRs and plain addresses admit, others do not; empty admits all', () => {
  const route = (ranges: string[]) => ({ id: 'x', balancer: new Balancer(), kind: 'external' as const, allowed: sourceFilter(ranges) });
  const r = route(['192.168.77.0/24', '10.0.0.5', 'not-a-cidr', '2001:db8::/32']);
  assert.equal(admits(r, '192.168.77.2'), true);
  assert.equal(admits(r, '10.0.0.5'), true);
  assert.equal(admits(r, '10.0.0.6'), false);
  assert.equal(admits(r, '192.168.78.1'), false);
  assert.equal(admits(route([]), '8.8.8.8'), true);
});
