// Service and networking tables: External-IP and Port(s) rules, endpoint lists, ingress hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointSliceTable, endpointsTable, ingressClassTable, ingressTable, networkPolicyTable, serviceTable } from './network.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
const meta = (name: string): Record<string, unknown> => ({ name, namespace: 'default', creationTimestamp: ago(2 * 86400) });

test('service columns', () => {
  assert.deepEqual(
    serviceTable.columns.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1]],
  );
});

const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): Record<string, unknown> => ({ metadata: meta('web'), spec, status });

const serviceCases: [string, Record<string, unknown>, unknown[]][] = [
  [
    'ClusterIP',
    svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' } }),
    ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '2d', 'app=web'],
  ],
  [
    'NodePort with two ports',
    svc({ type: 'NodePort', clusterIP: '10.96.1.1', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, nodePort: 30053, protocol: 'UDP' }], selector: { app: 'web' } }),
    ['web', 'NodePort', '10.96.1.1', '<none>', '80:30080/TCP,53:30053/UDP', '2d', 'app=web'],
  ],
  [
    'LoadBalancer pending',
    svc({ type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }),
    ['web', 'LoadBalancer', '10.96.2.2', '<pending>', '443:31443/TCP', '2d', '<none>'],
  ],
  [
    'LoadBalancer with ingress points and external IPs',
    svc({ type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], externalIPs: ['192.0.2.9'], ports: [{ port: 443, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.7' }] } }),
    ['web', 'LoadBalancer', '10.96.2.2', '203.0.113.7,lb.example.com,192.0.2.9', '443/TCP', '2d', '<none>'],
  ],
  [
    'ClusterIP with external IPs',
    svc({ type: 'ClusterIP', clusterIP: '10.96.0.11', externalIPs: ['192.0.2.1', '192.0.2.2'], ports: [{ port: 80, protocol: 'TCP' }] }),
    ['web', 'ClusterIP', '10.96.0.11', '192.0.2.1,192.0.2.2', '80/TCP', '2d', '<none>'],
  ],
  ['headless without ports', svc({ type: 'ClusterIP', clusterIP: 'None', selector: { app: 'db' } }), ['web', 'ClusterIP', 'None', '<none>', '<none>', '2d', 'app=db']],
  ['ExternalName', svc({ type: 'ExternalName', externalName: 'db.example.com' }), ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '2d', '<none>']],
];

for (const [name, obj, cells] of serviceCases) {
  test(`service cells: ${name}`, () => assert.deepEqual(serviceTable.cells(obj, NOW), cells));
}

test('endpoints: ip:port list, more than three, headless, IPv6, none', () => {
  const ep = (subsets: unknown): Record<string, unknown> => ({ metadata: meta('web'), subsets });
  const addrs = (...ips: string[]): { ip: string }[] => ips.map((ip) => ({ ip }));
  assert.deepEqual(endpointsTable.cells(ep([{ addresses: addrs('10.244.0.5', '10.244.1.7'), ports: [{ port: 8080, protocol: 'TCP' }] }]), NOW), ['web', '10.244.0.5:8080,10.244.1.7:8080', '2d']);
  assert.equal(
    endpointsTable.cells(ep([{ addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }]), NOW)[1],
    '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
  );
  assert.equal(endpointsTable.cells(ep([{ addresses: addrs('10.0.0.1', '10.0.0.2') }]), NOW)[1], '10.0.0.1,10.0.0.2');
  assert.equal(endpointsTable.cells(ep([{ addresses: addrs('fd00::1'), ports: [{ port: 80 }] }]), NOW)[1], '[fd00::1]:80');
  assert.equal(endpointsTable.cells(ep(undefined), NOW)[1], '<none>');
  assert.equal(endpointsTable.cells(ep([{ notReadyAddresses: addrs('10.0.0.9'), ports: [{ port: 80 }] }]), NOW)[1], '');
});

test('endpointslice: address type, ports, endpoints', () => {
  const slice = {
    metadata: meta('web-abc12'),
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'named' }, {}],
    endpoints: [{ addresses: ['10.244.0.5'] }, { addresses: ['10.244.1.7'] }, { addresses: ['10.244.2.2'] }, { addresses: ['10.244.3.3'] }],
  };
  assert.deepEqual(endpointSliceTable.cells(slice, NOW), ['web-abc12', 'IPv4', '8080,named,*', '10.244.0.5,10.244.1.7,10.244.2.2 + 1 more...', '2d']);
  assert.deepEqual(endpointSliceTable.cells({ metadata: meta('empty'), addressType: 'IPv4' }, NOW), ['empty', 'IPv4', '<unset>', '<unset>', '2d']);
});

test('ingress: class, hosts, address, ports', () => {
  const ing = {
    metadata: meta('web'),
    spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
    status: { loadBalancer: { ingress: [{ ip: '192.168.49.2' }] } },
  };
  assert.deepEqual(ingressTable.cells(ing, NOW), ['web', 'nginx', 'a.example.com,b.example.com', '192.168.49.2', '80, 443', '2d']);
  const bare = { metadata: meta('catchall'), spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } };
  assert.deepEqual(ingressTable.cells(bare, NOW), ['catchall', '<none>', '*', '', '80', '2d']);
  const many = { metadata: meta('many'), spec: { rules: [{ host: 'a' }, { host: 'b' }, {}, { host: 'c' }, { host: 'd' }] } };
  assert.equal(ingressTable.cells(many, NOW)[2], 'a,b,c + 2 more...');
});

test('ingressclass and networkpolicy', () => {
  const ic = { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } };
  assert.deepEqual(ingressClassTable.cells(ic, NOW), ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '2d']);
  assert.deepEqual(ingressClassTable.cells({ metadata: meta('plain'), spec: { controller: 'c' } }, NOW), ['plain', 'c', '<none>', '2d']);
  const np = { metadata: meta('deny'), spec: { podSelector: { matchLabels: { role: 'db' } }, policyTypes: ['Ingress'] } };
  assert.deepEqual(networkPolicyTable.cells(np, NOW), ['deny', 'role=db', '2d']);
  assert.deepEqual(networkPolicyTable.cells({ metadata: meta('all'), spec: { podSelector: {} } }, NOW), ['all', '<none>', '2d']);
});
