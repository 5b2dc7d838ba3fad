/**
 * Endpoint choice for one Service port in userspace mode: round robin over the usable endpoints,
 * with sessionAffinity ClientIP sticking a client address to its endpoint while it keeps using it.
 */
import type { ServiceEndpoint } from '../model.js';

/** Which endpoint list a listener draws from: ClusterIP traffic, or NodePort/LB/external-IP traffic. */
export type PoolKind = 'cluster' | 'external';

/** `ip:port`: how an endpoint is named in affinity records and retry lists. */
export const endpointKey = (e: { ip: string; port: number }) => `${e.ip}:${e.port}`;

interface Stick {
  ep: string;
  last: number;
}

/**
 * Round robin per pool, affinity shared by both pools (as kube-proxy's per-endpoint "recent"
 * lists are): a client stuck to an endpoint keeps it through either address as long as that
 * endpoint is in the pool it arrives on. Affinity lasts `affinitySeconds` after the last use.
 */
export class Balancer {
  private pools: Record<PoolKind, readonly ServiceEndpoint[]> = { cluster: [], external: [] };
  private readonly next: Record<PoolKind, number> = { cluster: 0, external: 0 };
  private readonly sticks = new Map<string, Stick>();
  private affinityMs: number | undefined;
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  /** Replaces the endpoint lists; the round-robin position and live affinities carry over. */
  setEndpoints(cluster: readonly ServiceEndpoint[], external: readonly ServiceEndpoint[]): void {
    this.pools = { cluster, external };
  }

  /** Sets (or, with undefined, turns off and forgets) ClientIP affinity. */
  setAffinity(seconds: number | undefined): void {
    this.affinityMs = seconds === undefined ? undefined : seconds * 1000;
    if (this.affinityMs === undefined) this.sticks.clear();
  }

  pool(kind: PoolKind): readonly ServiceEndpoint[] {
    return this.pools[kind];
  }

  /**
   * The endpoint for a new connection (or UDP session) from `client`, skipping `exclude`d
   * endpoint keys (those a retry already failed on); undefined when none is left.
   */
  pick(kind: PoolKind, client: string, exclude?: ReadonlySet<string>): ServiceEndpoint | undefined {
    const pool = this.pools[kind];
    const now = this.now();
    if (this.affinityMs !== undefined) {
      this.sweep(now, this.affinityMs);
      const stick = this.sticks.get(client);
      if (stick && now - stick.last <= this.affinityMs && !exclude?.has(stick.ep)) {
        const ep = pool.find((e) => endpointKey(e) === stick.ep);
        if (ep) {
          stick.last = now;
          return ep;
        }
      }
    }
    for (let i = 0; i < pool.length; i++) {
      const at = (this.next[kind] + i) % pool.length;
      const ep = pool[at];
      if (!ep || exclude?.has(endpointKey(ep))) continue;
      this.next[kind] = (at + 1) % pool.length;
      if (this.affinityMs !== undefined) this.sticks.set(client, { ep: endpointKey(ep), last: now });
      return ep;
    }
    return undefined;
  }

  /** A connection to `ep` failed: the client's affinity to it ends (kube-proxy's session reset). */
  failed(client: string, ep: ServiceEndpoint): void {
    if (this.sticks.get(client)?.ep === endpointKey(ep)) this.sticks.delete(client);
  }

  /** Number of clients with a live affinity record (for tests and metrics). */
  get affinityCount(): number {
    return this.sticks.size;
  }

  /** Drops expired affinities at most once per affinity period, so the map stays bounded by active clients. */
  private sweep(now: number, ttl: number): void {
    if (now - this.lastSweep < ttl) return;
    this.lastSweep = now;
    for (const [client, s] of this.sticks) if (now - s.last > ttl) this.sticks.delete(client);
  }
}
