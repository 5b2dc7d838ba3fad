import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceEndpoint } from '../model.js';
import { Balancer, endpointKey } from './balancer.js';

const ep = (ip: string, local = false): ServiceEndpoint => ({ ip, port: 8080, ready: true, serving: true, terminating: false, local });
const A = ep('10.244.1.2', true);
const B = ep('10.244.1.3');
const C = ep('10.244.2.4');

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

const picks = (b: Balancer, kind: 'cluster' | 'external', client: string, n: number) =>
  Array.from({ length: n }, () => b.pick(kind, client)?.ip ?? 'none');

test('round robin over each pool on its own', () => {
  const b = new Balancer();
  b.setEndpoints([A, B, C], [A]);
  assert.deepEqual(picks(b, 'cluster', 'c1', 4), [A.ip, B.ip, C.ip, A.ip]);
  assert.deepEqual(picks(b, 'external', 'c1', 2), [A.ip, A.ip]);
  // Different clients share the rotation: it is per Service port, not per client.
  assert.equal(b.pick('cluster', 'c2')?.ip, B.ip);
});

test('an endpoint change keeps the rotation going without resetting to the first', () => {
  const b = new Balancer();
  b.setEndpoints([A, B, C], []);
  b.pick('cluster', 'x'); // A
  b.setEndpoints([A, C], []);
  assert.deepEqual(picks(b, 'cluster', 'x', 3), [C.ip, A.ip, C.ip]);
});

test('no endpoints, or all excluded, gives undefined', () => {
  const b = new Balancer();
  assert.equal(b.pick('cluster', 'x'), undefined);
  b.setEndpoints([A, B], []);
  assert.equal(b.pick('external', 'x'), undefined);
  assert.equal(b.pick('cluster', 'x', new Set([endpointKey(A), endpointKey(B)])), undefined);
  assert.equal(b.pick('cluster', 'x', new Set([endpointKey(A)]))?.ip, B.ip);
});

test('ClientIP affinity sticks a client until affinitySeconds after its last use', () => {
  const c = clock();
  const b = new Balancer(c.now);
  b.setEndpoints([A, B, C], [A, B, C]);
  b.setAffinity(10);
  const first = b.pick('cluster', 'c1')?.ip;
  assert.equal(first, A.ip);
  assert.equal(b.pick('cluster', 'c2')?.ip, B.ip, 'another client takes the next endpoint');
  for (let i = 0; i < 5; i++) {
    c.t += 9_000; // each use within the period extends it
    assert.equal(b.pick('cluster', 'c1')?.ip, A.ip);
  }
  assert.equal(b.pick('external', 'c1')?.ip, A.ip, 'the same client keeps its endpoint through an external address');
  c.t += 10_001;
  assert.equal(b.pick('cluster', 'c1')?.ip, C.ip, 'expired: round robin again');
});

test('affinity ends when its endpoint leaves the pool, fails, or affinity is turned off', () => {
  const c = clock();
  const b = new Balancer(c.now);
  b.setEndpoints([A, B], [A, B]);
  b.setAffinity(100);
  assert.equal(b.pick('cluster', 'c1')?.ip, A.ip);
  b.setEndpoints([B, C], [B, C]);
  assert.equal(b.pick('cluster', 'c1')?.ip, C.ip, 'A is gone: picks anew (round robin continues)');
  assert.equal(b.pick('cluster', 'c1')?.ip, C.ip, 'and sticks to the new one');
  b.failed('c1', C);
  assert.equal(b.pick('cluster', 'c1', new Set([endpointKey(C)]))?.ip, B.ip);
  assert.equal(b.pick('cluster', 'c1')?.ip, B.ip);
  b.setAffinity(undefined);
  assert.equal(b.affinityCount, 0);
  assert.notEqual(b.pick('cluster', 'c1')?.ip, b.pick('cluster', 'c1')?.ip);
});

test('a stuck endpoint missing from the pool the client arrives on is not used there', () => {
  const b = new Balancer();
  b.setEndpoints([A, B], [A]); // externalTrafficPolicy Local: only A is local
  b.setAffinity(100);
  b.pick('cluster', 'c1'); // A
  b.pick('cluster', 'c2'); // B
  assert.equal(b.pick('external', 'c2')?.ip, A.ip);
});

test('expired affinities are swept, so the table holds only recent clients', () => {
  const c = clock();
  const b = new Balancer(c.now);
  b.setEndpoints([A, B], []);
  b.setAffinity(1);
  for (let i = 0; i < 100; i++) b.pick('cluster', `c${i}`);
  assert.equal(b.affinityCount, 100);
  c.t += 5_000;
  b.pick('cluster', 'late');
  assert.equal(b.affinityCount, 1);
});
