/**
 * Which sockets a Service port needs in userspace mode, and which addresses the node must own
 * for them. Pure: the backend diffs these against the listeners it has open.
 */
import { BlockList } from 'node:net';
import type { ProxySnapshot, ServicePort } from '../model.js';
import type { Balancer, PoolKind } from './balancer.js';

/** One socket to listen on. */
export interface ListenerSpec {
  /** `TCP/10.96.0.10:80`: unique per socket in the node's network namespace. */
  readonly key: string;
  readonly protocol: 'TCP' | 'UDP';
  readonly host: string;
  readonly port: number;
  readonly kind: PoolKind;
  /** loadBalancerSourceRanges, on LoadBalancer-address listeners only (empty: everyone). */
  readonly sourceRanges: readonly string[];
}

/** What a listener consults for each new connection or UDP session. Replaced, never mutated. */
export interface Route {
  readonly id: string;
  readonly balancer: Balancer;
  readonly kind: PoolKind;
  /** Allowed client addresses; undefined: everyone. */
  readonly allowed: BlockList | undefined;
}

/** True when a client address may use the route. */
export const admits = (route: Route, client: string): boolean => !route.allowed || route.allowed.check(client, 'ipv4');

/** A BlockList of the CIDRs (or plain addresses); undefined for an empty list. Malformed entries are skipped. */
export function sourceFilter(ranges: readonly string[]): BlockList | undefined {
  if (ranges.length === 0) return undefined;
  const list = new BlockList();
  for (const r of ranges) {
    const [addr = '', bits] = r.trim().split('/');
    try {
      if (bits === undefined) list.addAddress(addr, 'ipv4');
      else list.addSubnet(addr, Number(bits), 'ipv4');
    } catch {
      // Not IPv4 (the proxy serves IPv4 only) or malformed: it admits nobody, like a bad rule would.
    }
  }
  return list;
}

/** True when userspace mode serves the port: TCP or UDP with a ClusterIP (not headless, not SCTP). */
export const served = (sp: ServicePort | undefined): sp is ServicePort & { clusterIP: string } =>
  sp !== undefined && sp.clusterIP !== undefined && sp.clusterIP !== 'None' && sp.clusterIP !== '' && sp.protocol !== 'SCTP';

/**
 * The listeners a Service port needs: its ClusterIP, each LoadBalancer IP and external IP, and its
 * NodePort. A TCP NodePort listens on 0.0.0.0 (every node address, 127.0.0.1 included). A UDP
 * NodePort also gets a socket per node address and 127.0.0.1 beside the wildcard one: an
 * unconnected UDP socket answers from the address the kernel routes by, which need not be the one
 * the client sent to, while a socket bound to that address always answers from it.
 */
export function listenerSpecs(sp: ServicePort, nodeIPs: readonly string[]): ListenerSpec[] {
  if (!served(sp)) return [];
  const protocol = sp.protocol === 'UDP' ? 'UDP' : 'TCP';
  const out = new Map<string, ListenerSpec>();
  const add = (host: string, port: number, kind: PoolKind, sourceRanges: readonly string[] = []) => {
    const key = `${protocol}/${host}:${port}`;
    if (!out.has(key)) out.set(key, { key, protocol, host, port, kind, sourceRanges });
  };
  add(sp.clusterIP, sp.port, 'cluster');
  for (const ip of sp.loadBalancerIPs) add(ip, sp.port, 'external', sp.loadBalancerSourceRanges);
  for (const ip of sp.externalIPs) add(ip, sp.port, 'external');
  if (sp.nodePort !== undefined) {
    add('0.0.0.0', sp.nodePort, 'external');
    if (protocol === 'UDP') for (const ip of [...nodeIPs, '127.0.0.1']) add(ip, sp.nodePort, 'external');
  }
  return [...out.values()];
}

/** The addresses the node must own so the listeners can bind: ClusterIPs, LoadBalancer IPs, external IPs. */
export function serviceAddresses(snapshot: ProxySnapshot): Set<string> {
  const out = new Set<string>();
  for (const sp of snapshot.services.values()) {
    if (!served(sp)) continue;
    out.add(sp.clusterIP);
    for (const ip of sp.loadBalancerIPs) out.add(ip);
    for (const ip of sp.externalIPs) out.add(ip);
  }
  return out;
}
