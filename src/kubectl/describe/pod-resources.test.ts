import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { percent, podQOS, podRequestsAndLimits, type Resources } from './pod-resources.js';

const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>, extra: Partial<Container> = {}): Container => ({ name, resources: { requests, limits }, ...extra });
const pod = (containers: Container[], initContainers: Container[] = [], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({ spec: { containers, initContainers, ...extra } });
const text = (r: Resources): Record<string, string> => Object.fromEntries([...r].map(([k, q]) => [k, q.toString()]));

test('podRequestsAndLimits: containers add up, an init container counts when it needs more', () => {
  const r = podRequestsAndLimits(pod([c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m' }), c('b', { cpu: '250m' })], [c('init', { cpu: '1', memory: '32Mi' }, { cpu: '100m' })]));
  assert.deepEqual(text(r.requests), { cpu: '1', memory: '64Mi' });
  assert.deepEqual(text(r.limits), { cpu: '200m' });
});

test('podRequestsAndLimits: restartable init containers run beside the others; overhead is added', () => {
  const sidecar = c('side', { cpu: '100m' }, { memory: '10Mi' }, { restartPolicy: 'Always' });
  const r = podRequestsAndLimits(pod([c('a', { cpu: '200m' }, { memory: '20Mi' })], [sidecar, c('init', { cpu: '250m' })], { overhead: { cpu: '10m', memory: '1Mi' } }));
  // max(200m + 100m beside it, 250m init + the 100m sidecar started before it) = 350m, plus 10m overhead.
  assert.deepEqual(text(r.requests), { cpu: '360m', memory: '1Mi' });
  assert.deepEqual(text(r.limits), { memory: '31Mi' });
});

test('podRequestsAndLimits: a resized container counts the larger of spec and status', () => {
  const p = pod([c('a', { cpu: '100m' })]);
  p.status = { containerStatuses: [{ name: 'a', image: 'x', imageID: '', ready: true, restartCount: 0, resources: { requests: { cpu: '300m' } } }] };
  assert.deepEqual(text(podRequestsAndLimits(p).requests), { cpu: '300m' });
  p.status.resize = 'Infeasible';
  p.status.containerStatuses = [{ name: 'a', image: 'x', imageID: '', ready: true, restartCount: 0, resources: { requests: { cpu: '50m' } } }];
  assert.deepEqual(text(podRequestsAndLimits(p).requests), { cpu: '50m' });
});

test('podQOS: status first, else BestEffort / Guaranteed / Burstable from cpu and memory', () => {
  const cases: [Pod, string][] = [
    [{ ...pod([c('a')]), status: { qosClass: 'Guaranteed' } }, 'Guaranteed'],
    [pod([c('a'), c('b', { 'example.com/gpu': '1' })]), 'BestEffort'],
    [pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]), 'Guaranteed'],
    // Without the API's defaulting of requests from limits, the request side is empty.
    [pod([c('a', undefined, { cpu: '1', memory: '1Gi' })]), 'Burstable'],
    [pod([c('a', { cpu: '1' }, { cpu: '1' })]), 'Burstable'],
    [pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '2', memory: '1Gi' })]), 'Burstable'],
    [pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })], [c('init')]), 'Burstable'],
    [pod([c('a')], [], { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }), 'Guaranteed'],
  ];
  for (const [p, want] of cases) assert.equal(podQOS(p), want, JSON.stringify(p));
});

test('percent: Go float maths truncated; a zero divisor prints what amd64 Go prints', () => {
  assert.equal(percent(250n, 4000n), '6');
  assert.equal(percent(1n, 3n), '33');
  assert.equal(percent(0n, 0n), '-9223372036854775808');
});
