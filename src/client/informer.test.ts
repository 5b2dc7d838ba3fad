import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from '../api/generated/core/v1.js';
import { Informer, type EventHandler } from './informer.js';
import { RestClient } from './rest.js';
import { FakeClock, flush, until } from './testing/fake-clock.js';
import { fakeOrSkip, serverFactory, uniqueName, type ServerUnderTest } from './testing/harness.js';
import type { ResourceClient } from './resource.js';

const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Rig {
  sut: ServerUnderTest;
  cms: ResourceClient<ConfigMap>;
  log: string[];
  label: string;
  handler: EventHandler<ConfigMap>;
}

async function rig(fn: (r: Rig) => Promise<void>, sut?: ServerUnderTest): Promise<void> {
  const s = sut ?? (await serverFactory()());
  const client = new RestClient({ ...s.config, namespace: s.namespace }, { qps: 0 });
  const log: string[] = [];
  const handler: EventHandler<ConfigMap> = {
    onAdd: (o, initial) => log.push(`add ${o.metadata?.name ?? ''}${initial ? ' (initial)' : ''}`),
    onUpdate: (a, b) => log.push(`update ${b.metadata?.name ?? ''} ${a.data?.['v'] ?? '-'}->${b.data?.['v'] ?? '-'}`),
    onDelete: (o, unknown) => log.push(`delete ${o.metadata?.name ?? ''}${unknown ? ' (unknown)' : ''}`),
  };
  try {
    await fn({ sut: s, cms: client.resource<ConfigMap>(configmaps), log, label: uniqueName('inf'), handler });
  } finally {
    client.close();
    await s.close();
  }
}

function start(r: Rig, opts: { pageSize?: number; clock?: FakeClock; resyncPeriodMs?: number } = {}) {
  const informer = new Informer<ConfigMap>({ source: r.cms, namespace: r.sut.namespace, labelSelector: `set=${r.label}`, backoff: { initialMs: 10, maxMs: 40 }, logger: quiet, ...opts });
  informer.addEventHandler(r.handler);
  const ac = new AbortController();
  const done = informer.run(ac.signal);
  return { informer, stop: async () => { ac.abort(); await done; } };
}

const mk = (r: Rig, name: string, v = '1'): ConfigMap => ({ metadata: { name: `${r.label}-${name}`, labels: { set: r.label } }, data: { v } });

test('lists in pages, then watches; handlers see every change in order', () =>
  rig(async (r) => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await r.cms.create(mk(r, n));
    const { informer, stop } = start(r, { pageSize: 2 });
    try {
      assert.equal(await informer.waitForSync(), true);
      assert.equal(informer.store.size, 5);
      assert.deepEqual(r.log, ['a', 'b', 'c', 'd', 'e'].map((n) => `add ${r.label}-${n} (initial)`));
      const lists = r.sut.fake?.requests.filter((q) => q.method === 'GET' && !q.query.has('watch'));
      if (lists) assert.deepEqual(lists.map((q) => [q.query.get('limit'), q.query.has('continue')]), [['2', false], ['2', true], ['2', true]]);
      r.log.length = 0;
      const b = informer.store.getByName(r.sut.namespace, `${r.label}-b`);
      assert.ok(b);
      await r.cms.update({ ...b, data: { v: '2' } });
      await r.cms.create(mk(r, 'f'));
      await r.cms.delete(`${r.label}-a`);
      await r.cms.create({ metadata: { name: `${r.label}-other`, labels: { set: 'not-ours' } } });
      await until(() => r.log.length >= 3, 3000, 'watch events');
      assert.deepEqual(r.log, [`update ${r.label}-b 1->2`, `add ${r.label}-f`, `delete ${r.label}-a`]);
      assert.equal(informer.store.size, 5);
      assert.equal(informer.store.getByName(r.sut.namespace, `${r.label}-b`)?.data?.['v'], '2');
      const watch = r.sut.fake?.requests.find((q) => q.query.get('watch') === 'true');
      if (watch) assert.equal(watch.query.get('allowWatchBookmarks'), 'true');
      await r.cms.deleteCollection({ namespace: r.sut.namespace, labelSelector: `set in (${r.label},not-ours)` });
    } finally {
      await stop();
    }
  }));

