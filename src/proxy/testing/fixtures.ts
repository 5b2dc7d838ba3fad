/**
 * Builders for the proxy's model in tests and benchmarks: a Service port, an endpoint, a snapshot.
 * The defaults are the plainest case (a TCP ClusterIP Service `default/web:` on 10.96.0.10:80, a
 * ready local endpoint on the lab pods' HTTP port), so a test spells out only what it is about.
 */
import type { ProxySnapshot, ServiceEndpoint, ServicePort } from '../model.js';
import { LAB } from './netlab.js';

/**
 * A Service port; `over` replaces any default. An `id` (`namespace/name:portName`; a bare `name`
 * means namespace `default`) also gives namespace, name and portName, unless those are set too;
 * without one, the id is made from them.
 */
export function servicePort(over: Partial<ServicePort> = {}): ServicePort {
  const fromId = over.id === undefined ? undefined : parseId(over.id);
  const namespace = over.namespace ?? fromId?.namespace ?? 'default';
  const name = over.name ?? fromId?.name ?? 'web';
  const portName = over.portName ?? fromId?.portName ?? '';
  return {
    id: `${namespace}/${name}:${portName}`,
    namespace,
    name,
    portName,
    protocol: 'TCP',
    clusterIP: '10.96.0.10',
    port: 80,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    externalLocal: false,
    internalLocal: false,
    ...over,
  };
}

function parseId(id: string): { namespace?: string; name: string; portName?: string } {
  const slash = id.indexOf('/');
  const rest = id.slice(slash + 1);
  const colon = rest.indexOf(':');
  return {
    ...(slash >= 0 && { namespace: id.slice(0, slash) }),
    name: colon < 0 ? rest : rest.slice(0, colon),
    ...(colon >= 0 && { portName: rest.slice(colon + 1) }),
  };
}

/**
 * A ready, serving, local endpoint on {@link LAB.podTcpPort}; `over` replaces any of it. `at` is an
 * address, anything with an `ip` (a lab pod), or `n`, short for the pod address 10.244.1.n.
 */
export function endpoint(at: string | number | { readonly ip: string }, over: Partial<ServiceEndpoint> = {}): ServiceEndpoint {
  const ip = typeof at === 'string' ? at : typeof at === 'number' ? `10.244.1.${at}` : at.ip;
  return { ip, port: LAB.podTcpPort, ready: true, serving: true, terminating: false, local: true, ...over };
}

/** One entry of {@link snapshotOf}: a port with its endpoints, or alone (no endpoint entry at all). */
export type SnapshotEntry = readonly [ServicePort, readonly ServiceEndpoint[]] | readonly [ServicePort];

/** A snapshot holding `entries` (a later entry with the same id replaces an earlier one). */
export function snapshotOf(entries: readonly SnapshotEntry[]): ProxySnapshot {
  const services = new Map<string, ServicePort>();
  const endpoints = new Map<string, readonly ServiceEndpoint[]>();
  for (const [sp, eps] of entries) {
    services.set(sp.id, sp);
    if (eps) endpoints.set(sp.id, eps);
    else endpoints.delete(sp.id);
  }
  return { services, endpoints };
}
