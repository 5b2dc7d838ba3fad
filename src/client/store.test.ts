import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectKey, splitKey, Store } from './store.js';
import type { KubeObject } from './types.js';

const obj = (ns: string, name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { namespace: ns || undefined, name, labels } });

test('keys, namespace index and custom indexes follow updates and removals', () => {
  const s = new Store<KubeObject>({ byApp: (o) => (o.metadata?.labels?.['app'] ? [o.metadata.labels['app']] : []) });
  s.upsert(obj('a', 'x', { app: 'web' }));
  s.upsert(obj('b', 'y', { app: 'web' }));
  s.upsert(obj('', 'node1'));
  assert.deepEqual(s.keys().sort(), ['a/x', 'b/y', 'node1']);
  assert.deepEqual(s.byIndex('byApp', 'web').map(objectKey).sort(), ['a/x', 'b/y']);
  assert.deepEqual(s.listByNamespace('a').map(objectKey), ['a/x']);
  const old = s.upsert(obj('a', 'x', { app: 'db' }));
  assert.equal(old?.metadata?.labels?.['app'], 'web');
  assert.deepEqual(s.byIndex('byApp', 'web').map(objectKey), ['b/y']);
  assert.deepEqual(s.byIndex('byApp', 'db').map(objectKey), ['a/x']);
  s.remove('b/y');
  assert.deepEqual(s.byIndex('byApp', 'web'), []);
  assert.deepEqual(s.indexValues('byApp'), ['db']);
  assert.equal(s.getByName('a', 'x')?.metadata?.name, 'x');
  assert.throws(() => s.byIndex('nope', 'v'), /index "nope" does not exist/);
  assert.throws(() => s.addIndexers({ byApp: () => [] }), /already exists/);
});

test('an indexer added later indexes what is already there', () => {
  const s = new Store<KubeObject>();
  s.upsert(obj('a', 'x', { tier: 'fe' }));
  s.addIndexers({ tier: (o) => [o.metadata?.labels?.['tier'] ?? ''] });
  assert.equal(s.byIndex('tier', 'fe').length, 1);
});

test('cached objects are frozen: mutating one throws instead of corrupting the cache', () => {
  const s = new Store<KubeObject>();
  const o = obj('a', 'x', { app: 'web' });
  s.upsert(o);
  const cached = s.get('a/x');
  assert.ok(cached?.metadata?.labels);
  const labels = cached.metadata.labels;
  assert.throws(() => {
    labels['app'] = 'changed';
  }, TypeError);
});

test('splitKey', () => {
  assert.deepEqual(splitKey('ns/name'), { namespace: 'ns', name: 'name' });
  assert.deepEqual(splitKey('node1'), { namespace: '', name: 'node1' });
});
