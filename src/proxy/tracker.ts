/**
 * Turns Services and EndpointSlices into the proxy's model, incrementally: watch events mark a
 * Service dirty, and a sync rebuilds only the dirty Services' ports and endpoints, reporting which
 * service ports really changed (so the backend rewrites only their rules).
 */
import { sliceServiceKey } from '../api/endpointslices.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import type { Service } from '../api/generated/core/v1.js';
import type { Protocol, ProxySnapshot, ServiceEndpoint, ServicePort } from './model.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV4_CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const DEFAULT_AFFINITY_SECONDS = 10800;

/** The ServicePorts one Service contributes (none for ExternalName and headless Services). */
export function servicePorts(svc: Service): ServicePort[] {
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return [];
  const clusterIP = spec.clusterIP && IPV4.test(spec.clusterIP) ? spec.clusterIP : undefined;
  if (!clusterIP) return [];
  const external = type === 'NodePort' || type === 'LoadBalancer';
  const lbIPs = type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip && IPV4.test(ip)) : [];
  const externalIPs = (spec.externalIPs ?? []).filter((ip) => IPV4.test(ip));
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  return (spec.ports ?? []).map((p) => {
    const portName = p.name ?? '';
    const sp: ServicePort = {
      id: `${ns}/${name}:${portName}`,
      namespace: ns,
      name,
      portName,
      protocol: (p.protocol ?? 'TCP') as Protocol,
      clusterIP,
      port: p.port,
      ...(external && p.nodePort ? { nodePort: p.nodePort } : {}),
      externalIPs,
      loadBalancerIPs: lbIPs,
      // IPv6 ranges are another family's business (one would make every iptables-restore fail).
      loadBalancerSourceRanges: type === 'LoadBalancer' ? (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => IPV4_CIDR.test(r)) : [],
      ...(affinity !== undefined ? { affinitySeconds: affinity } : {}),
      externalLocal: spec.externalTrafficPolicy === 'Local' && (external || externalIPs.length > 0),
      internalLocal: spec.internalTrafficPolicy === 'Local',
    };
    return sp;
  });
}

/**
 * Endpoints by ServicePort id from one Service's slices. A slice port is matched to the Service
 * port by name (as kube-proxy does); the same address:port in two slices counts once.
 */
export function sliceEndpoints(namespace: string, service: string, slices: readonly EndpointSlice[], nodeName: string): Map<string, ServiceEndpoint[]> {
  const out = new Map<string, Map<string, ServiceEndpoint>>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      if (port.port === undefined) continue;
      const id = `${namespace}/${service}:${port.name ?? ''}`;
      let eps = out.get(id);
      if (!eps) out.set(id, (eps = new Map<string, ServiceEndpoint>()));
      // Nothing validates slices written by other clients: a null list or address is skipped, never fatal.
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || !IPV4.test(ip)) continue;
        const c = ep.conditions ?? {};
        const ready = c.ready ?? true;
        const e: ServiceEndpoint = { ip, port: port.port, ready, serving: c.serving ?? ready, terminating: c.terminating ?? false, local: ep.nodeName === nodeName };
        const key = `${ip}:${port.port}`;
        const prev = eps.get(key);
        // A duplicate (two slices during a handover) counts as ready if either copy is.
        if (!prev || (!prev.ready && e.ready)) eps.set(key, e);
      }
    }
  }
  return new Map([...out].map(([id, m]) => [id, [...m.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1))]));
}

/** The ServicePort ids a Service contributes, whatever its current shape. */
const idsOf = (ports: Iterable<{ id: string }>) => [...ports].map((p) => p.id);

/** Reads Services and slices from caches; tracks which Services changed since the last take. */
export class ServiceChangeTracker {
  readonly #nodeName: string;
  readonly #services = new Map<string, ServicePort>();
  readonly #endpoints = new Map<string, readonly ServiceEndpoint[]>();
  /** Service key `ns/name` → the ServicePort ids it last contributed (ports and endpoint ports). */
  readonly #idsByService = new Map<string, string[]>();
  readonly #fingerprint = new Map<string, string>();
  #dirty = new Set<string>();
  #all = true;

  constructor(nodeName: string) {
    this.#nodeName = nodeName;
  }

  /** Marks a Service (by `namespace/name`) for rebuilding at the next take. */
  markService(key: string): void {
    this.#dirty.add(key);
  }

  /** Marks the Service a slice belongs to. */
  markSlice(slice: EndpointSlice): void {
    const key = sliceServiceKey(slice);
    if (key) this.#dirty.add(key);
  }

  /** Forces the next take to report every port as changed (first sync, after a failed sync). */
  markAll(): void {
    this.#all = true;
  }

  get pending(): boolean {
    return this.#all || this.#dirty.size > 0;
  }

  /**
   * Rebuilds the dirty Services from the lookups and returns the snapshot with the changed ids.
   * `getService` and `slicesOf` read the informer caches.
   */
  take(lookup: { getService(ns: string, name: string): Service | undefined; slicesOf(ns: string, name: string): EndpointSlice[]; allServiceKeys(): Iterable<string> }): { snapshot: ProxySnapshot; changed: Set<string> | 'all' } {
    const all = this.#all;
    const dirty = all ? new Set([...this.#dirty, ...this.#idsByService.keys(), ...lookup.allServiceKeys()]) : this.#dirty;
    this.#dirty = new Set();
    this.#all = false;
    const changed = new Set<string>();
    for (const key of dirty) {
      const slash = key.indexOf('/');
      const ns = key.slice(0, slash);
      const name = key.slice(slash + 1);
      for (const id of this.#idsByService.get(key) ?? []) {
        this.#services.delete(id);
        this.#endpoints.delete(id);
      }
      const svc = lookup.getService(ns, name);
      const ports = svc ? servicePorts(svc) : [];
      const eps = svc ? sliceEndpoints(ns, name, lookup.slicesOf(ns, name), this.#nodeName) : new Map<string, ServiceEndpoint[]>();
      for (const p of ports) this.#services.set(p.id, p);
      for (const [id, list] of eps) if (this.#services.has(id)) this.#endpoints.set(id, list);
      const before = this.#idsByService.get(key) ?? [];
      const now = idsOf(ports);
      if (now.length > 0) this.#idsByService.set(key, now);
      else this.#idsByService.delete(key);
      for (const id of new Set([...before, ...now])) {
        const sp = this.#services.get(id);
        const fp = sp ? JSON.stringify([sp, this.#endpoints.get(id) ?? []]) : '';
        if ((this.#fingerprint.get(id) ?? '') !== fp) changed.add(id);
        if (fp) this.#fingerprint.set(id, fp);
        else this.#fingerprint.delete(id);
      }
    }
    return { snapshot: { services: new Map(this.#services), endpoints: new Map(this.#endpoints) }, changed: all ? 'all' : changed };
  }
}
