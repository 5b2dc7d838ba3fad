import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { resources } from '../client/resources.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import { MANAGED_BY, publishDnsService } from './publish.js';

const opts = (transport: FakeTransport, port: number, nodeIP = '192.168.1.10') => ({ transport, clusterIP: '10.96.0.10', nodeIP, port });

test('creates the kube-dns Service, Endpoints and EndpointSlice pointing at the bound port', async () => {
  const tr = new FakeTransport();
  assert.equal(await publishDnsService(opts(tr, 5353)), '10.96.0.10');
  const svc = tr.object<Service>(resources.services, 'kube-system', 'kube-dns');
  assert.equal(svc?.spec?.clusterIP, '10.96.0.10');
  assert.equal(svc?.spec?.selector, undefined);
  assert.equal(svc?.metadata?.labels?.['k8s-app'], 'kube-dns');
  assert.deepEqual(svc?.spec?.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP']);
  assert.deepEqual(svc?.spec?.ports?.map((p) => p.targetPort), ['dns', 'dns-tcp'], 'by name: only the endpoints know the bound port');
  const ep = tr.object<Endpoints>(resources.endpoints, 'kube-system', 'kube-dns');
  assert.deepEqual(ep?.subsets?.[0]?.addresses?.map((a) => a.ip), ['192.168.1.10']);
  assert.deepEqual(ep?.subsets?.[0]?.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`), ['dns 5353/UDP', 'dns-tcp 5353/TCP']);
  const slice = tr.object<EndpointSlice>(resources.endpointslices, 'kube-system', 'kube-dns');
  assert.equal(slice?.metadata?.labels?.['kubernetes.io/service-name'], 'kube-dns');
  assert.equal(slice?.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], MANAGED_BY);
  assert.equal(slice?.addressType, 'IPv4');
  assert.deepEqual(slice?.endpoints.map((e) => [e.addresses, e.conditions?.ready]), [[['192.168.1.10'], true]]);
  assert.deepEqual(slice?.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`), ['dns 5353/UDP', 'dns-tcp 5353/TCP']);
  assert.equal(slice?.metadata?.ownerReferences?.[0]?.uid, svc?.metadata?.uid);
});

test('idempotent: a second run writes nothing; a new port or node IP updates only the endpoints', async () => {
  const tr = new FakeTransport();
  await publishDnsService(opts(tr, 5353));
  tr.clearActions();
  await publishDnsService(opts(tr, 5353));
  assert.deepEqual(tr.writes(), []);
  await publishDnsService(opts(tr, 40053, '192.168.1.11'));
  assert.deepEqual(tr.writes(), ['update endpoints kube-system/kube-dns', 'update endpointslices kube-system/kube-dns']);
  const slice = tr.object<EndpointSlice>(resources.endpointslices, 'kube-system', 'kube-dns');
  assert.deepEqual(slice?.ports?.map((p) => p.port), [40053, 40053]);
  assert.deepEqual(slice?.endpoints[0]?.addresses, ['192.168.1.11']);
});

test('an existing Service with a selector loses it and keeps its other ports and ClusterIP', async () => {
  const tr = new FakeTransport();
  tr.seed<Service>(resources.services, {
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { team: 'dns' } },
    spec: {
      clusterIP: '10.96.0.99',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
    },
  });
  assert.equal(await publishDnsService(opts(tr, 53)), '10.96.0.99', 'the ClusterIP is immutable');
  const svc = tr.object<Service>(resources.services, 'kube-system', 'kube-dns');
  assert.equal(svc?.spec?.selector, undefined);
  assert.equal(svc?.metadata?.labels?.['team'], 'dns');
  assert.deepEqual(svc?.spec?.ports?.map((p) => `${p.name}>${String(p.targetPort)}`), ['dns>dns', 'dns-tcp>dns-tcp', 'metrics>undefined'], 'a numeric targetPort of an older publish becomes the name');
});
