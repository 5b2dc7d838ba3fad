/**
 * The HPA's replica arithmetic for resource metrics (upstream podautoscaler/replica_calculator.go):
 * the usage ratio against the target, a tolerance band around 1.0, pods without metrics counted
 * as at the target on a scale-down and as idle on a scale-up, not-yet-ready pods left out of CPU
 * averages but counted as idle on a scale-up, and no answer that flips the direction of scaling.
 * Pure functions; errors are values whose messages are upstream's.
 */
import type { Pod } from '../../api/generated/core/v1.js';
import { Quantity } from '../../api/quantity.js';

/** One pod's metric: the sum over its containers in milli-units (millicores, millibytes). */
export interface PodMetric {
  value: number;
  timestampMs: number;
  windowMs: number;
}

/** Pod name → metric (the HPA works in one namespace). */
export type PodMetricsInfo = Map<string, PodMetric>;

/** The knobs upstream takes from kube-controller-manager flags. */
export interface CalculatorSettings {
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 min). */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s). */
  delayOfInitialReadinessStatusMs: number;
}

export const defaultCalculatorSettings: CalculatorSettings = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000 };

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** How the pods of a target stand: counted ready, unready (CPU warming up, pending), without metrics, ignored (deleted, failed). */
export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

const ms = (t: string | undefined): number | undefined => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isNaN(v) ? undefined : v;
};

/** Sorts the pods as upstream's groupPods does; `now` is the controller clock. */
export function groupPods(pods: readonly Pod[], metrics: PodMetricsInfo, resource: string, s: CalculatorSettings, now: number): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const started = ms(pod.status?.startTime);
      let unready: boolean;
      if (!ready || started === undefined) unready = true;
      else {
        const transition = ms(ready.lastTransitionTime) ?? 0;
        if (started + s.cpuInitializationPeriodMs > now) {
          // Still initializing: ignore it if unready, or if no full metric window has passed since it became ready.
          unready = ready.status === 'False' || metric.timestampMs < transition + metric.windowMs;
        } else {
          // Past initialization: ignore it only if it is unready and has never been ready.
          unready = ready.status === 'False' && started + s.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** Each pod's summed request for `resource` (milli-units): containers and restartable init containers. */
export function podRequests(pods: readonly Pod[], resource: string): Result<Map<string, number>> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      const req = c.resources?.requests?.[resource];
      if (req === undefined) return fail(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      sum += Number(Quantity.parse(String(req)).milliValue());
    }
    out.set(pod.metadata?.name ?? '', sum);
  }
  return { ok: true, value: out };
}

/** Usage over requests of the pods that have both, against the target percentage. */
export function utilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): Result<{ ratio: number; utilization: number; rawAverage: number }> {
  let metricsTotal = 0n;
  let requestsTotal = 0n;
  let entries = 0n;
  for (const [name, m] of metrics) {
    const request = requests.get(name);
    // Metrics of pods we have no request for are extraneous (missing requests are caught earlier).
    if (request === undefined) continue;
    metricsTotal += BigInt(Math.round(m.value));
    requestsTotal += BigInt(Math.round(request));
    entries++;
  }
  if (requestsTotal === 0n) return fail('no metrics returned matched known pods');
  const utilization = Number((metricsTotal * 100n) / requestsTotal);
  return { ok: true, value: { ratio: utilization / targetUtilization, utilization, rawAverage: Number(metricsTotal / entries) } };
}

/** Average usage against an average-value target. */
export function usageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0n;
  for (const m of metrics.values()) total += BigInt(Math.round(m.value));
  const usage = Number(total / BigInt(metrics.size));
  return { ratio: usage / targetUsage, usage };
}

export interface ReplicaInput {
  currentReplicas: number;
  resource: string;
  pods: readonly Pod[];
  /** The pods' metrics; the calculation changes it (as upstream does), so pass a fresh map. */
  metrics: PodMetricsInfo;
  now: number;
}

/** Replicas for a Utilization target (percentage of request); also the current utilization and raw average. */
export function resourceReplicas(input: ReplicaInput & { targetUtilization: number }, s: CalculatorSettings = defaultCalculatorSettings): Result<{ replicas: number; utilization: number; rawUtilization: number }> {
  const { currentReplicas, resource, pods, metrics, targetUtilization } = input;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, metrics, resource, s, input.now);
  for (const name of [...groups.ignored, ...groups.unready]) metrics.delete(name);
  if (metrics.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');
  const requests = podRequests(pods, resource);
  if (!requests.ok) return requests;
  const first = utilizationRatio(metrics, requests.value, targetUtilization);
  if (!first.ok) return first;
  const { ratio, utilization, rawAverage } = first.value;
  const keep = { ok: true as const, value: { replicas: currentReplicas, utilization, rawUtilization: rawAverage } };
  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= s.tolerance) return keep;
    return { ok: true, value: { replicas: Math.ceil(ratio * groups.readyPodCount), utilization, rawUtilization: rawAverage } };
  }
  if (groups.missing.size > 0) {
    // Scale-down: a pod without metrics counts as using its full request (or the target, above 100%); scale-up: as idle.
    const fallback = Math.max(100, targetUtilization);
    for (const name of groups.missing) {
      if (ratio < 1.0) metrics.set(name, { value: Math.trunc(((requests.value.get(name) ?? 0) * fallback) / 100), timestampMs: 0, windowMs: 0 });
      else if (ratio > 1.0) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of groups.unready) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
  const second = utilizationRatio(metrics, requests.value, targetUtilization);
  if (!second.ok) return second;
  const next = second.value.ratio;
  if (Math.abs(1.0 - next) <= s.tolerance || (ratio < 1.0 && next > 1.0) || (ratio > 1.0 && next < 1.0)) return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1.0 && replicas > currentReplicas) || (next > 1.0 && replicas < currentReplicas)) return keep;
  return { ok: true, value: { replicas, utilization, rawUtilization: rawAverage } };
}

/** Replicas for an AverageValue target (milli-units per pod); also the current average usage. */
export function rawResourceReplicas(input: ReplicaInput & { targetUsage: number }, s: CalculatorSettings = defaultCalculatorSettings): Result<{ replicas: number; usage: number }> {
  const { currentReplicas, resource, pods, metrics, targetUsage } = input;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, metrics, resource, s, input.now);
  for (const name of [...groups.ignored, ...groups.unready]) metrics.delete(name);
  if (metrics.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = usageRatio(metrics, targetUsage);
  const keep = { ok: true as const, value: { replicas: currentReplicas, usage } };
  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= s.tolerance) return keep;
    return { ok: true, value: { replicas: Math.ceil(ratio * groups.readyPodCount), usage } };
  }
  // Scale-down: a pod without metrics counts as using exactly the target; scale-up: as idle.
  for (const name of groups.missing) {
    if (ratio < 1.0) metrics.set(name, { value: targetUsage, timestampMs: 0, windowMs: 0 });
    else if (ratio > 1.0) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const name of groups.unready) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
  const next = usageRatio(metrics, targetUsage).ratio;
  if (Math.abs(1.0 - next) <= s.tolerance || (ratio < 1.0 && next > 1.0) || (ratio > 1.0 && next < 1.0)) return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1.0 && replicas > currentReplicas) || (next > 1.0 && replicas < currentReplicas)) return keep;
  return { ok: true, value: { replicas, usage } };
}
