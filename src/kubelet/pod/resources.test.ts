import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { podQOSClass } from '../../api/defaults/core-pod.js';
import { linuxResources, milliCPUToQuota, milliCPUToShares, oomScoreAdj, qosClass } from './resources.js';

const GiB = 1024 ** 3;
const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>): Container => ({
  name,
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});
const pod = (containers: Container[], extra: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers, ...extra } });

test('QoS class from requests and limits', () => {
  const cases: [string, Pod, string][] = [
    ['nothing', pod([c('a')]), 'BestEffort'],
    ['zero requests', pod([c('a', { cpu: '0', memory: '0' })]), 'BestEffort'],
    ['equal cpu+memory', pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1000m', memory: '1073741824' })]), 'Guaranteed'],
    // The API server copies limits into missing requests; undefaulted, upstream calls this Burstable too.
    ['limits only, not defaulted', pod([c('a', undefined, { cpu: '1', memory: '1Gi' })]), 'Burstable'],
    ['memory limit only', pod([c('a', undefined, { memory: '1Gi' })]), 'Burstable'],
    ['request below limit', pod([c('a', { cpu: '500m', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]), 'Burstable'],
    ['one of two containers best effort', pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' }), c('b')]), 'Burstable'],
    ['init container counts', pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })], { initContainers: [c('i', { cpu: '100m' })] }), 'Burstable'],
    ['extended resources ignored', pod([c('a', { 'example.com/gpu': '1' }, { 'example.com/gpu': '1' })]), 'BestEffort'],
  ];
  for (const [name, p, want] of cases) assert.equal(podQOSClass(p.spec!), want, name);
  assert.equal(qosClass({ ...pod([c('a')]), status: { qosClass: 'Guaranteed' } }), 'Guaranteed', 'status wins');
});

test('cpu shares and CFS quota', () => {
  const shares: [number, number][] = [[0, 2], [1, 2], [2, 2], [100, 102], [250, 256], [1000, 1024], [1500, 1536], [10_000_000, 262144]];
  for (const [m, want] of shares) assert.equal(milliCPUToShares(m), want, `shares(${m})`);
  const quota: [number, number][] = [[0, 0], [1, 1000], [10, 1000], [250, 25000], [1000, 100000], [2500, 250000]];
  for (const [m, want] of quota) assert.equal(milliCPUToQuota(m), want, `quota(${m})`);
});

test('oom_score_adj by QoS class', () => {
  const cap = 10 * GiB;
  const g = pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]);
  assert.equal(oomScoreAdj(g, g.spec!.containers[0]!, cap), -997);
  const be = pod([c('a')]);
  assert.equal(oomScoreAdj(be, be.spec!.containers[0]!, cap), 1000);
  const cases: [string, number][] = [['1Gi', 900], ['5Gi', 500], ['10Gi', 3], ['20Gi', 3], ['1', 999], ['0', 999]];
  for (const [mem, want] of cases) {
    const b = pod([c('a', { memory: mem, cpu: '100m' })]);
    assert.equal(oomScoreAdj(b, b.spec!.containers[0]!, cap), want, `burstable ${mem}`);
  }
  const critical = pod([c('a', { cpu: '100m' })], { priorityClassName: 'system-node-critical', priority: 2000001000 });
  assert.equal(oomScoreAdj(critical, critical.spec!.containers[0]!, cap), -997);
  // A sidecar never scores above the smallest regular container.
  const side: Container = { ...c('side', { memory: '100Mi' }), restartPolicy: 'Always' };
  const withSidecar = pod([c('a', { memory: '5Gi' })], { initContainers: [side] });
  assert.equal(oomScoreAdj(withSidecar, side, cap), 500);
});

test('linux resources from requests and limits', () => {
  const cap = 8 * GiB;
  const cases: [string, Container, Record<string, number | undefined>][] = [
    ['best effort', c('a'), { cpu_shares: 2, cpu_quota: 0, cpu_period: 100000, memory_limit_in_bytes: undefined, oom_score_adj: 1000 }],
    ['request only', c('a', { cpu: '250m', memory: '64Mi' }), { cpu_shares: 256, cpu_quota: 0, memory_limit_in_bytes: undefined }],
    ['limit only uses limit for shares', c('a', undefined, { cpu: '500m', memory: '128Mi' }), { cpu_shares: 512, cpu_quota: 50000, memory_limit_in_bytes: 134217728 }],
    ['request and limit', c('a', { cpu: '100m' }, { cpu: '2' }), { cpu_shares: 102, cpu_quota: 200000 }],
    ['fractional memory rounds up', c('a', undefined, { memory: '1.5k' }), { memory_limit_in_bytes: 1500 }],
  ];
  for (const [name, ctr, want] of cases) {
    const r = linuxResources(pod([ctr]), ctr, cap) as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.equal(r[k], v, `${name}: ${k}`);
  }
});
