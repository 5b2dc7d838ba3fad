import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsStorage, type MetricsPoint, type NodeBatch } from './storage.js';

const pt = (p: Partial<MetricsPoint> & { timestampMs: number }): MetricsPoint => ({ startMs: 1000, memoryBytes: 1024, ...p });
const batch = (node: MetricsPoint | undefined, pods: Record<string, Record<string, MetricsPoint>> = {}): NodeBatch => ({
  node,
  pods: new Map(Object.entries(pods).map(([k, cs]) => [k, new Map(Object.entries(cs))])),
});

test('CPU is the cumulative change over the time between two samples; one sample falls back to the kubelet rate', () => {
  const s = new MetricsStorage(15_000);
  s.store('n1', batch(pt({ timestampMs: 100_000, cumulativeCpuNs: 5e9, usageNanoCores: 7e6 })));
  assert.deepEqual(s.node('n1'), { cpuNanoCores: 7e6, memoryBytes: 1024, timestampMs: 100_000, windowMs: 15_000 }, 'first sample: the kubelet rate over one resolution');
  s.store('n1', batch(pt({ timestampMs: 115_000, cumulativeCpuNs: 5e9 + 3e9, usageNanoCores: 1, memoryBytes: 2048 })));
  assert.deepEqual(s.node('n1'), { cpuNanoCores: 200_000_000, memoryBytes: 2048, timestampMs: 115_000, windowMs: 15_000 });
});

test('a restart (new start time or a lower counter) drops the previous sample', () => {
  const cases: Array<[string, Partial<MetricsPoint>]> = [
    ['new start time', { startMs: 2000, cumulativeCpuNs: 9e9 }],
    ['counter went down', { cumulativeCpuNs: 1e9 }],
  ];
  for (const [name, next] of cases) {
    const s = new MetricsStorage(15_000);
    s.store('n1', batch(undefined, { 'default/p': { c: pt({ timestampMs: 0, cumulativeCpuNs: 5e9 }) } }));
    s.store('n1', batch(undefined, { 'default/p': { c: pt({ timestampMs: 15_000, usageNanoCores: 42, ...next }) } }));
    assert.equal(s.pod('default', 'p')?.containers[0]?.usage.cpuNanoCores, 42, name);
  }
});

test('a pod has metrics only when every container has a figure; time and window are the earliest container’s', () => {
  const s = new MetricsStorage(15_000);
  s.store('n1', batch(undefined, { 'default/p': { a: pt({ timestampMs: 0, cumulativeCpuNs: 0 }), b: pt({ timestampMs: 0, cumulativeCpuNs: 0, usageNanoCores: 5 }) } }));
  assert.equal(s.pod('default', 'p'), undefined, 'a has no rate yet');
  s.store('n1', batch(undefined, { 'default/p': { b: pt({ timestampMs: 10_000, cumulativeCpuNs: 1e9 }), a: pt({ timestampMs: 10_000, cumulativeCpuNs: 2e9 }) } }));
  const u = s.pod('default', 'p');
  assert.deepEqual(u?.containers.map((c) => [c.name, c.usage.cpuNanoCores]), [
    ['a', 200_000_000],
    ['b', 100_000_000],
  ]);
  assert.equal(u?.windowMs, 10_000);
});

test('pods that leave a node and nodes that are forgotten lose their metrics', () => {
  const s = new MetricsStorage(15_000);
  s.store('n1', batch(pt({ timestampMs: 0, usageNanoCores: 1 }), { 'default/p': { c: pt({ timestampMs: 0, usageNanoCores: 1 }) } }));
  s.store('n2', batch(pt({ timestampMs: 0, usageNanoCores: 1 }), { 'default/q': { c: pt({ timestampMs: 0, usageNanoCores: 1 }) } }));
  s.store('n1', batch(pt({ timestampMs: 1, usageNanoCores: 1 })));
  assert.equal(s.pod('default', 'p'), undefined);
  assert.ok(s.pod('default', 'q'));
  s.forget('n2');
  assert.equal(s.pod('default', 'q'), undefined);
  assert.equal(s.node('n2'), undefined);
  assert.deepEqual(s.nodes(), ['n1']);
});
