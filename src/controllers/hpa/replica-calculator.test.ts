import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import { defaultCalculatorSettings, rawResourceReplicas, resourceReplicas, type PodMetricsInfo } from './replica-calculator.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;

interface PodSpec {
  name: string;
  phase?: string;
  /** Ready condition status; absent means no condition. */
  ready?: 'True' | 'False' | null;
  startedAgo?: number;
  readySinceAgo?: number;
  cpu?: string | null;
  memory?: string;
  deleted?: boolean;
}

function pod(p: PodSpec): Pod {
  const requests: Record<string, string> = {};
  if (p.cpu !== null) requests['cpu'] = p.cpu ?? '1';
  if (p.memory) requests['memory'] = p.memory;
  return {
    metadata: { name: p.name, namespace: 'default', ...(p.deleted ? { deletionTimestamp: rfc3339(NOW) } : {}) },
    spec: { containers: [{ name: 'c', image: 'x', resources: { requests } }] },
    status: {
      phase: p.phase ?? 'Running',
      startTime: rfc3339(NOW - (p.startedAgo ?? 10 * MIN)),
      ...(p.ready === null ? {} : { conditions: [{ type: 'Ready', status: p.ready ?? 'True', lastTransitionTime: rfc3339(NOW - (p.readySinceAgo ?? 9 * MIN)) }] }),
    },
  };
}

/** Metrics in milli-units, sampled just now over 15 s. */
const metrics = (m: Record<string, number>): PodMetricsInfo => new Map(Object.entries(m).map(([k, value]) => [k, { value, timestampMs: NOW, windowMs: 15_000 }]));

interface Case {
  name: string;
  current: number;
  pods: PodSpec[];
  usage: Record<string, number>;
  target: number;
  resource?: string;
  want: { replicas: number; utilization?: number; rawUtilization?: number } | string;
}

