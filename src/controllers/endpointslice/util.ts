/**
 * Pod-to-endpoint facts the Endpoints and EndpointSlice controllers share (upstream's
 * k8s.io/endpointslice/util and pkg/controller/util/endpoint): which pods belong in a Service's
 * endpoints, their IPv4 address, how a Service port resolves to a pod port (named targetPorts
 * through the containers' ports), which Services a pod change concerns, and the
 * last-change-trigger-time bookkeeping.
 */
import { isApiError } from '../../api/errors.js';
import type { Pod, Service, ServicePort } from '../../api/generated/core/v1.js';
import type { Store } from '../../client/store.js';
import { isPodReady, isPodTerminal } from '../util/pods.js';

/** The annotation both controllers set: when the change behind the current endpoints happened. */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** The label on a headless Service's Endpoints and EndpointSlices. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/**
 * The Service's selector, or undefined when it has none. An empty map counts as none: it cannot
 * survive a round trip through the API (Go drops empty maps), so it never means "select all".
 */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** Whether the pod's labels match the selector (every key equal). */
export const selectorMatches = (sel: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(sel).every(([k, v]) => labels?.[k] === v);

/** A ClusterIP is allocated (not headless, not ExternalName). */
export const isServiceIPSet = (svc: Service): boolean => !!svc.spec?.clusterIP && svc.spec.clusterIP !== 'None';

/**
 * Whether a pod is listed at all: not finished, has an IP, and (unless `includeTerminating`) is
 * not being deleted (ShouldPodBeInEndpoints).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

const isIPv4 = (ip: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

/** The pod's IPv4 address (the cluster is single-stack IPv4), if it has one. */
export function podIPv4(pod: Pod): string | undefined {
  for (const p of pod.status?.podIPs ?? []) if (p.ip && isIPv4(p.ip)) return p.ip;
  const ip = pod.status?.podIP;
  return ip && isIPv4(ip) ? ip : undefined;
}

/**
 * The pod port a Service port sends to (FindPort): a numeric targetPort as is (the port when
 * unset), a named one through the containers' (and sidecars') ports with the same protocol.
 */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The pod's hostname is published when it names this Service as its subdomain (ShouldSetHostname). */
export const shouldSetHostname = (pod: Pod, svc: Service): boolean =>
  !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;

/** The pod fields endpoints are made of: a change elsewhere (annotations, container statuses) concerns no Service. */
function endpointFacts(pod: Pod): string {
  return JSON.stringify([
    podIPv4(pod),
    isPodReady(pod),
    pod.metadata?.deletionTimestamp ?? '',
    pod.status?.phase ?? '',
    pod.spec?.nodeName ?? '',
    pod.spec?.hostname ?? '',
    pod.spec?.subdomain ?? '',
    pod.metadata?.uid ?? '',
  ]);
}

/** Keys (`ns/name`) of the Services in the pod's namespace whose selector matches its labels. */
export function servicesSelecting(services: Store<Service>, pod: Pod): string[] {
  const ns = pod.metadata?.namespace ?? '';
  return services.listByNamespace(ns).flatMap((svc) => {
    const sel = serviceSelector(svc);
    return sel && selectorMatches(sel, pod.metadata?.labels) ? [`${ns}/${svc.metadata?.name ?? ''}`] : [];
  });
}

/**
 * The Services to resync after a pod changed from `old` to `cur` (GetServicesToUpdateOnPodChange):
 * none for a resync or a change endpoints do not show; when labels changed, those that selected
 * the old pod too.
 */
export function servicesForPodChange(services: Store<Service>, old: Pod, cur: Pod): Set<string> {
  if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return new Set();
  const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
  if (!labelsChanged && endpointFacts(old) === endpointFacts(cur)) return new Set();
  const keys = new Set(servicesSelecting(services, cur));
  if (labelsChanged) for (const k of servicesSelecting(services, old)) keys.add(k);
  return keys;
}

/**
 * When the change behind a Service's endpoints happened (upstream's TriggerTimeTracker): the
 * earliest of the pod Ready transitions and the Service creation seen since the last sync, or
 * undefined on the first sync of a Service (a controller restart must not claim old changes).
 */
export class TriggerTimeTracker {
  readonly #state = new Map<string, { pods: Map<string, number>; service: number }>();

  /** Computes the trigger time for `svc` over its `pods` and remembers what it saw. */
  compute(svc: Service, pods: readonly Pod[]): number | undefined {
    const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    const prev = this.#state.get(key);
    let min: number | undefined;
    const seen = new Map<string, number>();
    for (const pod of pods) {
      const t = readyTransition(pod);
      if (t === undefined) continue;
      seen.set(pod.metadata?.name ?? '', t);
      if (t > (prev?.pods.get(pod.metadata?.name ?? '') ?? -Infinity)) min = min === undefined ? t : Math.min(min, t);
    }
    const svcTime = Date.parse(svc.metadata?.creationTimestamp ?? '') || 0;
    if (svcTime > (prev?.service ?? -Infinity)) min = min === undefined ? svcTime : Math.min(min, svcTime);
    this.#state.set(key, { pods: seen, service: svcTime });
    return prev ? min : undefined;
  }

  /** Forgets a deleted Service. */
  delete(key: string): void {
    this.#state.delete(key);
  }
}

function readyTransition(pod: Pod): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** RFC 3339 with milliseconds, as Go's RFC3339Nano prints a UTC time (trailing zeros trimmed). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** Whether a create failed because the namespace is being deleted (the NamespaceTerminating cause): retrying cannot help. */
export function isNamespaceTerminating(e: unknown): boolean {
  if (!isApiError(e, 'Forbidden')) return false;
  return (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating') || /being terminated/.test(e.message);
}
