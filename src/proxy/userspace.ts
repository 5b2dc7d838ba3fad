/**
 * The userspace proxy backend, for hosts without netfilter: no iptables or nft at all. The node
 * owns every Service address (ClusterIPs, LoadBalancer IPs, external IPs as /32s on the proxy's
 * link) and this process listens on them with ordinary sockets, relaying each TCP connection or
 * UDP session to an endpoint it picks (round robin, ClientIP affinity, Local policies, source
 * ranges on LoadBalancer addresses). NodePorts listen on 0.0.0.0.
 *
 * Limits of the mode: endpoints see the proxy's address as the client (the source cannot be
 * preserved without the kernel's NAT, so externalTrafficPolicy Local only narrows the endpoints);
 * a Service with no endpoints resets TCP connections and, its UDP sockets being closed, gets ICMP
 * port unreachable from the kernel; sockets bind in the network namespace this process runs in,
 * so `net.exec` must act on that same namespace (see userspace/netns-runner.ts for test labs).
 *
 * Errors: a failure to set up the link or its addresses throws (the runner retries with 'all');
 * a socket that cannot bind (EADDRINUSE: another program or Service has the port) is logged and
 * its Service port retried at every later sync, while the rest of the sync still applies.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import { ensureLink, removeLink, syncLinkAddresses } from './link.js';
import { clusterEndpoints, externalEndpoints, type NodeNetwork, type ProxyBackend, type SyncRequest } from './model.js';
import { Balancer } from './userspace/balancer.js';
import { listenerSpecs, serviceAddresses, served, sourceFilter, type ListenerSpec, type Route } from './userspace/plan.js';
import { TcpListener } from './userspace/tcp.js';
import { UdpListener } from './userspace/udp.js';

export interface UserspaceBackendOptions {
  readonly net: NodeNetwork;
  readonly logger: Logger;
  /** How long one endpoint may take to accept a TCP connection before the next is tried (default 1 s). */
  readonly connectTimeoutMs?: number;
  /** Endpoints tried per TCP connection (default 3). */
  readonly maxTries?: number;
  /** UDP sessions end after this long without a datagram (default 60 s). */
  readonly udpIdleMs?: number;
  /** UDP sessions per listener (default 4096). */
  readonly maxUdpSessions?: number;
  /** Clock for affinity and UDP idle times (tests). */
  readonly now?: () => number;
}

type Listener = TcpListener | UdpListener;

interface Owned {
  readonly id: string;
  readonly listener: Listener;
}

/** A Service port being served: its endpoint picker and the listener keys it owns. */
interface PortState {
  readonly balancer: Balancer;
  readonly keys: Set<string>;
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

export class UserspaceBackend implements ProxyBackend {
  readonly mode = 'userspace' as const;
  private readonly net: NodeNetwork;
  private readonly logger: Logger;
  private readonly ports = new Map<string, PortState>();
  private readonly listeners = new Map<string, Owned>();
  /** Service ports with a listener that failed to bind: retried at the next sync whatever changed. */
  private readonly retry = new Set<string>();
  /** Every open TCP socket, ended by close(). */
  private readonly sockets = new Set<Socket>();
  private linkReady = false;
  /** The addresses last put on the link; undefined forces the next sync to check the link. */
  private addresses: ReadonlySet<string> | undefined;

  constructor(private readonly o: UserspaceBackendOptions) {
    this.net = o.net;
    this.logger = o.logger;
  }

