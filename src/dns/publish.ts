/**
 * Publishes the DNS server as the `kube-dns` Service in kube-system, the way clusters name CoreDNS:
 * a selector-less ClusterIP Service (dns 53/UDP, dns-tcp 53/TCP) whose Endpoints and EndpointSlice
 * point at the node address and the port the server actually bound, so the proxy sends
 * ClusterIP:53 there. The Service's targetPorts are the port names: the bound port is only known
 * to the endpoints (the proxy matches a Service port to endpoint ports by name). Idempotent: run again (a restart on another port or node IP) it updates
 * only what differs.
 */
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors.js';
import type { Endpoints, Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { realClock, sleep, type Clock } from '../client/clock.js';
import { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import type { KubeObject, Transport } from '../client/types.js';
import type { Logger } from '../util/log.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../api/endpointslices.js';
import { errorText } from '../util/errors.js';

/** Options of {@link publishDnsService}. */
export interface PublishDnsOptions {
  transport: Transport;
  /** The Service's ClusterIP (inside the service CIDR; kept if the Service already has another). */
  clusterIP: string;
  /** The address the server is reachable at from pods and the node. */
  nodeIP: string;
  /** The port the server bound (UDP and TCP). */
  port: number;
  /** Default kube-system / kube-dns. */
  namespace?: string;
  name?: string;
  logger?: Logger;
  signal?: AbortSignal;
}

/** The `endpointslice.kubernetes.io/managed-by` value of our slice (the endpointslice controller leaves it alone). */
export const MANAGED_BY = 'k8ts-dns';
const LABELS = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS', 'kubernetes.io/cluster-service': 'true' };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Creates the object `build(undefined)` describes, or updates the existing one to `build(current)`
 * when that returns something; retries on write races (another writer, a concurrent create).
 */
async function ensure<T extends KubeObject>(client: ResourceClient<T>, namespace: string, name: string, build: (cur: T | undefined) => T | undefined, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let cur: T | undefined;
    try {
      cur = await client.get(name, { namespace, signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const want = build(cur);
    if (!want) {
      if (cur) return cur;
      throw new Error(`${client.descriptor.resource} ${namespace}/${name}: nothing to create`);
    }
    try {
      return cur ? await client.update(want, { namespace, signal }) : await client.create(want, { namespace, signal });
    } catch (e) {
      if (attempt >= 4 || !(isConflict(e) || isAlreadyExists(e))) throw e;
    }
  }
}

const dnsPorts = (port: number) => [
  { name: 'dns', port, protocol: 'UDP' },
  { name: 'dns-tcp', port, protocol: 'TCP' },
];

/** A Service port of ours: targetPort by name, never a number that a restart on another port would make wrong. */
interface OurServicePort {
  name: string;
  port: number;
  protocol: string;
  targetPort: string;
}

/** Ensures the Service, its Endpoints and its EndpointSlice; returns the Service's ClusterIP. */
export async function publishDnsService(o: PublishDnsOptions): Promise<string> {
  const namespace = o.namespace ?? 'kube-system';
  const name = o.name ?? 'kube-dns';
  const svc = await ensure(
    new ResourceClient<Service>(o.transport, resources.services),
    namespace,
    name,
    (cur) => {
      const ports: OurServicePort[] = dnsPorts(53).map((p) => ({ ...p, targetPort: p.name }));
      if (!cur) return { metadata: { name, namespace, labels: LABELS }, spec: { type: 'ClusterIP', clusterIP: o.clusterIP, ports } };
      const labels = { ...cur.metadata?.labels, ...LABELS };
      const curPorts = (cur.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, targetPort: p.targetPort }));
      const portsOk = ports.every((p) => curPorts.some((c) => same(c, p)));
      if (same(labels, cur.metadata?.labels) && portsOk && !cur.spec?.selector) return undefined;
      // No selector: the endpoints controllers must not replace our Endpoints with pods.
      return { ...cur, metadata: { ...cur.metadata, labels }, spec: { ...cur.spec, ports: mergePorts(cur, ports), selector: undefined } };
    },
    o.signal,
  );
  const clusterIP = svc.spec?.clusterIP ?? o.clusterIP;
  if (clusterIP !== o.clusterIP) o.logger?.warn('kube-dns Service keeps its ClusterIP (immutable)', { want: o.clusterIP, have: clusterIP });
  const owner = { apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };

  const subsets = [{ addresses: [{ ip: o.nodeIP }], ports: dnsPorts(o.port) }];
  await ensure(
    new ResourceClient<Endpoints>(o.transport, resources.endpoints),
    namespace,
    name,
    (cur) => {
      if (!cur) return { metadata: { name, namespace, labels: LABELS }, subsets };
      return same(cur.subsets, subsets) ? undefined : { ...cur, subsets };
    },
    o.signal,
  );

  const sliceLabels = { ...LABELS, [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
  const endpoints = [{ addresses: [o.nodeIP], conditions: { ready: true, serving: true, terminating: false } }];
  const ports = dnsPorts(o.port);
  await ensure(
    new ResourceClient<EndpointSlice>(o.transport, resources.endpointslices),
    namespace,
    name,
    (cur) => {
      if (!cur) return { metadata: { name, namespace, labels: sliceLabels, ownerReferences: [owner] }, addressType: 'IPv4', endpoints, ports };
      const fresh = same(cur.endpoints, endpoints) && same(cur.ports, ports) && same(cur.metadata?.labels, sliceLabels) && cur.addressType === 'IPv4';
      return fresh ? undefined : { ...cur, metadata: { ...cur.metadata, labels: sliceLabels, ownerReferences: [owner] }, addressType: 'IPv4', endpoints, ports };
    },
    o.signal,
  );
  o.logger?.info('kube-dns Service published', { clusterIP, endpoint: `${o.nodeIP}:${o.port}` });
  return clusterIP;
}

/** The Service's ports with ours in place of any of the same name or port (others, e.g. metrics, kept). */
function mergePorts(cur: Service, ours: OurServicePort[]) {
  const clash = (p: { name?: string; port: number; protocol?: string }) => ours.some((o) => o.name === p.name || (o.port === p.port && o.protocol === (p.protocol ?? 'TCP')));
  return [...ours, ...(cur.spec?.ports ?? []).filter((p) => !clash(p))];
}

/**
 * {@link publishDnsService} until it succeeds or `signal` aborts, backing off 1 s → 30 s between
 * tries, so a DNS server that starts before the API server still publishes itself once it can.
 * Resolves with the ClusterIP, or undefined when aborted first.
 */
export async function publishDnsServiceWithRetry(o: PublishDnsOptions, signal: AbortSignal, clock: Clock = realClock): Promise<string | undefined> {
  let delay = 1000;
  while (!signal.aborted) {
    try {
      return await publishDnsService({ ...o, signal });
    } catch (e) {
      if (signal.aborted) break;
      o.logger?.warn('publishing the kube-dns Service failed; retrying', { error: errorText(e), delayMs: delay });
      await sleep(clock, delay, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
  return undefined;
}
