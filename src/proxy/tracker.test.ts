import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { ServiceChangeTracker, servicePorts, sliceEndpoints } from './tracker.js';

const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: 'default', name }, spec, ...(status ? { status } : {}) });
const slice = (name: string, service: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice => ({
  metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints,
  ports,
});

test('servicePorts: types, policies, affinity and LoadBalancer ingress', () => {
  const cases: { name: string; svc: Service; want: Partial<ReturnType<typeof servicePorts>[number]>[] }[] = [
    { name: 'headless', svc: svc('h', { clusterIP: 'None', ports: [{ port: 80 }] }), want: [] },
    { name: 'external name', svc: svc('x', { type: 'ExternalName', externalName: 'example.com' }), want: [] },
    { name: 'cluster IP', svc: svc('c', { clusterIP: '10.43.0.5', ports: [{ name: 'http', port: 80 }] }), want: [{ id: 'default/c:http', clusterIP: '10.43.0.5', protocol: 'TCP', externalLocal: false }] },
    {
      name: 'load balancer, Local, affinity',
      svc: svc('lb', { type: 'LoadBalancer', clusterIP: '10.43.0.6', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP', ports: [{ port: 80, nodePort: 30001, protocol: 'UDP' }] }, { loadBalancer: { ingress: [{ ip: '10.44.0.1' }] } }),
      want: [{ id: 'default/lb:', nodePort: 30001, loadBalancerIPs: ['10.44.0.1'], externalLocal: true, affinitySeconds: 10800, protocol: 'UDP' }],
    },
    { name: 'a nodePort on a ClusterIP service is ignored', svc: svc('n', { type: 'ClusterIP', clusterIP: '10.43.0.7', ports: [{ port: 80, nodePort: 30002 }] }), want: [{ nodePort: undefined }] },
  ];
  for (const c of cases) {
    const got = servicePorts(c.svc);
    assert.equal(got.length, c.want.length, c.name);
    c.want.forEach((w, i) => {
      for (const [k, v] of Object.entries(w)) assert.deepEqual((got[i] as unknown as Record<string, unknown>)[k], v, `${c.name}: ${k}`);
    });
  }
});

test('sliceEndpoints: conditions default, locality, duplicates across slices count once', () => {
  const eps = sliceEndpoints(
    'default',
    'web',
    [
      slice('a', 'web', [{ addresses: ['10.42.0.5'], nodeName: 'n1' }, { addresses: ['10.42.0.6'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'n2' }]),
      slice('b', 'web', [{ addresses: ['10.42.0.5'], conditions: { ready: false }, nodeName: 'n1' }]),
    ],
    'n1',
  );
  assert.deepEqual(eps.get('default/web:http'), [
    { ip: '10.42.0.5', port: 8080, ready: true, serving: true, terminating: false, local: true },
    { ip: '10.42.0.6', port: 8080, ready: false, serving: true, terminating: true, local: false },
  ]);
});

test('the tracker reports only the service ports that changed', () => {
  const services = new Map<string, Service>([['default/web', svc('web', { clusterIP: '10.43.0.5', ports: [{ name: 'http', port: 80 }] })], ['default/db', svc('db', { clusterIP: '10.43.0.6', ports: [{ name: 'http', port: 6379 }] })]]);
  const slices = new Map<string, EndpointSlice[]>([['default/web', [slice('w', 'web', [{ addresses: ['10.42.0.5'] }])]]]);
  const lookup = {
    getService: (ns: string, name: string) => services.get(`${ns}/${name}`),
    slicesOf: (ns: string, name: string) => slices.get(`${ns}/${name}`) ?? [],
    allServiceKeys: () => services.keys(),
  };
  const t = new ServiceChangeTracker('n1');
  const first = t.take(lookup);
  assert.equal(first.changed, 'all');
  assert.equal(first.snapshot.services.size, 2);
  assert.equal(first.snapshot.endpoints.get('default/web:http')?.length, 1);
  assert.equal(t.pending, false);

  // An unrelated resync of the same objects changes nothing.
  t.markService('default/web');
  assert.deepEqual(t.take(lookup).changed, new Set());

  slices.set('default/web', [slice('w', 'web', [{ addresses: ['10.42.0.5'] }, { addresses: ['10.42.0.7'] }])]);
  t.markSlice(slice('w', 'web', []));
  assert.deepEqual(t.take(lookup).changed, new Set(['default/web:http']));

  services.delete('default/db');
  t.markService('default/db');
  const gone = t.take(lookup);
  assert.deepEqual(gone.changed, new Set(['default/db:http']));
  assert.equal(gone.snapshot.services.has('default/db:http'), false);
});
