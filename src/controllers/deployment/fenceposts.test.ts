import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicaSet } from '../../api/generated/apps/v1.js';
import { setNewReplicaSetAnnotations } from './annotations.js';
import { resolveFenceposts, roundHalfAway, scaledValue } from './fenceposts.js';
import { canonical, computeHash, equalIgnoreHash } from './hash.js';
import { deployment } from './testing.js';

test('resolveFenceposts rounds surge up and unavailable down, never both 0', () => {
  const cases: [string | number, string | number, number, number, number][] = [
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 1, 1, 0],
    [0, 0, 5, 0, 1],
    ['0%', '0%', 3, 0, 1],
    [1, '50%', 3, 1, 1],
    ['50%', 0, 1, 1, 0],
    [2, 3, 0, 2, 3],
    ['100%', '100%', 4, 4, 4],
  ];
  for (const [s, u, n, surge, unavailable] of cases) assert.deepEqual(resolveFenceposts(s, u, n), { surge, unavailable }, `${s}/${u} of ${n}`);
  assert.throws(() => scaledValue('abc', 10, true), /not a percentage/);
});

test('roundHalfAway rounds as Go math.Round', () => {
  assert.deepEqual([2.5, -2.5, 1.4, -1.6, 0].map(roundHalfAway), [3, -3, 1, -2, 0]);
});

test('computeHash: stable across key order, moved by the collision count, safe alphabet', () => {
  const a = { metadata: { labels: { app: 'x', tier: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { tier: 'y', app: 'x' } } };
  assert.equal(computeHash(a), computeHash(b));
  assert.equal(computeHash(a), computeHash({ ...a, metadata: { labels: { ...a.metadata.labels, 'pod-template-hash': 'zzz' } } }));
  assert.notEqual(computeHash(a), computeHash(a, 0));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.notEqual(computeHash(a), computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

test('equalIgnoreHash: the hash label, empty lists and maps, and nulls do not count', () => {
  const t = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  assert.ok(equalIgnoreHash(t, { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' }, annotations: {} }, spec: { containers: [{ name: 'c', image: 'i', env: [] }], nodeSelector: {} } }));
  assert.ok(!equalIgnoreHash(t, { metadata: { labels: { app: 'y' } }, spec: t.spec }));
  assert.ok(!equalIgnoreHash({ ...t, spec: { ...t.spec, volumes: [{ name: 'v', emptyDir: {} }] } }, { ...t, spec: { ...t.spec, volumes: [{ name: 'v' }] } }), 'an empty volume source is not absent');
  assert.deepEqual(canonical({ b: null, a: [1, { d: undefined, c: 2 }] }), { a: [1, { c: 2 }] });
  // ResourceRequirements is a struct: `resources: {}` decodes to what an absent one does (a rollout undo
  // with a template carrying it must find the old ReplicaSet, not make a new one).
  const withResources = (resources: Record<string, Record<string, string>>) => ({ ...t, spec: { containers: [{ name: 'c', image: 'i', resources }] } });
  assert.ok(equalIgnoreHash(t, withResources({})));
  assert.ok(equalIgnoreHash(t, withResources({ limits: {}, requests: {} })));
  assert.equal(computeHash(t), computeHash(withResources({})));
  assert.ok(!equalIgnoreHash(t, withResources({ limits: { cpu: '1' } })));
});

test('setNewReplicaSetAnnotations: copies, revision bump with history, replicas annotations on create', () => {
  const d = deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  d.metadata!.annotations = { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' };
  const fresh: ReplicaSet = { metadata: { name: 'n' } };
  assert.equal(setNewReplicaSetAnnotations(d, fresh, 3, false), true);
  assert.deepEqual(fresh.metadata?.annotations, {
    'kubernetes.io/change-cause': 'v2',
    'deployment.kubernetes.io/revision': '3',
    'deployment.kubernetes.io/desired-replicas': '4',
    'deployment.kubernetes.io/max-replicas': '5',
  });
  const old: ReplicaSet = { metadata: { name: 'o', annotations: { 'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/revision-history': '1' } } };
  assert.equal(setNewReplicaSetAnnotations(d, old, 5, true), true);
  assert.equal(old.metadata?.annotations?.['deployment.kubernetes.io/revision'], '5');
  assert.equal(old.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1,2');
  assert.equal(old.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], undefined);
  assert.equal(setNewReplicaSetAnnotations(d, old, 5, true), false, 'idempotent');
  assert.equal(setNewReplicaSetAnnotations(d, old, 4, true), false, 'never lowers');
});
