/**
 * Who may make the server recurse (forward a name the cluster does not own, or chase an
 * ExternalName to the outside): clients in the given IPv4 CIDRs, and this machine itself. A
 * server bound on the node's uplink address would otherwise be an open resolver for anyone on
 * that network (amplification, cache snooping of the node's resolvers).
 */
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { inCidr4 as inCidr } from '../util/net.js';

/** Decides per client address; `undefined` (no address known) is never allowed. */
export interface RecursionPolicy {
  allows(client: string | undefined): boolean;
}

/** Options of {@link RecursionAcl}. */
export interface RecursionAclOptions {
  /** IPv4 CIDRs whose clients may recurse (the cluster and service CIDRs). */
  cidrs: readonly string[];
  /** The addresses of this machine; default every address of `os.networkInterfaces()`. */
  localAddresses?: () => Iterable<string>;
  /** Milliseconds now (injected for tests); default Date.now. */
  now?: () => number;
  /** A miss re-reads the local addresses at most this often (default 1000 ms). */
  refreshMs?: number;
}

/** True for `a.b.c.d/n` with n in 0..32 (a bare address is not a CIDR here). */
export function isIPv4Cidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  return !!m?.[1] && isIPv4(m[1]) && Number(m[2]) <= 32;
}

/** A socket's peer address as the ACL compares it: an IPv4-mapped IPv6 address becomes plain IPv4. */
export function clientAddress(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const lower = raw.toLowerCase();
  return lower.startsWith('::ffff:') && isIPv4(lower.slice(7)) ? lower.slice(7) : lower;
}

const machineAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((a) => clientAddress(a.address.split('%')[0]) ?? '');

/** The CIDR allow-list plus this machine's own addresses (127.0.0.0/8 and ::1 always). */
export class RecursionAcl implements RecursionPolicy {
  readonly #cidrs: readonly string[];
  readonly #localAddresses: () => Iterable<string>;
  readonly #now: () => number;
  readonly #refreshMs: number;
  #local = new Set<string>();
  #readAt = -Infinity;

  constructor(o: RecursionAclOptions) {
    for (const c of o.cidrs) if (!isIPv4Cidr(c)) throw new Error(`recursion allow-list: not an IPv4 CIDR: ${c}`);
    this.#cidrs = o.cidrs;
    this.#localAddresses = o.localAddresses ?? machineAddresses;
    this.#now = o.now ?? Date.now;
    this.#refreshMs = o.refreshMs ?? 1000;
  }

  allows(client: string | undefined): boolean {
    const ip = clientAddress(client);
    if (!ip) return false;
    if (ip === '::1' || inCidr(ip, '127.0.0.0/8')) return true;
    if (this.#cidrs.some((c) => inCidr(ip, c))) return true;
    if (this.#local.has(ip)) return true;
    // Addresses come and go (DHCP, LoadBalancer IPs on the proxy link): re-read on a miss, but
    // not on every refused query, so a flood of outside queries costs no syscall each.
    const now = this.#now();
    if (now - this.#readAt < this.#refreshMs) return false;
    this.#readAt = now;
    this.#local = new Set(this.#localAddresses());
    return this.#local.has(ip);
  }
}