  async sync(req: SyncRequest): Promise<void> {
    const { snapshot } = req;
    if (!this.linkReady) {
      await ensureLink(this.net);
      this.linkReady = true;
    }
    // Addresses before sockets: a listener can only bind an address the node owns.
    const want = serviceAddresses(snapshot);
    if (req.changed === 'all' || !this.addresses || !sameSet(want, this.addresses)) {
      this.addresses = undefined;
      await syncLinkAddresses(this.net, want);
      this.addresses = want;
    }
    const ids = new Set(req.changed === 'all' ? [...this.ports.keys(), ...snapshot.services.keys()] : [...req.changed]);
    for (const id of this.retry) ids.add(id);
    this.retry.clear();

    // Close everything no longer wanted first, so a key moving between Service ports is free
    // by the time the new owner binds it.
    const toOpen: { id: string; spec: ListenerSpec; route: Route }[] = [];
    for (const id of ids) {
      const sp = snapshot.services.get(id);
      if (sp?.protocol === 'SCTP') this.logger.warn('userspace: SCTP is not served in userspace mode', { service: id });
      let state = this.ports.get(id);
      if (!served(sp)) {
        if (state) for (const key of state.keys) this.closeListener(key);
        this.ports.delete(id);
        continue;
      }
      if (!state) {
        state = { balancer: new Balancer(this.o.now), keys: new Set() };
        this.ports.set(id, state);
      }
      const eps = snapshot.endpoints.get(id);
      state.balancer.setAffinity(sp.affinitySeconds);
      state.balancer.setEndpoints(clusterEndpoints(sp, eps), externalEndpoints(sp, eps));
      // UDP sockets are open only while their pool has endpoints: without a socket the kernel
      // answers port unreachable, the reject kube-proxy's rules give.
      const specs = listenerSpecs(sp, this.net.nodeIPs).filter((s) => s.protocol === 'TCP' || state.balancer.pool(s.kind).length > 0);
      const wanted = new Set(specs.map((s) => s.key));
      for (const key of [...state.keys]) {
        if (wanted.has(key)) continue;
        this.closeListener(key);
        state.keys.delete(key);
      }
      for (const spec of specs) {
        const route: Route = { id, balancer: state.balancer, kind: spec.kind, allowed: sourceFilter(spec.sourceRanges) };
        const owned = state.keys.has(spec.key) ? this.listeners.get(spec.key) : undefined;
        if (!owned) {
          toOpen.push({ id, spec, route });
          continue;
        }
        owned.listener.route = route;
        if (owned.listener instanceof UdpListener) owned.listener.retainEndpoints();
      }
    }

    await Promise.all(toOpen.map((o) => this.open(o.id, o.spec, o.route)));
  }

  /** Binds one listener; a failure is logged and the Service port queued for the next sync. */
  private async open(id: string, spec: ListenerSpec, route: Route): Promise<void> {
    const holder = this.listeners.get(spec.key);
    if (holder) {
      this.logger.warn('userspace: address already served by another Service port', { service: id, listener: spec.key, holder: holder.id });
      this.retry.add(id);
      return;
    }
    const listener = this.makeListener(spec, route);
    // Claimed before binding so a second Service port asking for the same key in this sync sees it.
    this.listeners.set(spec.key, { id, listener });
    try {
      await listener.listen();
      this.ports.get(id)?.keys.add(spec.key);
    } catch (e) {
      listener.close();
      this.listeners.delete(spec.key);
      this.retry.add(id);
      const err = e as NodeJS.ErrnoException;
      this.logger.warn('userspace: cannot listen', { service: id, listener: spec.key, error: err.code ?? err.message });
    }
  }

  private makeListener(spec: ListenerSpec, route: Route): Listener {
    const common = { host: spec.host, port: spec.port, route, logger: this.logger };
    if (spec.protocol === 'UDP') {
      return new UdpListener({ ...common, idleMs: this.o.udpIdleMs ?? 60_000, maxSessions: this.o.maxUdpSessions ?? 4096, now: this.o.now });
    }
    return new TcpListener({ ...common, connectTimeoutMs: this.o.connectTimeoutMs ?? 1000, maxTries: this.o.maxTries ?? 3, sockets: this.sockets });
  }

  private closeListener(key: string): void {
    this.listeners.get(key)?.listener.close();
    this.listeners.delete(key);
  }

  /** The listener keys open now (`TCP/10.96.0.10:80`), for tests and status. */
  listening(): string[] {
    return [...this.listeners.keys()].sort();
  }

  /** Closes every listener, UDP session and TCP connection; the addresses stay on the link. */
  close(): Promise<void> {
    for (const { listener } of this.listeners.values()) listener.close();
    this.listeners.clear();
    this.ports.clear();
    this.retry.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.addresses = undefined;
    return Promise.resolve();
  }

  /** close(), then removes the link with every address on it. */
  async cleanup(options: { keepLink?: boolean } = {}): Promise<void> {
    await this.close();
    if (options.keepLink) return;
    await removeLink(this.net);
    this.linkReady = false;
  }
}