test('a dropped watch resumes from the last resourceVersion without relisting', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await rig(async (r) => {
    await r.cms.create(mk(r, 'a'));
    const { informer, stop } = start(r);
    try {
      await informer.waitForSync();
      await r.cms.patch(`${r.label}-a`, { data: { v: '2' } });
      await until(() => r.log.length === 2, 3000, 'the update');
      const seenRv = informer.lastResourceVersion();
      fake.closeWatches();
      await r.cms.patch(`${r.label}-a`, { data: { v: '3' } });
      await until(() => r.log.length === 3, 3000, 'the update after reconnect');
      assert.equal(r.log[2], `update ${r.label}-a 2->3`);
      const watches = fake.requests.filter((q) => q.query.get('watch') === 'true');
      assert.equal(watches.length, 2);
      assert.equal(watches[1]?.query.get('resourceVersion'), seenRv);
      assert.equal(fake.requests.filter((q) => q.method === 'GET' && !q.query.has('watch')).length, 1, 'no relist');
      fake.bookmark();
      await until(() => informer.lastResourceVersion() === String(fake.state.rv), 3000, 'the bookmark');
    } finally {
      await stop();
    }
  }, sut);
});

test('410 Expired relists, and objects that vanished meanwhile are deleted', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await rig(async (r) => {
    for (const n of ['a', 'b']) await r.cms.create(mk(r, n));
    const { informer, stop } = start(r);
    try {
      await informer.waitForSync();
      r.log.length = 0;
      // Cut the informer off, change things behind its back, then compact the history away.
      fake.intercept = (q) => (q.query.get('watch') === 'true' ? { code: 500, text: 'watch unavailable' } : undefined);
      fake.closeWatches();
      await r.cms.delete(`${r.label}-a`);
      await r.cms.patch(`${r.label}-b`, { data: { v: '9' } });
      await r.cms.create(mk(r, 'c'));
      fake.compact();
      fake.intercept = undefined;
      await until(() => r.log.length === 3, 3000, 'the relist');
      assert.deepEqual([...r.log].sort(), [`add ${r.label}-c`, `delete ${r.label}-a (unknown)`, `update ${r.label}-b 1->9`]);
      assert.deepEqual(informer.store.keys().sort(), [`default/${r.label}-b`, `default/${r.label}-c`]);
      assert.equal(fake.requests.filter((q) => q.method === 'GET' && !q.query.has('watch')).length, 2, 'one relist');
    } finally {
      await stop();
    }
  }, sut);
});

test('errors back off exponentially on the injected clock', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await rig(async (r) => {
    fake.intercept = () => ({ code: 500, text: 'down' });
    const clock = new FakeClock();
    const { informer, stop } = start(r, { clock });
    try {
      const attempts = () => fake.requests.length;
      await until(() => attempts() === 1 && clock.pending === 1, 3000, 'first attempt');
      clock.advance(9);
      await flush(10);
      assert.equal(attempts(), 1, 'no retry before the backoff');
      clock.advance(1);
      await until(() => attempts() === 2 && clock.pending === 1, 3000, 'second attempt');
      clock.advance(19);
      await flush(10);
      assert.equal(attempts(), 2, 'the backoff doubled');
      fake.intercept = undefined;
      clock.advance(1);
      assert.equal(await informer.waitForSync(), true);
    } finally {
      await stop();
    }
  }, sut);
});

test('resync, late handlers, and stopping before the first sync', async () => {
  await rig(async (r) => {
    await r.cms.create(mk(r, 'a'));
    const clock = new FakeClock();
    const { informer, stop } = start(r, { clock, resyncPeriodMs: 60_000 });
    try {
      await informer.waitForSync();
      const late: string[] = [];
      informer.addEventHandler({ onAdd: (o) => late.push(o.metadata?.name ?? '') });
      assert.deepEqual(late, [`${r.label}-a`]);
      r.log.length = 0;
      clock.advance(60_000);
      assert.deepEqual(r.log, [`update ${r.label}-a 1->1`]);
      await r.cms.delete(`${r.label}-a`);
    } finally {
      await stop();
    }
    // An informer that never synced: waitForSync answers false and run resolves once its signal aborts.
    const never = new Informer<ConfigMap>({
      source: {
        list: (o) => new Promise((_, reject) => o.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
        watch: async function* () {},
      },
      logger: quiet,
    });
    const ac = new AbortController();
    const run = never.run(ac.signal);
    const waiting = never.waitForSync(ac.signal);
    ac.abort();
    assert.equal(await waiting, false);
    await run;
    assert.equal(never.hasSynced(), false);
  });
});
