import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscoveryMapper, discoveryCachePath, type DiscoveryData } from './discovery.js';
import type { ResourceMapping } from './types.js';

const r = (group: string, version: string, resource: string, kind: string, extra: Partial<ResourceMapping> = {}): ResourceMapping => ({
  group, version, resource, kind, singular: kind.toLowerCase(), namespaced: true, shortNames: [], verbs: ['get', 'list'], categories: [], subresources: [], ...extra,
});

const data: DiscoveryData = {
  groupVersions: ['v1', 'apps/v1', 'autoscaling/v2', 'autoscaling/v1', 'events.k8s.io/v1'],
  preferred: { '': 'v1', apps: 'v1', autoscaling: 'v2', 'events.k8s.io': 'v1' },
  resources: [
    r('', 'v1', 'pods', 'Pod', { shortNames: ['po'], categories: ['all'] }),
    r('', 'v1', 'events', 'Event', { shortNames: ['ev'] }),
    r('', 'v1', 'nodes', 'Node', { namespaced: false, shortNames: ['no'] }),
    r('apps', 'v1', 'deployments', 'Deployment', { shortNames: ['deploy'], categories: ['all'] }),
    r('autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', { shortNames: ['hpa'] }),
    r('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', { shortNames: ['hpa'], categories: ['all'] }),
    r('events.k8s.io', 'v1', 'events', 'Event', { shortNames: ['ev'] }),
  ],
};

test('resolves plural, singular, short name, kind, and qualified forms to the preferred version', async () => {
  const m = DiscoveryMapper.fromData(data);
  for (const text of ['pods', 'pod', 'po', 'Pod', 'pods.v1.', 'PODS']) assert.equal((await m.resolve(text)).resource, 'pods', text);
  assert.equal((await m.resolve('deploy')).group, 'apps');
  assert.equal((await m.resolve('deployments.apps')).kind, 'Deployment');
  assert.equal((await m.resolve('deploy.v1.apps')).version, 'v1');
  assert.equal((await m.resolve('hpa')).version, 'v2');
  assert.equal((await m.resolve('hpa.v1.autoscaling')).version, 'v1');
  // The core group wins a shared name; the qualified form reaches the other.
  assert.equal((await m.resolve('events')).group, '');
  assert.equal((await m.resolve('events.events.k8s.io')).group, 'events.k8s.io');
});

test('unknown types fail with kubectl wording; kinds map from apiVersion', async () => {
  const m = DiscoveryMapper.fromData(data);
  await assert.rejects(m.resolve('foos'), /the server doesn't have a resource type "foos"/);
  assert.equal((await m.forKind('apps/v1', 'Deployment')).resource, 'deployments');
  await assert.rejects(m.forKind('example.com/v1', 'Foo'), /no matches for kind "Foo" in version "example.com\/v1"/);
});

test('categories and all() list each resource once, in the preferred version', () => {
  const m = DiscoveryMapper.fromData(data);
  assert.deepEqual(m.category('all').map((x) => `${x.resource}/${x.version}`), ['pods/v1', 'deployments/v1', 'horizontalpodautoscalers/v2']);
  assert.equal(m.all().filter((x) => x.resource === 'horizontalpodautoscalers').length, 1);
});

test('cache paths are per server', () => {
  assert.equal(discoveryCachePath('/c', 'https://127.0.0.1:6443'), '/c/discovery/127.0.0.1_6443/k8ts-discovery.json');
});
