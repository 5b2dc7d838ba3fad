// The API server's own objects: the `kubernetes` Service, Endpoints and EndpointSlice, written once,
// left alone on a restart with the same address, rewritten when the address or port changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMemoryStore } from '../storage/memory.js';
import { createLogger } from '../util/log.js';
import { ClusterAdmission } from './admission.js';
import { bootstrap, KUBERNETES_SLICE, type BootstrapOptions } from './bootstrap.js';
import { CacheSet } from './cache/cache-set.js';
import { registerConverters } from './conversion.js';
import { hooksFor } from './hooks.js';
import { Registry } from './registry.js';
import { RestHandler } from './rest/handler.js';
import type { StoredObject } from './object.js';

const log = createLogger('bootstrap-test', { write: () => true } as unknown as NodeJS.WritableStream);

async function apiServer(signal: AbortSignal) {
  const store = openMemoryStore();
  const registry = new Registry();
  registerConverters(registry);
  const caches = new CacheSet(store, log);
  const admission = new ClusterAdmission(registry, caches, '10.43.0.0/16');
  const following = await caches.start(registry.stored().map((r) => r.prefix), signal);
  admission.rebuild();
  const rest = new RestHandler({ registry, store, caches, admission, hooksFor, log });
  const get = (group: string, plural: string, ns: string, name: string): StoredObject | undefined => {
    const r = registry.lookup(group, 'v1', plural);
    assert.ok(r);
    const s = rest.storeFor(r);
    return s.cache().get(s.key(ns, name));
  };
  const run = async (o: Partial<BootstrapOptions> = {}) => {
    await bootstrap(registry, rest, { clusterIp: '10.43.0.1', advertiseAddress: '192.0.2.10', securePort: 6443, ...o }, log);
    await caches.waitFor(await store.currentRevision());
  };
  return { run, get, following };
}

test('bootstrap writes the kubernetes EndpointSlice beside the Endpoints and keeps it current', async (t) => {
  const ac = new AbortController();
  const api = await apiServer(ac.signal);
  t.after(async () => {
    ac.abort();
    await api.following.done;
  });
  const slice = () => api.get('discovery.k8s.io', 'endpointslices', KUBERNETES_SLICE.namespace, KUBERNETES_SLICE.name);

  await api.run();
  const first = slice();
  assert.ok(first, 'slice created');
  assert.deepEqual(first.metadata.labels, { 'kubernetes.io/service-name': 'kubernetes' });
  assert.equal(first.metadata.ownerReferences, undefined);
  assert.equal(first['addressType'], 'IPv4');
  assert.deepEqual(first['endpoints'], [{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
  assert.deepEqual(first['ports'], [{ name: 'https', port: 6443, protocol: 'TCP' }]);
  const ep = api.get('', 'endpoints', 'default', 'kubernetes');
  assert.deepEqual(ep?.['subsets'], [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);

  await api.run();
  assert.equal(slice()?.metadata.resourceVersion, first.metadata.resourceVersion, 'a restart with the same address writes nothing');

  await api.run({ advertiseAddress: '192.0.2.11', securePort: 7443 });
  assert.deepEqual(slice()?.['endpoints'], [{ addresses: ['192.0.2.11'], conditions: { ready: true } }]);
  assert.deepEqual(slice()?.['ports'], [{ name: 'https', port: 7443, protocol: 'TCP' }]);
  assert.equal(slice()?.metadata.uid, first.metadata.uid, 'updated in place');

  await api.run({ advertiseAddress: '2001:db8::10' });
  assert.equal(slice()?.['addressType'], 'IPv6');
  assert.deepEqual(slice()?.['endpoints'], [{ addresses: ['2001:db8::10'], conditions: { ready: true } }]);
  assert.notEqual(slice()?.metadata.uid, first.metadata.uid, 'another family: replaced');
});
