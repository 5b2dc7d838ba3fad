import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { EndpointSlice } from '../../api/generated/discovery/v1.js';
import { describeProbe } from './containers.js';
import { semanticEqual, splitReplicaSets } from './deployment.js';
import { capIndexes } from './job.js';
import { nodeRoles } from './node.js';
import { formatEndpointSlices } from './service.js';

test('describeProbe: each handler as kubectl words it', () => {
  const t = { initialDelaySeconds: 1, timeoutSeconds: 2, periodSeconds: 3, successThreshold: 1, failureThreshold: 4 };
  const attrs = 'delay=1s timeout=2s period=3s #success=1 #failure=4';
  assert.equal(describeProbe({ ...t, httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' } }), `http-get http://:8080/healthz ${attrs}`);
  assert.equal(describeProbe({ ...t, httpGet: { host: '::1', path: 'x', port: 'web', scheme: 'HTTPS' } }), `http-get https://[::1]:web/x ${attrs}`);
  assert.equal(describeProbe({ ...t, tcpSocket: { port: 'http' } }), `tcp-socket :http ${attrs}`);
  assert.equal(describeProbe({ ...t, exec: { command: ['cat', '/tmp/ok'] } }), `exec [cat /tmp/ok] ${attrs}`);
  assert.equal(describeProbe({ ...t, grpc: { port: 9000, service: '' } }), `grpc <pod>:9000  ${attrs}`);
  assert.equal(describeProbe(t), `unknown ${attrs}`);
});

const slice = (ready: (boolean | undefined)[], ports?: { name: string; port: number }[]): EndpointSlice => ({
  addressType: 'IPv4',
  endpoints: ready.map((r, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: r === undefined ? {} : { ready: r } })),
  ports,
});

test('formatEndpointSlices: ready endpoints of the named port, three at most', () => {
  assert.equal(formatEndpointSlices([], ''), '<none>');
  assert.equal(formatEndpointSlices([slice([true, false, undefined], [{ name: '', port: 80 }])], ''), '10.0.0.1:80,10.0.0.3:80');
  assert.equal(formatEndpointSlices([slice([true, true, true, true, true], [{ name: 'web', port: 80 }])], 'web'), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
  assert.equal(formatEndpointSlices([slice([true], [{ name: 'other', port: 80 }])], 'web'), '');
  assert.equal(formatEndpointSlices([slice([true, true])], ''), '10.0.0.1,10.0.0.2');
});

test('splitReplicaSets: the oldest controlled RS with the same template is new; old ones need replicas', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'v2' }] } };
  const d: Deployment = { metadata: { uid: 'd1' }, spec: { selector: {}, template } };
  const rs = (name: string, created: string, image: string, replicas: number, owner = 'd1'): ReplicaSet => ({
    metadata: { name, creationTimestamp: created, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner, controller: true }] },
    spec: { replicas, selector: {}, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image }], volumes: [] } } },
  });
  const { newRS, oldRSs } = splitReplicaSets(d, [
    rs('b-new', '2026-01-02T00:00:00Z', 'v2', 2),
    rs('a-old', '2026-01-01T00:00:00Z', 'v1', 1),
    rs('c-scaled-down', '2026-01-01T00:00:00Z', 'v0', 0),
    rs('d-foreign', '2026-01-01T00:00:00Z', 'v2', 1, 'other'),
  ]);
  assert.equal(newRS?.metadata?.name, 'b-new');
  assert.deepEqual(
    oldRSs.map((r) => r.metadata?.name),
    ['a-old'],
  );
  assert.equal(semanticEqual({ a: [], b: null }, {}), true);
  assert.equal(semanticEqual({ a: [1] }, { a: [2] }), false);
});

test('capIndexes and nodeRoles', () => {
  assert.equal(capIndexes(''), '<none>');
  assert.equal(capIndexes('1-3,5'), '1-3,5');
  const long = Array.from({ length: 40 }, (_, i) => String(i * 2)).join(',');
  assert.equal(capIndexes(long), `${long.slice(0, long.indexOf(',', 50) + 1)}...`);
  assert.deepEqual(nodeRoles({ 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'worker' }), ['control-plane', 'worker']);
});
