/**
 * The EndpointSlice plan for one Service (upstream's k8s.io/endpointslice Reconciler): which slices
 * to create, update and delete so the Service's pods are listed once each, grouped by the port
 * set they serve, at most `maxEndpointsPerSlice` per slice. It changes as little as it can: kept
 * endpoints stay in their slice, slices that changed anyway take new endpoints first, a leftover
 * fits into the unchanged slice with the closest room before a new slice is made, and a slice
 * that would be deleted while another is created is reused instead. A Service with nothing to
 * list keeps one empty placeholder slice. Pure: no I/O, so tests call it directly.
 */
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../api/endpointslices.js';
import type { Node, Pod, Service } from '../../api/generated/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from '../../api/generated/discovery/v1.js';
import { isPodReady } from '../util/pods.js';
import { findPort, HEADLESS_LABEL, isServiceIPSet, podIPv4, shouldPodBeInEndpoints, shouldSetHostname } from './util.js';

/** The label naming a slice's Service. */
/** The label naming a slice's manager. */
export { MANAGED_BY_LABEL, SERVICE_NAME_LABEL };
/** This controller's name in {@link MANAGED_BY_LABEL}. */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const ADDRESS_TYPE = 'IPv4';

/** Inputs of {@link planSlices}. */
export interface PlanInput {
  service: Service;
  /** Pods the Service's selector matches. */
  pods: readonly Pod[];
  /** The Service's slices managed by this controller (none pending deletion). */
  existing: readonly EndpointSlice[];
  node(name: string): Node | undefined;
  maxEndpointsPerSlice: number;
}

/** What to write. `errors` name pods left out for now (their Node is unknown); the Service is retried. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  errors: string[];
}

const normPort = (p: EndpointPort) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol ?? '' });
/** Slices group by their port set, whatever the order of the ports. */
export const portMapKey = (ports: readonly EndpointPort[] | undefined): string =>
  JSON.stringify((ports ?? []).map(normPort).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)));

/** An endpoint's identity: its addresses, hostname and pod (hashEndpoint). */
export const endpointKey = (e: Endpoint): string =>
  JSON.stringify([[...e.addresses].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);

/** Same endpoint beyond its identity: conditions, node, zone, pod uid, hints (EndpointsEqualBeyondHash). */
function endpointEqual(a: Endpoint, b: Endpoint): boolean {
  const facts = (e: Endpoint) =>
    JSON.stringify([
      e.conditions?.ready ?? null,
      e.conditions?.serving ?? null,
      e.conditions?.terminating ?? null,
      e.nodeName ?? '',
      e.zone ?? '',
      e.targetRef?.kind ?? '',
      e.targetRef?.uid ?? '',
      e.hints ?? null,
    ]);
  return facts(a) === facts(b);
}

/** The ports a pod serves for the Service: each Service port that resolves on the pod (getEndpointPorts). */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0 && svc.spec?.clusterIP === 'None') return [];
  return ports.flatMap((sp) => {
    const port = findPort(pod, sp);
    if (port === undefined) return [];
    return [{ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }];
  });
}

/** The pod as an endpoint (podToEndpoint): ready only when serving and not terminating, unless the Service publishes not-ready addresses. */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service): Endpoint | undefined {
  const ip = podIPv4(pod);
  if (!ip) return undefined;
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Endpoint = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec?.hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  return ep;
}

const isReserved = (k: string) => k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL || k === HEADLESS_LABEL;

