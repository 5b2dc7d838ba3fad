import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerBehavior, MetricTarget } from '../../api/generated/autoscaling/v2.js';
import type { Deployment } from '../../api/generated/apps/v1.js';
import type { Pod, ReplicationController } from '../../api/generated/core/v1.js';
import type { PodMetrics } from '../../api/metrics.js';
import { rfc3339 } from '../../api/time.js';
import { resources } from '../../client/resources.js';
import { newTestBench, type TestBench } from '../testing.js';
import { HorizontalController } from './horizontal.js';

const KEY = 'default/burn';

function hpa(o: { min?: number; max?: number; kind?: string; apiVersion?: string; target?: MetricTarget; behavior?: HorizontalPodAutoscalerBehavior } = {}): HorizontalPodAutoscaler {
  return {
    metadata: { name: 'burn', namespace: 'default', generation: 1 },
    spec: {
      scaleTargetRef: { apiVersion: o.apiVersion ?? 'apps/v1', kind: o.kind ?? 'Deployment', name: 'burn' },
      minReplicas: o.min ?? 1,
      maxReplicas: o.max ?? 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: o.target ?? { type: 'Utilization', averageUtilization: 50 } } }],
      ...(o.behavior ? { behavior: o.behavior } : {}),
    },
  };
}

const deployment = (replicas: number): Deployment => ({
  metadata: { name: 'burn', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'burn' } }, template: { metadata: { labels: { app: 'burn' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

function pod(bench: TestBench, name: string, cpuRequest: string | null = '50m'): Pod {
  const long = rfc3339(bench.clock.now() - 3_600_000);
  return {
    metadata: { name, namespace: 'default', labels: { app: 'burn' } },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: cpuRequest === null ? {} : { requests: { cpu: cpuRequest } } }] },
    status: { phase: 'Running', startTime: long, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: long }] },
  };
}

const usage = (bench: TestBench, name: string, cpu: string): PodMetrics => ({
  metadata: { name, namespace: 'default', labels: { app: 'burn' } },
  timestamp: rfc3339(bench.clock.now()),
  window: '15s',
  containers: [{ name: 'c', usage: { cpu, memory: '1Mi' } }],
});

/** A bench with the HPA, the deployment, its pods and their CPU usage. */
function setup(o: { replicas: number; cpu: string[]; hpa?: HorizontalPodAutoscaler; requests?: string | null; metrics?: boolean }) {
  const bench = newTestBench();
  const c = new HorizontalController(bench.ctx);
  bench.seed(resources.horizontalpodautoscalers, o.hpa ?? hpa());
  bench.seed(resources.deployments, deployment(o.replicas));
  o.cpu.forEach((_, i) => bench.seed(resources.pods, pod(bench, `burn-${i}`, o.requests === undefined ? '50m' : o.requests)));
  if (o.metrics !== false) o.cpu.forEach((cpu, i) => bench.transport.seed(resources.podmetrics, usage(bench, `burn-${i}`, cpu)));
  return { bench, c };
}

