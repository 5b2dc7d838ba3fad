/**
 * What the proxy programs, independent of how: each Service port with its addresses, and the
 * endpoints behind it. The tracker builds this from Services and EndpointSlices; the iptables,
 * nftables and userspace backends turn it into kernel rules or sockets.
 */
import type { RunResult } from '../util/exec.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One port of one Service, as the proxy sees it (IPv4 only). */
export interface ServicePort {
  /** `namespace/name:portName` (portName may be empty): what endpoints are attached to. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  readonly protocol: Protocol;
  /** Absent for headless Services (clusterIP None), which the proxy does not serve. */
  readonly clusterIP?: string;
  readonly port: number;
  /** NodePort and LoadBalancer Services. */
  readonly nodePort?: number;
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress[].ip */
  readonly loadBalancerIPs: readonly string[];
  /** Client CIDRs allowed to reach the LoadBalancer addresses (empty: all). */
  readonly loadBalancerSourceRanges: readonly string[];
  /** Set when sessionAffinity is ClientIP: how long a client sticks to its endpoint. */
  readonly affinitySeconds?: number;
  /** externalTrafficPolicy Local: NodePort/LB/external-IP traffic goes to this node's endpoints only. */
  readonly externalLocal: boolean;
  /** internalTrafficPolicy Local: ClusterIP traffic goes to this node's endpoints only. */
  readonly internalLocal: boolean;
}

/** One address:port serving a Service port. */
export interface ServiceEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** Hosted on this proxy's node. */
  readonly local: boolean;
}

/** Everything to program, as of one moment. */
export interface ProxySnapshot {
  readonly services: ReadonlyMap<string, ServicePort>;
  /** By ServicePort id; a port with no entry has no endpoints. */
  readonly endpoints: ReadonlyMap<string, readonly ServiceEndpoint[]>;
}

/** One sync: the whole snapshot, and which service ports changed since the last successful sync. */
export interface SyncRequest {
  readonly snapshot: ProxySnapshot;
  /** ServicePort ids whose Service or endpoints changed (including removed ones), or 'all'. */
  readonly changed: ReadonlySet<string> | 'all';
}

/** A way to program the node: iptables, nftables or userspace. */
export interface ProxyBackend {
  readonly mode: ProxyMode;
  /**
   * Makes the node serve the snapshot. Only `changed` ports need new per-service state; the rest
   * may be kept as programmed. Throws on failure; the runner retries with changed = 'all'.
   */
  sync(req: SyncRequest): Promise<void>;
  /** Stops serving (closes sockets) but leaves kernel state in place, so a restart has no gap. */
  close(): Promise<void>;
  /**
   * Removes everything this backend ever created on the node (chains, tables, addresses). With
   * keepLink, only this mode's own rules go (switching modes: the new mode keeps the link).
   */
  cleanup(options?: { keepLink?: boolean }): Promise<void>;
}

export type ProxyMode = 'iptables' | 'nftables' | 'userspace';
export const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'nftables', 'userspace'];

/** Runs a program in the node's network namespace (the host's, or a test's). */
export type Exec = (file: string, args: string[], input?: string) => Promise<RunResult>;

/** What every backend needs to know about the node it programs. */
export interface NodeNetwork {
  /** Local addresses NodePorts are served on (besides 127.0.0.1); the node's InternalIPs. */
  readonly nodeIPs: readonly string[];
  /** All pods' addresses: traffic from here to a ClusterIP is not masqueraded. */
  readonly clusterCIDR: string;
  /** The Service CIDR: routed to {@link NodeNetwork.link} so unmatched traffic never leaves the machine. */
  readonly serviceCIDR: string;
  /**
   * Names what this proxy owns, unique per proxy on one machine: iptables chains start with
   * `<prefix>-` (at most 6 characters, upper case), the nftables table is `<prefix lower-cased>`.
   */
  readonly prefix: string;
  /** More destinations routed to the link: the LoadBalancer pool, so an address not (or no longer) on the node stays here too. */
  readonly linkRoutes?: readonly string[];
  /** A device-less link (a bridge without ports) carrying LoadBalancer addresses (and ClusterIPs in userspace mode). */
  readonly link: string;
  readonly exec: Exec;
  /** Where node-level warnings go (e.g. a route taken over from another device). */
  readonly log?: (message: string) => void;
}

/**
 * The endpoints that receive traffic, as kube-proxy picks them: ready ones; when none is ready,
 * the serving ones that are terminating (so a rolling update never drops connections). With
 * `localOnly`, the same choice among this node's endpoints.
 */
export function usableEndpoints(eps: readonly ServiceEndpoint[] | undefined, localOnly: boolean): ServiceEndpoint[] {
  const pool = (eps ?? []).filter((e) => !localOnly || e.local);
  const ready = pool.filter((e) => e.ready);
  return ready.length > 0 ? ready : pool.filter((e) => e.serving && e.terminating);
}

/** Endpoints for traffic to the ClusterIP. */
export const clusterEndpoints = (sp: ServicePort, eps: readonly ServiceEndpoint[] | undefined) => usableEndpoints(eps, sp.internalLocal);

/** Endpoints for traffic arriving at a NodePort, LoadBalancer or external IP. */
export const externalEndpoints = (sp: ServicePort, eps: readonly ServiceEndpoint[] | undefined) => usableEndpoints(eps, sp.externalLocal);

/** True when the port is reachable from outside the cluster network (NodePort, LB, external IPs). */
export const hasExternal = (sp: ServicePort) => sp.nodePort !== undefined || sp.loadBalancerIPs.length > 0 || sp.externalIPs.length > 0;