/** A slice's labels: the Service's (reserved keys excepted), the headless marker, and the two reserved labels. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!isReserved(k)) labels[k] = v;
  if (!isServiceIPSet(svc)) labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

const sameLabels = (a: Record<string, string> | undefined, b: Record<string, string>) => {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a?.[k] === b[k]);
};

/** The slice has an owner reference to this very Service (not an earlier one of the same name). */
export const ownedBy = (slice: EndpointSlice, svc: Service): boolean =>
  (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === svc.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');

/** A new, unnamed slice for `ports` (generateName `<service>-`), owned by the Service. */
export function newSlice(svc: Service, ports: EndpointPort[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata?.name ?? ''}-`,
      namespace: svc.metadata?.namespace ?? '',
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: ADDRESS_TYPE,
    endpoints: [],
    ports,
  };
}

const isPlaceholder = (s: EndpointSlice, svc: Service) =>
  s.addressType === ADDRESS_TYPE && s.endpoints.length === 0 && (s.ports ?? []).length === 0 && ownedBy(s, svc) && sameLabels(s.metadata?.labels, sliceLabels(svc));

/** Plans the slices of one Service. */
export function planSlices(input: PlanInput): SlicePlan {
  const { service: svc } = input;
  const plan: SlicePlan = { create: [], update: [], delete: [], errors: [] };
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of input.existing) {
    // Another address type, or a slice of an earlier Service of the same name: not ours to keep.
    if (s.addressType !== ADDRESS_TYPE || !ownedBy(s, svc)) {
      plan.delete.push(s);
      continue;
    }
    const key = portMapKey(s.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), s]);
  }
  const desired = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
  const pods = [...input.pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portMapKey(ports);
    let group = desired.get(key);
    if (!group) desired.set(key, (group = { ports, endpoints: new Map() }));
    const nodeName = pod.spec?.nodeName ?? '';
    const node = input.node(nodeName);
    // A pod on an unknown node is left out (and the Service retried) unless the Service publishes everything.
    if (!node && svc.spec?.publishNotReadyAddresses !== true) {
      plan.errors.push(`skipping Pod ${pod.metadata?.name ?? ''} for Service ${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, svc);
    if (ep) group.endpoints.set(endpointKey(ep), ep);
  }
  const existingCount = plan.delete.length + [...existingByPorts.values()].reduce((n, l) => n + l.length, 0);
  for (const [key, group] of desired) {
    const part = planPortMapping(svc, existingByPorts.get(key) ?? [], group.endpoints, group.ports, input.maxEndpointsPerSlice);
    plan.create.push(...part.create);
    plan.update.push(...part.update);
    plan.delete.push(...part.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desired.has(key)) plan.delete.push(...slices);
  // Nothing to list: keep (or make) one empty placeholder slice.
  if (existingCount === plan.delete.length && plan.create.length === 0) {
    const [only] = plan.delete;
    if (plan.delete.length === 1 && only && isPlaceholder(only, svc)) plan.delete = [];
    else plan.create.push(newSlice(svc, []));
  }
  // Reuse slices about to be deleted for slices about to be created (fewer objects churn).
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const victim = plan.delete[i];
    const created = plan.create[plan.create.length - 1];
    if (victim && created && victim.addressType === created.addressType && ownedBy(victim, svc)) {
      plan.create.pop();
      const meta = { ...structuredClone(victim.metadata ?? {}), labels: created.metadata?.labels, ownerReferences: created.metadata?.ownerReferences };
      plan.update.push({ ...created, metadata: meta });
      plan.delete.splice(i, 1);
    } else i++;
  }
  return plan;
}

/** One port set's slices (reconcileByPortMapping). */
function planPortMapping(svc: Service, existing: readonly EndpointSlice[], desired: Map<string, Endpoint>, ports: EndpointPort[], max: number): Omit<SlicePlan, 'errors'> {
  const labels = sliceLabels(svc);
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  // 1. Drop endpoints no longer wanted, refresh changed ones, keep the rest in place.
  for (const slice of existing) {
    const name = slice.metadata?.name ?? '';
    byName.set(name, slice);
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints) {
      const key = endpointKey(ep);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!endpointEqual(want, ep)) changed = true;
      desired.delete(key);
    }
    if (changed || kept.length !== slice.endpoints.length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        byName.set(name, { ...structuredClone(slice), endpoints: kept, metadata: { ...structuredClone(slice.metadata ?? {}), labels } });
        toUpdate.add(name);
      }
    } else if (!sameLabels(slice.metadata?.labels, labels)) {
      byName.set(name, { ...structuredClone(slice), metadata: { ...structuredClone(slice.metadata ?? {}), labels } });
      toUpdate.add(name);
    } else unchanged.add(name);
  }
  const pending = [...desired.values()];
  // 2. Fill the slices that are being written anyway, fullest first.
  if (pending.length > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)).filter((s): s is EndpointSlice => !!s);
    slices.sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of slices) while (pending.length > 0 && s.endpoints.length < max) s.endpoints.push(pending.shift() as Endpoint);
  }
  // 3. Fit the rest into the unchanged slice with the closest room, else into new slices.
  const create: EndpointSlice[] = [];
  while (pending.length > 0) {
    let fill: EndpointSlice | undefined;
    if (pending.length < max && unchanged.size > 0) {
      const candidate = closestFit([...unchanged].map((n) => byName.get(n)).filter((s): s is EndpointSlice => !!s), pending.length, max);
      if (candidate) {
        fill = structuredClone(candidate);
        byName.set(candidate.metadata?.name ?? '', fill);
      }
    }
    fill ??= newSlice(svc, ports);
    while (pending.length > 0 && fill.endpoints.length < max) fill.endpoints.push(pending.shift() as Endpoint);
    const name = fill.metadata?.name;
    if (name) {
      toUpdate.add(name);
      unchanged.delete(name);
    } else create.push(fill);
  }
  const pick = (names: Set<string>) => [...names].map((n) => byName.get(n)).filter((s): s is EndpointSlice => !!s);
  return { create, update: pick(toUpdate), delete: pick(toDelete) };
}

/** The slice that `n` more endpoints fill most closely without overflowing (getSliceToFill). */
function closestFit(slices: readonly EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  let bestRoom = max;
  for (const s of slices) {
    const room = max - (n + s.endpoints.length);
    if (room >= 0 && room < bestRoom) {
      best = s;
      bestRoom = room;
      if (room === 0) break;
    }
  }
  return best;
}
