/**
 * The Endpoints controller (kube-controller-manager's `endpoints`, pkg/controller/endpoint): for
 * every Service with a selector, an Endpoints object of the same name listing the selected pods'
 * addresses, ready ones in `addresses` and the rest in `notReadyAddresses` (all of them ready when
 * the Service publishes not-ready addresses), grouped into subsets by port set. Services without a
 * selector are left to whoever writes their Endpoints; a deleted Service's Endpoints go with it.
 */
import { isNotFound } from '../api/errors.js';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service } from '../api/generated/core/v1.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { splitKey } from '../client/store.js';
import { WorkQueue } from '../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor } from './controller.js';
import {
  findPort,
  HEADLESS_LABEL,
  isNamespaceTerminating,
  isServiceIPSet,
  LAST_CHANGE_TRIGGER_TIME,
  podIPv4,
  rfc3339Nano,
  selectorMatches,
  serviceSelector,
  servicesForPodChange,
  servicesSelecting,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  TriggerTimeTracker,
} from './endpointslice/util.js';
import { isPodReady } from './util/pods.js';

/** Endpoints carry at most this many addresses; the rest are dropped and the object marked. */
const MAX_CAPACITY = 1000;
const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** Endpoints the API server's leader election keeps without a Service. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** Reconciles the Endpoints of each Service. */
export class EndpointsController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #services: Informer<Service>;
  readonly #pods: Informer<Pod>;
  readonly #endpoints: Informer<Endpoints>;
  readonly #client;
  readonly #triggers = new TriggerTimeTracker();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#services = ctx.informers.informer<Service>(resources.services);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#endpoints = ctx.informers.informer<Endpoints>(resources.endpoints);
    this.#client = clientFor<Endpoints>(ctx, resources.endpoints);
    const enqueueService = (svc: Service) => this.queue.add(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`);
    this.#services.addEventHandler({ onAdd: enqueueService, onUpdate: (_o, n) => enqueueService(n), onDelete: enqueueService });
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#enqueueAll(servicesSelecting(this.#services.store, pod)),
      onUpdate: (old, cur) => this.#enqueueAll(servicesForPodChange(this.#services.store, old, cur)),
      onDelete: (pod) => this.#enqueueAll(servicesSelecting(this.#services.store, pod)),
    });
    // A deleted Endpoints of a live Service is recreated.
    this.#endpoints.addEventHandler({ onDelete: (ep) => this.queue.add(`${ep.metadata?.namespace ?? ''}/${ep.metadata?.name ?? ''}`) });
  }

  #enqueueAll(keys: Iterable<string>): void {
    for (const k of keys) this.queue.add(k);
  }

  async run(signal: AbortSignal): Promise<void> {
    const informers = [this.#services, this.#pods, this.#endpoints];
    const leftovers = (async () => {
      for (const i of informers) if (!(await i.waitForSync(signal))) return;
      this.checkLeftoverEndpoints();
    })();
    await runWorkers({ name: 'endpoints', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: informers, signal });
    await leftovers;
  }

  /** Queues the Service of every Endpoints, once at start, so those whose Service went while we were away are deleted. */
  checkLeftoverEndpoints(): void {
    for (const ep of this.#endpoints.store.list()) {
      if (ep.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) continue;
      this.queue.add(`${ep.metadata?.namespace ?? ''}/${ep.metadata?.name ?? ''}`);
    }
  }

  /** Brings the Endpoints of Service `key` (`ns/name`) in line with its pods. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.#services.store.get(key);
    if (!svc) {
      this.#triggers.delete(key);
      try {
        await this.#client.delete(name, { namespace });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector) return;
    const pods = this.#pods.store.listByNamespace(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const subsets = repackSubsets(pods.flatMap((pod) => podSubsets(svc, pod)));
    const triggerTime = this.#triggers.compute(svc, pods);
    const current = this.#endpoints.store.get(key);
    const currentLabels = { ...(current?.metadata?.labels ?? {}) };
    delete currentLabels[HEADLESS_LABEL];
    if (
      current &&
      sameSubsets(current.subsets ?? [], subsets) &&
      sameMap(currentLabels, svc.metadata?.labels ?? {}) &&
      capacityAnnotationCorrect(current)
    ) {
      return;
    }
    const next: Endpoints = current ? structuredClone<Endpoints>(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    const meta = (next.metadata ??= {});
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;
    const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
    if (isServiceIPSet(svc)) delete labels[HEADLESS_LABEL];
    else labels[HEADLESS_LABEL] = '';
    meta.labels = labels;
    const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
    if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (truncate(next)) annotations[OVER_CAPACITY] = 'truncated';
    else delete annotations[OVER_CAPACITY];
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
    try {
      if (current) await this.#client.update(next, { namespace });
      else await this.#client.create(next, { namespace });
    } catch (e) {
      // A terminating namespace refuses new objects for good: nothing to retry.
      if (!current && isNamespaceTerminating(e)) return;
      throw e;
    }
  }
}

/** One single-address subset per Service port the pod serves (addEndpointSubset), repacked later. */
function podSubsets(svc: Service, pod: Pod): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  if (!shouldPodBeInEndpoints(pod, tolerateUnready)) return [];
  const ip = podIPv4(pod);
  if (!ip) return [];
  const address: EndpointAddress = {
    ip,
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
  };
  if (shouldSetHostname(pod, svc)) address.hostname = pod.spec?.hostname;
  const ready = tolerateUnready || isPodReady(pod);
  const subset = (ports: EndpointPort[]): EndpointSubset => (ready ? { addresses: [address], ports } : { notReadyAddresses: [address], ports });
  const svcPorts = svc.spec?.ports ?? [];
  // A headless Service without ports still lists its pods' addresses.
  if (svcPorts.length === 0) return svc.spec?.clusterIP === 'None' ? [subset([])] : [];
  return svcPorts.flatMap((sp) => {
    const port = findPort(pod, sp);
    if (port === undefined) return [];
    return [subset([{ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }])];
  });
}

const portKey = (p: EndpointPort) => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const compareAddresses = (a: EndpointAddress, b: EndpointAddress) => compareIPs(a.ip, b.ip) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * The canonical form of subsets (RepackSubsets + SortSubsets): expanded to (address, port) pairs,
 * then each group of addresses offering the same ports becomes one subset, everything sorted, so
 * equal content always has one shape. An address both ready and not ready counts as ready.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  // Port → the addresses offering it (with readiness). Subsets without ports keep their addresses under a sentinel.
  const byPort = new Map<string, { port?: EndpointPort; addrs: Map<string, { addr: EndpointAddress; ready: boolean }> }>();
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const port of ports) {
      const pk = port ? portKey(port) : '';
      let entry = byPort.get(pk);
      if (!entry) byPort.set(pk, (entry = { port, addrs: new Map() }));
      for (const a of s.addresses ?? []) entry.addrs.set(addressKey(a), { addr: a, ready: true });
      for (const a of s.notReadyAddresses ?? []) if (!entry.addrs.has(addressKey(a))) entry.addrs.set(addressKey(a), { addr: a, ready: false });
    }
  }
  // Address sets → the ports they offer.
  const groups = new Map<string, { addrs: { addr: EndpointAddress; ready: boolean }[]; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    if (addrs.size === 0) continue;
    const key = [...addrs.entries()].map(([k, v]) => `${k}=${v.ready}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs: [...addrs.values()], ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const subset: EndpointSubset = {};
    const ready = g.addrs.filter((a) => a.ready).map((a) => a.addr).sort(compareAddresses);
    const notReady = g.addrs.filter((a) => !a.ready).map((a) => a.addr).sort(compareAddresses);
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (g.ports.length) subset.ports = g.ports.sort((a, b) => portKey(a).localeCompare(portKey(b)));
    out.push(subset);
  }
  const subsetKey = (s: EndpointSubset) => JSON.stringify([(s.ports ?? []).map(portKey), (s.addresses ?? []).map(addressKey), (s.notReadyAddresses ?? []).map(addressKey)]);
  return out.sort((a, b) => subsetKey(a).localeCompare(subsetKey(b)));
}

