/**
 * The proxy's sync loop against a fake API server and a recording backend: the first sync is full,
 * later ones name only what changed, a failed sync is retried in full, and the loop stops (closing
 * the backend) when its signal aborts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { startFakeApiServer } from '../client/testing/fake-apiserver.js';
import { fakeBuiltInResources } from '../client/testing/fake-transport.js';
import type { Logger } from '../util/log.js';
import type { ProxyBackend, SyncRequest } from './model.js';
import { runProxy } from './proxy.js';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

class RecordingBackend implements ProxyBackend {
  readonly mode = 'iptables' as const;
  readonly syncs: SyncRequest[] = [];
  failNext = 0;
  closed = false;
  sync(req: SyncRequest): Promise<void> {
    this.syncs.push(req);
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('injected failure'));
    }
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  cleanup(): Promise<void> {
    return Promise.resolve();
  }
}

async function until(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`never: ${what}`);
}

async function setup(t: TestContext) {
  const api = await startFakeApiServer({ resources: fakeBuiltInResources });
  t.after(() => api.close());
  const transport = new RestClient({ server: api.url }, { qps: 0 });
  t.after(() => transport.close());
  const services = new ResourceClient<Service>(transport, resources.services);
  const slices = new ResourceClient<EndpointSlice>(transport, resources.endpointslices);
  await services.create({ metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] } });
  const backend = new RecordingBackend();
  const ac = new AbortController();
  const done = runProxy({ transport, backend, nodeName: 'n1', minSyncPeriodMs: 0, logger: quiet }, ac.signal);
  t.after(async () => {
    ac.abort();
    await done;
  });
  return { services, slices, backend, ac, done };
}

const slice = (name: string, ips: string[]): EndpointSlice => ({
  metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'n1' })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

test('the first sync is full; an endpoint change syncs just that port; a failure is retried in full', async (t) => {
  const { services, slices, backend } = await setup(t);
  await until('the first sync', () => backend.syncs.length >= 1);
  assert.equal(backend.syncs[0]?.changed, 'all');
  assert.deepEqual([...(backend.syncs[0]?.snapshot.services.keys() ?? [])], ['default/web:http']);

  await slices.create(slice('web-1', ['10.244.1.2', '10.244.1.3']));
  await until('a sync with the endpoints', () => backend.syncs.at(-1)?.snapshot.endpoints.get('default/web:http')?.length === 2);
  const last = backend.syncs.at(-1);
  assert.deepEqual(last?.changed, new Set(['default/web:http']));

  // An unrelated Service arrives while the backend fails once: the retry is a full sync with both.
  backend.failNext = 1;
  const before = backend.syncs.length;
  await services.create({ metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: '10.96.0.11', ports: [{ name: 'redis', port: 6379 }] } });
  await until('the failed sync and its full retry', () => backend.syncs.length >= before + 2);
  const retry = backend.syncs[before + 1];
  assert.equal(retry?.changed, 'all');
  assert.deepEqual([...(retry?.snapshot.services.keys() ?? [])].sort(), ['default/db:redis', 'default/web:http']);
  assert.equal(retry?.snapshot.endpoints.get('default/web:http')?.length, 2, 'the full retry still carries the endpoints');
});

test('a malformed slice is skipped, not fatal; the loop ends and closes the backend when told', async (t) => {
  const { slices, backend, ac, done } = await setup(t);
  await until('the first sync', () => backend.syncs.length >= 1);
  // Other clients' slices are not validated: a null endpoint list must not stop the proxy.
  await slices.create({ ...slice('broken', []), endpoints: null } as unknown as EndpointSlice);
  assert.equal((await slices.get('broken', { namespace: 'default' })).endpoints, null, 'the fake API stored it as sent');
  await slices.create(slice('web-1', ['10.244.1.2']));
  await until('the good slice is synced', () => backend.syncs.at(-1)?.snapshot.endpoints.get('default/web:http')?.length === 1);
  ac.abort();
  await done;
  assert.equal(backend.closed, true);
});
