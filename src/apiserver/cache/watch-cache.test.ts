import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredObject } from '../object.js';
import { WatchCache } from './watch-cache.js';

const obj = (name: string, rv: number): StoredObject => ({ metadata: { name, namespace: 'ns', resourceVersion: String(rv) } });

test('a watch asking for the initial state gets all of it, beyond the queue limit', async () => {
  const cache = new WatchCache('/registry/configmaps/', 1, 100, 10);
  for (let i = 0; i < 25; i++) cache.load(`/registry/configmaps/ns/c${i}`, obj(`c${i}`, 1));
  const w = cache.watch({ fromRevision: 0, keyPrefix: '/registry/configmaps/', filter: () => true, signal: new AbortController().signal });
  const batch = await w.next(100);
  assert.equal(batch?.length, 25);
  assert.equal(w.overflowed, false);
  // Live events are still bounded: a watcher that does not read is ended, not grown.
  for (let i = 0; i < 11; i++) cache.apply({ type: 'ADDED', key: `/registry/configmaps/ns/n${i}`, object: obj(`n${i}`, 2 + i), revision: 2 + i });
  assert.equal(w.overflowed, true);
});

test('selector transitions: leaving the selection is DELETED, entering is ADDED', async () => {
  const cache = new WatchCache('/registry/pods/', 1);
  const labelled = (v: string, rv: number): StoredObject => ({ metadata: { name: 'p', namespace: 'ns', labels: { app: v }, resourceVersion: String(rv) } });
  const w = cache.watch({ fromRevision: 1, keyPrefix: '/registry/pods/', filter: (o) => o.metadata.labels?.['app'] === 'web', signal: new AbortController().signal });
  cache.apply({ type: 'ADDED', key: '/registry/pods/ns/p', object: labelled('db', 2), revision: 2 });
  cache.apply({ type: 'MODIFIED', key: '/registry/pods/ns/p', object: labelled('web', 3), prev: labelled('db', 2), revision: 3 });
  cache.apply({ type: 'MODIFIED', key: '/registry/pods/ns/p', object: labelled('web', 4), prev: labelled('web', 3), revision: 4 });
  cache.apply({ type: 'MODIFIED', key: '/registry/pods/ns/p', object: labelled('db', 5), prev: labelled('web', 4), revision: 5 });
  const batch = await w.next(100);
  assert.deepEqual(batch?.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
});