/** Subsets equal in content, ignoring targetRef resourceVersions (which pod updates bump without meaning). */
function sameSubsets(a: readonly EndpointSubset[], b: readonly EndpointSubset[]): boolean {
  const strip = (subsets: readonly EndpointSubset[]) =>
    JSON.stringify(
      repackSubsets(subsets).map((s) => {
        const addr = (list?: EndpointAddress[]) => (list ?? []).map((x) => ({ ...x, targetRef: x.targetRef ? { ...x.targetRef, resourceVersion: undefined } : undefined }));
        return { a: addr(s.addresses), n: addr(s.notReadyAddresses), p: (s.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })) };
      }),
    );
  return strip(a) === strip(b);
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

const addressCount = (subsets: readonly EndpointSubset[]) => subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);

/** The over-capacity annotation is present exactly when the Endpoints were truncated. */
function capacityAnnotationCorrect(ep: Endpoints): boolean {
  const marked = ep.metadata?.annotations?.[OVER_CAPACITY] !== undefined;
  return marked === addressCount(ep.subsets ?? []) > MAX_CAPACITY;
}

/**
 * Drops addresses beyond {@link MAX_CAPACITY}, not-ready ones first, spread over the subsets in
 * proportion to their size (truncateEndpoints). Returns whether anything was dropped.
 */
function truncate(ep: Endpoints): boolean {
  const subsets = ep.subsets ?? [];
  const total = addressCount(subsets);
  if (total <= MAX_CAPACITY) return false;
  let remaining = MAX_CAPACITY;
  subsets.forEach((s, i) => {
    const n = (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
    const keep = i === subsets.length - 1 ? remaining : Math.min(remaining, Math.floor((n * MAX_CAPACITY) / total));
    remaining -= keep;
    const ready = s.addresses ?? [];
    if (ready.length >= keep) {
      s.addresses = ready.slice(0, keep);
      delete s.notReadyAddresses;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, keep - ready.length);
    }
  });
  return true;
}

/** The `endpoints` controller. */
export const endpointsController: ControllerDescriptor = { name: 'endpoints', create: (ctx) => new EndpointsController(ctx) };