const statusOf = (b: TestBench) => b.transport.object<HorizontalPodAutoscaler>(resources.horizontalpodautoscalers, 'default', 'burn')?.status;
const conditions = (b: TestBench) => Object.fromEntries((statusOf(b)?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`]));
const replicasOf = (b: TestBench) => b.transport.object<Deployment>(resources.deployments, 'default', 'burn')?.spec?.replicas;

test('scales up on CPU above target, capped at maxReplicas, and reports it', async () => {
  const { bench, c } = setup({ replicas: 1, cpu: ['125m'] });
  await c.reconcile(KEY);
  assert.equal(replicasOf(bench), 3);
  assert.deepEqual(bench.transport.writes(), ['update deployments/scale default/burn', 'update horizontalpodautoscalers/status default/burn']);
  assert.deepEqual(bench.events.map((e) => `${e.component} ${e.type} ${e.reason}: ${e.message}`), [
    'horizontal-pod-autoscaler Normal SuccessfulRescale: New size: 3; reason: cpu resource utilization (percentage of request) above target',
  ]);
  const st = statusOf(bench);
  assert.equal(st?.currentReplicas, 1);
  assert.equal(st?.desiredReplicas, 3);
  assert.equal(st?.observedGeneration, 1);
  assert.equal(st?.lastScaleTime, rfc3339(bench.clock.now()));
  assert.deepEqual(st?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 250, averageValue: '125m' } } }]);
  assert.deepEqual(conditions(bench), {
    AbleToScale: 'True SucceededRescale: the HPA controller was able to update the target scale to 3',
    ScalingActive: 'True ValidMetricFound: the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    ScalingLimited: 'True TooManyReplicas: the desired replica count is more than the maximum replica count',
  });
});

test('failures are conditions and Events worded as upstream, with no scale written', async () => {
  const noMetrics = 'failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API';
  const noRequests = 'failed to get cpu utilization: missing request for cpu in container c of Pod burn-0';
  const cases: Array<{ name: string; setup: Parameters<typeof setup>[0]; events: string[]; conditions: Record<string, string> }> = [
    {
      name: 'no metrics yet',
      setup: { replicas: 1, cpu: ['10m'], metrics: false },
      events: [`Warning FailedGetResourceMetric: ${noMetrics}`, `Warning FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${noMetrics}`],
      conditions: {
        AbleToScale: "True SucceededGetScale: the HPA controller was able to get the target's current scale",
        ScalingActive: `False FailedGetResourceMetric: the HPA was unable to compute the replica count: ${noMetrics}`,
      },
    },
    {
      name: 'pods without requests',
      setup: { replicas: 1, cpu: ['10m'], requests: null },
      events: [`Warning FailedGetResourceMetric: ${noRequests}`, `Warning FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${noRequests}`],
      conditions: {
        AbleToScale: "True SucceededGetScale: the HPA controller was able to get the target's current scale",
        ScalingActive: `False FailedGetResourceMetric: the HPA was unable to compute the replica count: ${noRequests}`,
      },
    },
    {
      name: 'unknown target kind',
      setup: { replicas: 1, cpu: ['10m'], hpa: hpa({ kind: 'Foo' }) },
      events: ['Warning FailedGetScale: no matches for kind "Foo" in group "apps"'],
      conditions: { AbleToScale: 'False FailedGetScale: the HPA controller was unable to get the target\'s current scale: no matches for kind "Foo" in group "apps"' },
    },
    {
      name: 'target missing',
      setup: { replicas: 1, cpu: ['10m'], hpa: hpa({ kind: 'ReplicaSet' }) },
      events: ['Warning FailedGetScale: replicasets.apps "burn" not found'],
      conditions: { AbleToScale: 'False FailedGetScale: the HPA controller was unable to get the target\'s current scale: replicasets.apps "burn" not found' },
    },
    {
      name: 'target scaled to zero',
      setup: { replicas: 0, cpu: [] },
      events: [],
      conditions: {
        AbleToScale: "True SucceededGetScale: the HPA controller was able to get the target's current scale",
        ScalingActive: 'False ScalingDisabled: scaling is disabled since the replica count of the target is zero',
      },
    },
  ];
  for (const k of cases) {
    const { bench, c } = setup(k.setup);
    await c.reconcile(KEY);
    assert.deepEqual(bench.transport.writes(), ['update horizontalpodautoscalers/status default/burn'], k.name);
    assert.deepEqual(bench.events.map((e) => `${e.type} ${e.reason}: ${e.message}`), k.events, k.name);
    assert.deepEqual(conditions(bench), k.conditions, k.name);
  }
});

test('a target above maxReplicas is brought down without looking at metrics', async () => {
  const { bench, c } = setup({ replicas: 5, cpu: [], metrics: false });
  await c.reconcile(KEY);
  assert.equal(replicasOf(bench), 3);
  assert.deepEqual(bench.events.map((e) => e.message), ['New size: 3; reason: Current number of replicas above Spec.MaxReplicas']);
  assert.equal(statusOf(bench)?.currentMetrics, undefined);
});

test('scale-down waits out the 5-minute stabilization window (FakeClock); in-band usage changes nothing', async () => {
  const { bench, c } = setup({ replicas: 3, cpu: ['5m', '5m', '5m'], hpa: hpa({ max: 5 }) });
  await c.reconcile(KEY);
  assert.equal(replicasOf(bench), 3, 'the initial recommendation (3) holds');
  assert.match(conditions(bench)['AbleToScale'] ?? '', /^True ScaleDownStabilized: recent recommendations were higher/);
  assert.equal(statusOf(bench)?.desiredReplicas, 3);
  for (let i = 0; i < 19; i++) {
    bench.clock.advance(15_000);
    bench.sync(resources.horizontalpodautoscalers);
    await c.reconcile(KEY);
  }
  assert.equal(replicasOf(bench), 3, 'still inside the window after 285 s');
  bench.clock.advance(30_000);
  bench.sync(resources.horizontalpodautoscalers);
  await c.reconcile(KEY);
  assert.equal(replicasOf(bench), 1);
  assert.equal(bench.events.at(-1)?.message, 'New size: 1; reason: All metrics below target');

  // Usage at the target (within the 10% tolerance): nothing to do, status left as written.
  const steady = setup({ replicas: 2, cpu: ['26m', '26m'] });
  await steady.c.reconcile(KEY);
  assert.equal(replicasOf(steady.bench), 2);
  assert.deepEqual(steady.bench.events, []);
  assert.equal(statusOf(steady.bench)?.desiredReplicas, 2);
});

test('AverageValue targets, ReplicationController targets and a behavior that limits the step', async () => {
  const bench = newTestBench();
  const c = new HorizontalController(bench.ctx);
  bench.seed(resources.horizontalpodautoscalers, hpa({ kind: 'ReplicationController', apiVersion: 'v1', max: 10, target: { type: 'AverageValue', averageValue: '100m' }, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } }));
  const rc: ReplicationController = { metadata: { name: 'burn', namespace: 'default' }, spec: { replicas: 2, selector: { app: 'burn' } } };
  bench.seed(resources.replicationcontrollers, rc);
  for (const i of [0, 1]) {
    bench.seed(resources.pods, pod(bench, `burn-${i}`));
    bench.transport.seed(resources.podmetrics, usage(bench, `burn-${i}`, '400m'));
  }
  await c.reconcile(KEY);
  assert.equal(bench.transport.object<ReplicationController>(resources.replicationcontrollers, 'default', 'burn')?.spec?.replicas, 3, 'one pod per minute');
  assert.equal(bench.events[0]?.message, 'New size: 3; reason: cpu resource above target');
  assert.deepEqual(statusOf(bench)?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '400m' } } }]);
  assert.match(conditions(bench)['ScalingLimited'] ?? '', /^True ScaleUpLimit/);
});
