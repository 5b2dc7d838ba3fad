/**
 * One metric's replica proposal and status (upstream horizontal.go's computeReplicasForMetric and
 * computeStatusForResourceMetricGeneric): Resource and ContainerResource metrics against
 * Utilization or AverageValue targets, from metrics.k8s.io. Pods, Object and External metrics need
 * a custom or external metrics API, which this cluster does not serve; they fail as upstream
 * fails without one. Errors carry upstream's wording and the condition they set.
 */
import type { MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from '../../api/generated/autoscaling/v2.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { Quantity } from '../../api/quantity.js';
import type { Transport } from '../../client/types.js';
import type { ConditionUpdate } from './behavior.js';
import { rawResourceReplicas, resourceReplicas, type CalculatorSettings, type PodMetricsInfo } from './replica-calculator.js';
import { podResourceMetrics } from './target.js';

/** What a metric is computed against. */
export interface MetricContext {
  transport: Transport;
  namespace: string;
  /** The target's scale.status.selector. */
  selector: string;
  /** The pods it selects, from the informer. */
  pods: readonly Pod[];
  /** scale.spec.replicas. */
  currentReplicas: number;
  now: number;
  calc: CalculatorSettings;
  /** Records a Warning Event on the HPA. */
  warn(reason: string, message: string): void;
}

export type MetricOutcome = { ok: true; replicas: number; metric: string; status: MetricStatus } | { ok: false; error: string; condition: ConditionUpdate };

const milliQuantity = (milli: number): string => Quantity.fromMilli(BigInt(Math.round(milli))).toString();

/** Upstream's getUnableComputeReplicaCountCondition: a Warning Event and a ScalingActive=False condition. */
function unable(c: MetricContext, reason: string, error: string, wrapped: string): MetricOutcome {
  c.warn(reason, error);
  return { ok: false, error: wrapped, condition: { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${error}` } };
}

/** The container's usage only, as upstream's getContainerMetrics (a pod without the container is an error). */
async function metricsFor(c: MetricContext, resource: string, container: string | undefined): Promise<{ ok: true; metrics: PodMetricsInfo } | { ok: false; error: string }> {
  const r = await podResourceMetrics(c.transport, c.namespace, c.selector, resource, container);
  return r.ok ? r : { ok: false, error: `unable to get metrics for resource ${resource}: ${r.error}` };
}

/** Replicas and current value for one Resource / ContainerResource target. */
async function resourceMetric(c: MetricContext, target: MetricTarget, resource: string, container: string | undefined): Promise<{ ok: true; replicas: number; metric: string; current: MetricValueStatus } | { ok: false; error: string }> {
  const pods = container ? c.pods.map((p) => ({ ...p, spec: p.spec && { ...p.spec, containers: p.spec.containers.filter((x) => x.name === container), initContainers: (p.spec.initContainers ?? []).filter((x) => x.name === container) } })) : c.pods;
  if (target.averageValue !== undefined) {
    const m = await metricsFor(c, resource, container);
    if (!m.ok) return { ok: false, error: `failed to get ${resource} usage: ${m.error}` };
    const r = rawResourceReplicas({ currentReplicas: c.currentReplicas, resource, pods, metrics: m.metrics, now: c.now, targetUsage: Number(Quantity.parse(String(target.averageValue)).milliValue()) }, c.calc);
    if (!r.ok) return { ok: false, error: `failed to get ${resource} usage: ${r.error}` };
    return { ok: true, replicas: r.value.replicas, metric: `${resource} resource`, current: { averageValue: milliQuantity(r.value.usage) } };
  }
  if (target.averageUtilization === undefined) return { ok: false, error: 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set' };
  const m = await metricsFor(c, resource, container);
  if (!m.ok) return { ok: false, error: `failed to get ${resource} utilization: ${m.error}` };
  const r = resourceReplicas({ currentReplicas: c.currentReplicas, resource, pods, metrics: m.metrics, now: c.now, targetUtilization: target.averageUtilization }, c.calc);
  if (!r.ok) return { ok: false, error: `failed to get ${resource} utilization: ${r.error}` };
  const what = container ? 'container resource' : 'resource';
  return { ok: true, replicas: r.value.replicas, metric: `${resource} ${what} utilization (percentage of request)`, current: { averageUtilization: r.value.utilization, averageValue: milliQuantity(r.value.rawUtilization) } };
}

/** The proposal of one metric spec. */
export async function computeReplicasForMetric(spec: MetricSpec, c: MetricContext): Promise<MetricOutcome> {
  switch (spec.type) {
    case 'Resource': {
      const src = spec.resource;
      if (!src) return unable(c, 'FailedGetResourceMetric', 'resource metric source is missing', 'failed to get resource metric value: resource metric source is missing');
      const r = await resourceMetric(c, src.target, src.name, undefined);
      if (!r.ok) return unable(c, 'FailedGetResourceMetric', r.error, `failed to get ${src.name} resource metric value: ${r.error}`);
      return { ok: true, replicas: r.replicas, metric: r.metric, status: { type: 'Resource', resource: { name: src.name, current: r.current } } };
    }
    case 'ContainerResource': {
      const src = spec.containerResource;
      if (!src) return unable(c, 'FailedGetContainerResourceMetric', 'container resource metric source is missing', 'failed to get container metric value: container resource metric source is missing');
      const r = await resourceMetric(c, src.target, src.name, src.container);
      if (!r.ok) return unable(c, 'FailedGetContainerResourceMetric', r.error, `failed to get ${src.container} container metric value: ${r.error}`);
      return { ok: true, replicas: r.replicas, metric: r.metric, status: { type: 'ContainerResource', containerResource: { name: src.name, container: src.container, current: r.current } } };
    }
    case 'Pods':
    case 'Object': {
      const name = (spec.type === 'Pods' ? spec.pods?.metric.name : spec.object?.metric.name) ?? '';
      const error = `unable to get metric ${name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
      return unable(c, spec.type === 'Pods' ? 'FailedGetPodsMetric' : 'FailedGetObjectMetric', error, `failed to get ${spec.type === 'Pods' ? 'pods' : 'object'} metric value: ${error}`);
    }
    case 'External': {
      const error = `unable to get external metric ${c.namespace}/${spec.external?.metric.name ?? ''}: no external metrics API (external.metrics.k8s.io) registered`;
      return unable(c, 'FailedGetExternalMetric', error, error);
    }
    default: {
      const error = `unknown metric source type "${spec.type}"`;
      return unable(c, 'InvalidMetricSourceType', error, error);
    }
  }
}
