import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/generated/core/v1.js';
import { looksRunning, runningPodStatus } from './pod-status.js';

const at = { hostIP: '10.255.0.1', podIP: '10.64.0.2', now: Date.UTC(2025, 0, 1) };
const base = (spec: Partial<NonNullable<Pod['spec']>> = {}, status: Pod['status'] = { phase: 'Pending' }): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { containers: [{ name: 'main', image: 'nginx' }], ...spec },
  status,
});

test('init containers complete, sidecars and containers run', () => {
  const s = runningPodStatus(base({ initContainers: [{ name: 'setup', image: 'busybox' }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }), at);
  assert.deepEqual(
    s.initContainerStatuses?.map((c) => [c.name, Object.keys(c.state ?? {})[0], c.ready]),
    [
      ['setup', 'terminated', false],
      ['proxy', 'running', true],
    ],
  );
  assert.equal(s.containerStatuses?.[0]?.state?.running?.startedAt, '2025-01-01T00:00:00Z');
  assert.equal(s.phase, 'Running');
});

test('Ready waits for readiness gates; gate conditions and transition times are kept', () => {
  const cases: { name: string; gate: string | undefined; want: string }[] = [
    { name: 'no gates', gate: undefined, want: 'True' },
    { name: 'gate True', gate: 'True', want: 'True' },
    { name: 'gate False', gate: 'False', want: 'False' },
  ];
  for (const c of cases) {
    const pod = base(
      c.gate ? { readinessGates: [{ conditionType: 'example.com/lb' }] } : {},
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' }, ...(c.gate ? [{ type: 'example.com/lb', status: c.gate }] : [])] },
    );
    const s = runningPodStatus(pod, at);
    assert.equal(s.conditions?.find((x) => x.type === 'Ready')?.status, c.want, c.name);
    assert.equal(s.conditions?.find((x) => x.type === 'PodScheduled')?.lastTransitionTime, '2024-12-31T00:00:00Z', c.name);
    if (c.gate) assert.equal(s.conditions?.find((x) => x.type === 'example.com/lb')?.status, c.gate, c.name);
  }
});

test('looksRunning only for Running pods with an IP and every container running', () => {
  const running = runningPodStatus(base(), at);
  const cases: [string, Pod, boolean][] = [
    ['pending', base(), false],
    ['posted', base({}, running), true],
    ['no ip', base({}, { ...running, podIP: undefined }), false],
    ['a container not running', base({ containers: [{ name: 'main', image: 'nginx' }, { name: 'extra', image: 'x' }] }, running), false],
  ];
  for (const [name, pod, want] of cases) assert.equal(looksRunning(pod), want, name);
});
