/**
 * What the HPA talks to besides its own object: the target's scale subresource (the kinds that
 * have one, found from scaleTargetRef as upstream's REST mapper would) and the pods' usage from
 * metrics.k8s.io, both through the controller's transport.
 */
import type { CrossVersionObjectReference } from '../../api/generated/autoscaling/v2.js';
import type { PodMetricsList } from '../../api/metrics.js';
import { parseGoDuration } from '../../api/proto/duration.js';
import { Quantity } from '../../api/quantity.js';
import { resourcePath, type ResourceDescriptor } from '../../client/paths.js';
import { resources } from '../../client/resources.js';
import type { Transport } from '../../client/types.js';
import type { PodMetricsInfo } from './replica-calculator.js';
import { errorText } from '../../util/errors.js';

/** autoscaling/v1 Scale, as the scale subresource speaks it. */
export interface Scale {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/** Scalable kinds by `group/Kind` (the versions the API serves them in). */
const SCALABLE: Record<string, ResourceDescriptor> = {
  'apps/Deployment': resources.deployments,
  'apps/ReplicaSet': resources.replicasets,
  'apps/StatefulSet': resources.statefulsets,
  '/ReplicationController': resources.replicationcontrollers,
};

/** The resource behind a scaleTargetRef, or upstream's error text for what cannot be mapped. */
export function scaleTargetResource(ref: CrossVersionObjectReference): { ok: true; resource: ResourceDescriptor } | { ok: false; error: string } {
  const apiVersion = ref.apiVersion ?? '';
  const parts = apiVersion.split('/');
  if (parts.length > 2) return { ok: false, error: `unexpected GroupVersion string: ${apiVersion}` };
  const group = parts.length === 2 ? (parts[0] ?? '') : '';
  const resource = SCALABLE[`${group}/${ref.kind}`];
  if (!resource) return { ok: false, error: `no matches for kind "${ref.kind}" in group "${group}"` };
  return { ok: true, resource };
}

export function getScale(t: Transport, d: ResourceDescriptor, namespace: string, name: string): Promise<Scale> {
  return t.request<Scale>({ method: 'GET', path: resourcePath(d, { namespace, name, subresource: 'scale' }) });
}

/** PUT the Scale back with new spec.replicas (its resourceVersion makes it conditional, as upstream's Update). */
export function updateScale(t: Transport, d: ResourceDescriptor, namespace: string, scale: Scale, replicas: number): Promise<Scale> {
  const body: Scale = { ...scale, apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { ...scale.spec, replicas } };
  return t.request<Scale>({ method: 'PUT', path: resourcePath(d, { namespace, name: scale.metadata?.name ?? '', subresource: 'scale' }), body });
}

/**
 * The pods' usage of `resource` (sum over containers, milli-units) from metrics.k8s.io, as
 * upstream's resource metrics client reads it: a pod missing the resource in any container is
 * left out; no items at all is an error.
 */
export async function podResourceMetrics(t: Transport, namespace: string, selector: string, resource: string, container?: string): Promise<{ ok: true; metrics: PodMetricsInfo } | { ok: false; error: string }> {
  let list: PodMetricsList;
  try {
    list = await t.request<PodMetricsList>({ method: 'GET', path: resourcePath(resources.podmetrics, { namespace }), query: { labelSelector: selector } });
  } catch (e) {
    return { ok: false, error: `unable to fetch metrics from resource metrics API: ${errorText(e)}` };
  }
  const items = list.items ?? [];
  if (items.length === 0) return { ok: false, error: 'no metrics returned from resource metrics API' };
  const metrics: PodMetricsInfo = new Map();
  if (container !== undefined) {
    for (const m of items) {
      const c = (m.containers ?? []).find((x) => x.name === container);
      if (!c) return { ok: false, error: `failed to get container metrics: container ${container} not present in metrics for pod ${m.metadata.namespace ?? namespace}/${m.metadata.name ?? ''}` };
      const v = c.usage[resource];
      if (v !== undefined) metrics.set(m.metadata.name ?? '', { value: Number(Quantity.parse(v).milliValue()), timestampMs: Date.parse(m.timestamp) || 0, windowMs: windowMs(m.window) });
    }
    return { ok: true, metrics };
  }
  for (const m of items) {
    const containers = m.containers ?? [];
    let sum = 0;
    let missing = containers.length === 0;
    for (const c of containers) {
      const v = c.usage[resource];
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += Number(Quantity.parse(v).milliValue());
    }
    if (!missing) metrics.set(m.metadata.name ?? '', { value: sum, timestampMs: Date.parse(m.timestamp) || 0, windowMs: windowMs(m.window) });
  }
  return { ok: true, metrics };
}

/** A Go duration ("15.012s", "1m0s") in milliseconds; 0 when unreadable. */
function windowMs(text: string | undefined): number {
  try {
    return Number(parseGoDuration(text ?? '')) / 1e6;
  } catch {
    return 0;
  }
}
