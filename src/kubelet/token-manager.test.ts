import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/generated/core/v1.js';
import { TokenManager } from './token-manager.js';

const pod: Pod = { metadata: { name: 'web', namespace: 'ns', uid: 'pod-1' }, spec: { serviceAccountName: 'robot', containers: [] } };

function setup() {
  let now = Date.parse('2026-11-23T10:00:00Z');
  let n = 0;
  let failing = false;
  const calls: Array<{ ns: string; sa: string; spec: Record<string, unknown> }> = [];
  const m = new TokenManager((ns, sa, spec) => {
    calls.push({ ns, sa, spec });
    if (failing) return Promise.reject(new Error('apiserver down'));
    n++;
    return Promise.resolve({ token: `t${n}`, expirationTimestamp: new Date(now + Number(spec['expirationSeconds']) * 1000).toISOString() });
  }, () => now);
  return { m, calls, advance: (ms: number) => (now += ms), fail: (f: boolean) => (failing = f) };
}

test('one TokenRequest bound to the pod, reused until 80% of its lifetime', async () => {
  const { m, calls, advance } = setup();
  assert.equal(await m.token(pod, { path: 'token', expirationSeconds: 3600 }), 't1');
  assert.deepEqual(calls[0], { ns: 'ns', sa: 'robot', spec: { expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'pod-1' } } });
  // The pod's syncs ask every few minutes.
  for (let t = 300; t < 2880; t += 300) {
    advance(300_000);
    assert.equal(await m.token(pod, { path: 'token', expirationSeconds: 3600 }), 't1', `after ${t} s`);
  }
  advance(179_000);
  assert.equal(await m.token(pod, { path: 'token', expirationSeconds: 3600 }), 't1');
  advance(2_000);
  assert.equal(await m.token(pod, { path: 'token', expirationSeconds: 3600 }), 't2', 'renewed past 80%');
  // Another audience is another token, asked for that audience.
  assert.equal(await m.token(pod, { path: 'v', audience: 'vault', expirationSeconds: 3600 }), 't3');
  assert.deepEqual(calls[2]?.spec['audiences'], ['vault']);
  assert.equal(calls.length, 3);
});

test('a failed renewal keeps the cached token while it is valid; long lifetimes renew daily', async () => {
  const { m, advance, fail } = setup();
  assert.equal(await m.token(pod, { path: 't', expirationSeconds: 1000 }), 't1');
  advance(450_000);
  assert.equal(await m.token(pod, { path: 't', expirationSeconds: 1000 }), 't1');
  advance(450_000);
  fail(true);
  assert.equal(await m.token(pod, { path: 't', expirationSeconds: 1000 }), 't1', 'renewal failed: the cached token, still valid');
  advance(200_000);
  await assert.rejects(m.token(pod, { path: 't', expirationSeconds: 1000 }), /apiserver down/);
  assert.equal(m.size, 0, 'expired tokens are forgotten');
  fail(false);
  const week = { path: 't', expirationSeconds: 7 * 86400 };
  assert.equal(await m.token(pod, week), 't2');
  // Asked for every five minutes, as a running pod's syncs do: kept for a day, then renewed.
  for (let t = 5; t < 24 * 60; t += 5) {
    advance(300_000);
    assert.equal(await m.token(pod, week), 't2', `after ${t} minutes`);
  }
  advance(300_000);
  assert.equal(await m.token(pod, week), 't3', 'a day old');
});

test('a token nobody asks for is dropped (its pod is gone)', async () => {
  const { m, advance } = setup();
  await m.token(pod, { path: 't', expirationSeconds: 3600 });
  advance(11 * 60_000);
  await m.token({ ...pod, metadata: { ...pod.metadata, uid: 'pod-2' } }, { path: 't', expirationSeconds: 3600 });
  assert.equal(m.size, 1);
});
