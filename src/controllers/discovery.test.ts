import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusError } from '../api/errors.js';
import type { RestRequest, Transport } from '../client/types.js';
import { discoverResources, preferredResources, ResourceMapper } from './discovery.js';

/** Serves the legacy discovery documents of a small cluster; `broken` group-versions answer 503. */
function server(broken: string[] = []): Transport {
  const docs: Record<string, unknown> = {
    '/api': { kind: 'APIVersions', versions: ['v1'] },
    '/api/v1': {
      groupVersion: 'v1',
      resources: [
        { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
        { name: 'pods/status', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
        { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
      ],
    },
    '/apis': {
      groups: [
        { name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }], preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' } },
        { name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } },
      ],
    },
    '/apis/autoscaling/v2': { groupVersion: 'autoscaling/v2', resources: [{ name: 'horizontalpodautoscalers', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['get', 'list', 'delete'] }] },
    '/apis/autoscaling/v1': {
      groupVersion: 'autoscaling/v1',
      resources: [
        { name: 'horizontalpodautoscalers', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['get', 'list', 'delete'] },
        { name: 'legacythings', namespaced: true, kind: 'LegacyThing', verbs: ['get'] },
      ],
    },
    '/apis/metrics.k8s.io/v1beta1': { groupVersion: 'metrics.k8s.io/v1beta1', resources: [{ name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }] },
  };
  return {
    namespace: 'default',
    request: <T>(req: RestRequest): Promise<T> => {
      if (broken.some((gv) => req.path.endsWith(gv))) return Promise.reject(statusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
      const doc = docs[req.path];
      return doc ? Promise.resolve(doc as T) : Promise.reject(statusError(404, 'NotFound', req.path));
    },
    stream: () => Promise.reject(new Error('no streams')),
  };
}

test('discovery: resources of every group-version, preferred ones marked, subresources skipped', async () => {
  const d = await discoverResources(server());
  assert.deepEqual(
    d.resources.map((r) => `${r.group}/${r.version}/${r.resource}${r.preferred ? '*' : ''}`),
    ['/v1/pods*', '/v1/namespaces*', 'autoscaling/v2/horizontalpodautoscalers*', 'autoscaling/v1/horizontalpodautoscalers', 'autoscaling/v1/legacythings', 'metrics.k8s.io/v1beta1/pods*'],
  );
  assert.equal(d.failed.size, 0);
  assert.deepEqual(
    preferredResources(d.resources).map((r) => `${r.group}/${r.version}/${r.resource}`),
    ['/v1/pods', '/v1/namespaces', 'autoscaling/v2/horizontalpodautoscalers', 'autoscaling/v1/legacythings', 'metrics.k8s.io/v1beta1/pods'],
    'one version per resource: the preferred, else the one serving it',
  );
});

test('discovery: a failing group-version is reported beside the rest', async () => {
  const d = await discoverResources(server(['metrics.k8s.io/v1beta1']));
  assert.deepEqual([...d.failed.keys()], ['metrics.k8s.io/v1beta1']);
  assert.ok(d.resources.some((r) => r.resource === 'pods' && r.group === ''));
});

test('discovery: the mapper resolves an ownerReference by its version, else the preferred one', async () => {
  const m = new ResourceMapper((await discoverResources(server())).resources);
  assert.equal(m.map('autoscaling/v1', 'HorizontalPodAutoscaler')?.version, 'v1');
  assert.equal(m.map('autoscaling/v2beta2', 'HorizontalPodAutoscaler')?.version, 'v2');
  assert.equal(m.map('v1', 'Pod')?.resource, 'pods');
  assert.equal(m.map('apps/v1', 'Deployment'), undefined);
});