test('resourceReplicas (Utilization targets)', () => {
  const p = (name: string, extra: Partial<PodSpec> = {}): PodSpec => ({ name, ...extra });
  const cases: Case[] = [
    { name: 'scale up', current: 3, pods: [p('a'), p('b'), p('c')], usage: { a: 300, b: 500, c: 700 }, target: 30, want: { replicas: 5, utilization: 50, rawUtilization: 500 } },
    { name: 'scale down', current: 5, pods: ['a', 'b', 'c', 'd', 'e'].map((n) => p(n)), usage: { a: 100, b: 300, c: 500, d: 250, e: 250 }, target: 50, want: { replicas: 3, utilization: 28, rawUtilization: 280 } },
    { name: 'within tolerance', current: 3, pods: [p('a'), p('b'), p('c')], usage: { a: 1050, b: 1050, c: 1050 }, target: 100, want: { replicas: 3, utilization: 105, rawUtilization: 1050 } },
    { name: 'just outside tolerance', current: 3, pods: [p('a'), p('b'), p('c')], usage: { a: 1110, b: 1110, c: 1110 }, target: 100, want: { replicas: 4, utilization: 111, rawUtilization: 1110 } },
    { name: 'missing metrics count as idle on scale-up', current: 4, pods: ['a', 'b', 'c', 'd'].map((n) => p(n)), usage: { a: 1000, b: 1000, c: 1000 }, target: 50, want: { replicas: 6, utilization: 100, rawUtilization: 1000 } },
    { name: 'missing metrics count as their full request on scale-down', current: 4, pods: ['a', 'b', 'c', 'd'].map((n) => p(n)), usage: { a: 100, b: 100, c: 100 }, target: 50, want: { replicas: 3, utilization: 10, rawUtilization: 100 } },
    { name: 'missing metrics that would flip the direction keep the size', current: 4, pods: ['a', 'b', 'c', 'd'].map((n) => p(n)), usage: { a: 600, b: 600 }, target: 50, want: { replicas: 4, utilization: 60, rawUtilization: 600 } },
    { name: 'unready pods count as idle on scale-up', current: 3, pods: [p('a'), p('b'), p('c', { ready: 'False', startedAgo: MIN, readySinceAgo: MIN })], usage: { a: 1000, b: 1000, c: 2000 }, target: 50, want: { replicas: 4, utilization: 100, rawUtilization: 1000 } },
    { name: 'unready pods are left out on scale-down', current: 3, pods: [p('a'), p('b'), p('c', { ready: 'False', startedAgo: MIN, readySinceAgo: MIN })], usage: { a: 100, b: 100, c: 2000 }, target: 50, want: { replicas: 1, utilization: 10, rawUtilization: 100 } },
    { name: 'pending pods are unready', current: 2, pods: [p('a'), p('b', { phase: 'Pending' })], usage: { a: 1000 }, target: 50, want: { replicas: 2, utilization: 100, rawUtilization: 1000 } },
    { name: 'ready pods whose metric predates a full window since readiness are unready (cpu)', current: 2, pods: [p('a'), p('b', { startedAgo: MIN, readySinceAgo: 10_000 })], usage: { a: 1500, b: 1000 }, target: 50, want: { replicas: 3, utilization: 150, rawUtilization: 1500 } },
    { name: 'past initialization, a pod that was ready once counts even when unready now', current: 2, pods: [p('a'), p('b', { ready: 'False', startedAgo: 10 * MIN, readySinceAgo: 5 * MIN })], usage: { a: 1000, b: 1000 }, target: 50, want: { replicas: 4, utilization: 100, rawUtilization: 1000 } },
    { name: 'past initialization, a pod never ready is unready', current: 2, pods: [p('a'), p('b', { ready: 'False', startedAgo: 10 * MIN, readySinceAgo: 10 * MIN - 10_000 })], usage: { a: 1500, b: 1000 }, target: 50, want: { replicas: 3, utilization: 150, rawUtilization: 1500 } },
    { name: 'readiness does not matter for memory', current: 2, resource: 'memory', pods: [p('a', { memory: '1Gi' }), p('b', { memory: '1Gi', ready: 'False', startedAgo: MIN })], usage: { a: 1073741824000, b: 1073741824000 }, target: 50, want: { replicas: 4, utilization: 100, rawUtilization: 1073741824000 } },
    { name: 'deleted and failed pods are ignored', current: 3, pods: [p('a'), p('b', { deleted: true }), p('c', { phase: 'Failed' })], usage: { a: 250, b: 5000, c: 5000 }, target: 50, want: { replicas: 1, utilization: 25, rawUtilization: 250 } },
    { name: 'pods without requests', current: 1, pods: [p('a', { cpu: null })], usage: { a: 500 }, target: 50, want: 'missing request for cpu in container c of Pod a' },
    { name: 'no pods', current: 1, pods: [], usage: {}, target: 50, want: 'no pods returned by selector while calculating replica count' },
    { name: 'no metrics for ready pods', current: 1, pods: [p('a', { phase: 'Pending' })], usage: { a: 100 }, target: 50, want: 'did not receive metrics for targeted pods (pods might be unready)' },
    { name: 'metrics only of unknown pods', current: 1, pods: [p('a')], usage: { zz: 100 }, target: 50, want: 'no metrics returned matched known pods' },
  ];
  for (const c of cases) {
    const r = resourceReplicas({ currentReplicas: c.current, resource: c.resource ?? 'cpu', pods: c.pods.map(pod), metrics: metrics(c.usage), now: NOW, targetUtilization: c.target }, defaultCalculatorSettings);
    if (typeof c.want === 'string') {
      assert.deepEqual(r, { ok: false, error: c.want }, c.name);
      continue;
    }
    assert.ok(r.ok, `${c.name}: ${JSON.stringify(r)}`);
    assert.deepEqual(r.value, { utilization: c.want.utilization, rawUtilization: c.want.rawUtilization, replicas: c.want.replicas }, c.name);
  }
});

test('rawResourceReplicas (AverageValue targets)', () => {
  const cases: Array<{ name: string; current: number; pods: PodSpec[]; usage: Record<string, number>; target: number; want: { replicas: number; usage: number } }> = [
    { name: 'scale up', current: 3, pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], usage: { a: 500, b: 500, c: 500 }, target: 250, want: { replicas: 6, usage: 500 } },
    { name: 'within tolerance', current: 3, pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], usage: { a: 260, b: 260, c: 260 }, target: 250, want: { replicas: 3, usage: 260 } },
    { name: 'missing pods use the target on scale-down', current: 2, pods: [{ name: 'a' }, { name: 'b' }], usage: { a: 50 }, target: 250, want: { replicas: 2, usage: 50 } },
    { name: 'scale down', current: 4, pods: ['a', 'b', 'c', 'd'].map((name) => ({ name })), usage: { a: 50, b: 50, c: 50, d: 50 }, target: 250, want: { replicas: 1, usage: 50 } },
  ];
  for (const c of cases) {
    const r = rawResourceReplicas({ currentReplicas: c.current, resource: 'cpu', pods: c.pods.map(pod), metrics: metrics(c.usage), now: NOW, targetUsage: c.target });
    assert.ok(r.ok, c.name);
    assert.deepEqual(r.value, c.want, c.name);
  }
});
