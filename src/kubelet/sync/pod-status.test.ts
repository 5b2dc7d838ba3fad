import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/generated/core/v1.js';
import { Backoff } from './backoff.js';
import { computePodStatus, type StatusInput } from './pod-status.js';
import { goDuration } from './pod-sync.js';
import type { RuntimeContainer, RuntimePod } from './runtime.js';

const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never', extra: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }], ...extra },
});

const run = (over: Partial<RuntimeContainer>): RuntimeContainer => ({
  id: 'id1', sandboxId: 's1', name: 'c', init: false, attempt: 0, state: 'running', createdAt: 1000, startedAt: 1000, finishedAt: 0,
  exitCode: 0, reason: '', message: '', image: 'busybox', imageRef: 'sha256:abc', restartCount: 0, hash: 'h', logPath: '', ...over,
});

const rt = (containers: RuntimeContainer[], ready = true): RuntimePod => ({
  uid: 'u1', name: 'p', namespace: 'default',
  sandboxes: [{ id: 's1', uid: 'u1', name: 'p', namespace: 'default', attempt: 0, ready, createdAt: 1, ip: '10.0.0.5' }],
  containers,
});

const input = (p: Pod, r: RuntimePod | undefined, o: Partial<StatusInput> = {}): StatusInput => ({
  pod: p, runtime: r, waiting: new Map(), ready: () => true, started: () => true, hostIP: '192.0.2.2', now: 5000, ...o,
});

test('phase and states by restart policy (the kubelet getPhase table)', () => {
  const cases: { name: string; policy: 'Always' | 'OnFailure' | 'Never'; c?: Partial<RuntimeContainer>; waiting?: string; phase: string }[] = [
    { name: 'no container yet', policy: 'Always', phase: 'Pending' },
    { name: 'running', policy: 'Always', c: { state: 'running' }, phase: 'Running' },
    { name: 'crash looping, Always', policy: 'Always', c: { state: 'exited', exitCode: 1, reason: 'Error' }, waiting: 'CrashLoopBackOff', phase: 'Running' },
    { name: 'exit 0, Never', policy: 'Never', c: { state: 'exited', exitCode: 0, reason: 'Completed' }, phase: 'Succeeded' },
    { name: 'exit 3, Never', policy: 'Never', c: { state: 'exited', exitCode: 3, reason: 'Error' }, phase: 'Failed' },
    { name: 'exit 0, OnFailure', policy: 'OnFailure', c: { state: 'exited', exitCode: 0 }, phase: 'Succeeded' },
    { name: 'exit 1, OnFailure (will restart)', policy: 'OnFailure', c: { state: 'exited', exitCode: 1 }, phase: 'Running' },
    { name: 'image pull failing', policy: 'Always', waiting: 'ErrImagePull', phase: 'Pending' },
  ];
  for (const tc of cases) {
    const waiting = new Map(tc.waiting ? [['c', { reason: tc.waiting }]] : []);
    const st = computePodStatus(input(pod(tc.policy), rt(tc.c ? [run(tc.c)] : []), { waiting }));
    assert.equal(st.phase, tc.phase, tc.name);
    if (tc.waiting) assert.equal(st.containerStatuses?.[0]?.state?.waiting?.reason, tc.waiting, tc.name);
  }
});

test('a restarted container shows its previous run as lastState and keeps the restart count', () => {
  const st = computePodStatus(input(pod('Always'), rt([run({ id: 'new', restartCount: 2 }), run({ id: 'old', state: 'exited', exitCode: 137, reason: 'OOMKilled', finishedAt: 900 })])));
  const cs = st.containerStatuses![0]!;
  assert.equal(cs.restartCount, 2);
  assert.equal(cs.containerID, 'containerd://new');
  assert.equal(cs.lastState?.terminated?.reason, 'OOMKilled');
  assert.equal(cs.lastState?.terminated?.exitCode, 137);
  assert.ok(cs.ready && cs.started);
});

test('conditions: unready containers, init containers, readiness gates, other owners kept', () => {
  const unready = computePodStatus(input(pod('Always'), rt([run({})]), { ready: () => false }));
  const ready = unready.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [c]');

  const withInit = pod('Always', { initContainers: [{ name: 'i', image: 'busybox' }] });
  const initRunning = computePodStatus(input(withInit, rt([run({ name: 'i', init: true })])));
  assert.equal(initRunning.phase, 'Pending');
  assert.equal(initRunning.conditions!.find((c) => c.type === 'Initialized')!.status, 'False');
  assert.equal(initRunning.containerStatuses![0]!.state?.waiting?.reason, 'PodInitializing');

  const gated: Pod = { ...pod('Always', { readinessGates: [{ conditionType: 'example.com/lb' }] }), status: { conditions: [{ type: 'example.com/lb', status: 'False' }] } };
  const st = computePodStatus(input(gated, rt([run({})])));
  assert.equal(st.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
  assert.equal(st.conditions!.find((c) => c.type === 'ContainersReady')!.status, 'True');
  assert.ok(st.conditions!.some((c) => c.type === 'example.com/lb'), 'a condition the kubelet does not own is kept');
});

test('host-network pods report the node address; a deleted pod with stopped containers ends terminal', () => {
  const host = computePodStatus(input(pod('Always', { hostNetwork: true }), rt([run({})])));
  assert.equal(host.podIP, '192.0.2.2');
  const deleted = computePodStatus(input(pod('Always'), rt([run({ state: 'exited', exitCode: 137 })]), { terminating: true }));
  assert.equal(deleted.phase, 'Failed');
});

test('crash back-off doubles from 10 s to 5 min and prints as Go does', () => {
  let t = 0;
  const b = new Backoff(10_000, 300_000, () => t);
  const delays = Array.from({ length: 7 }, () => b.next('k', t));
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  assert.ok(b.inBackoff('k', 0));
  t = 300_001;
  assert.ok(!b.inBackoff('k', 0));
  assert.deepEqual([10_000, 80_000, 160_000, 300_000].map(goDuration), ['10s', '1m20s', '2m40s', '5m0s']);
});
