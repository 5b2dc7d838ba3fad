/** Which stale UDP flows a sync deletes (the kernel side is in nftables.kernel.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../util/log.js';
import { clearStaleUdp, staleUdpDeletions } from './conntrack.js';
import type { NodeNetwork, ProxySnapshot, ServiceEndpoint, ServicePort } from './model.js';
import { endpoint, servicePort, snapshotOf } from './testing/fixtures.js';

const dns = servicePort({ id: 'kube-system/dns:dns', protocol: 'UDP', port: 53, nodePort: 30053, loadBalancerIPs: ['10.97.0.5'] });
const ep = (n: number, o: Partial<ServiceEndpoint> = {}) => endpoint(n, { port: 5353, ...o });
const snap = (sp: ServicePort | undefined, eps: ServiceEndpoint[]) => snapshotOf(sp ? [[sp, eps]] : []);
const to = (ip: string) => ['--reply-src', ip, '--reply-port-src', '5353'];

test('staleUdpDeletions', () => {
  const changed = new Set([dns.id]);
  const cases: { name: string; before: ProxySnapshot | undefined; after: ProxySnapshot; changed?: ReadonlySet<string> | 'all'; want: string[][] }[] = [
    {
      name: 'an endpoint removed: its flows, by every service address and the NodePort',
      before: snap(dns, [ep(2), ep(3)]),
      after: snap(dns, [ep(2)]),
      want: [
        ['-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', ...to('10.244.1.3')],
        ['-p', 'udp', '--orig-dst', '10.97.0.5', '--orig-port-dst', '53', ...to('10.244.1.3')],
        ['-p', 'udp', '--orig-port-dst', '30053', ...to('10.244.1.3')],
      ],
    },
    {
      name: 'an endpoint no longer ready counts as removed',
      before: snap({ ...dns, nodePort: undefined, loadBalancerIPs: [] }, [ep(2), ep(3)]),
      after: snap({ ...dns, nodePort: undefined, loadBalancerIPs: [] }, [ep(2), ep(3, { ready: false })]),
      want: [['-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', ...to('10.244.1.3')]],
    },
    {
      name: 'from no endpoints to some: flows to the service addresses',
      before: snap(dns, []),
      after: snap(dns, [ep(2)]),
      want: [
        ['-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53'],
        ['-p', 'udp', '--orig-dst', '10.97.0.5', '--orig-port-dst', '53'],
        ['-p', 'udp', '--orig-port-dst', '30053'],
      ],
    },
    { name: 'first sync: live flows are left alone', before: undefined, after: snap(dns, [ep(2)]), changed: 'all', want: [] },
    { name: 'TCP ports are never touched', before: snap({ ...dns, protocol: 'TCP' }, [ep(2)]), after: snap({ ...dns, protocol: 'TCP' }, []), want: [] },
    { name: 'a port not in changed is not looked at', before: snap(dns, [ep(2)]), after: snap(dns, []), changed: new Set(['other/x:']), want: [] },
    {
      name: 'service deleted: flows to all its endpoints',
      before: snap({ ...dns, nodePort: undefined, loadBalancerIPs: [] }, [ep(2)]),
      after: snap(undefined, []),
      changed: 'all',
      want: [['-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', ...to('10.244.1.2')]],
    },
  ];
  for (const c of cases) assert.deepEqual(staleUdpDeletions(c.before, c.after, c.changed ?? changed), c.want, c.name);
});

test('clearStaleUdp: "nothing matched" is fine, other failures are logged, never thrown', async () => {
  const calls: string[][] = [];
  const warnings: string[] = [];
  let n = 0;
  const net: NodeNetwork = {
    nodeIPs: [],
    clusterCIDR: '10.244.0.0/16',
    serviceCIDR: '10.96.0.0/16',
    prefix: 'KTEST',
    link: 'k8tsproxy0',
    exec: (file, args) => {
      calls.push([file, ...args]);
      return Promise.resolve(n++ === 0 ? { code: 1, stdout: '', stderr: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.' } : { code: 1, stdout: '', stderr: 'Operation failed: invalid parameters' });
    },
  };
  const logger: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
  const runs = await clearStaleUdp(net, snap(dns, [ep(2)]), snap(dns, []), new Set([dns.id]), logger);
  assert.equal(runs, 3);
  assert.deepEqual(calls[0]?.slice(0, 2), ['conntrack', '-D']);
  assert.equal(warnings.length, 2);
});
