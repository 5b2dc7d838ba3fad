/**
 * Fake addresses for hollow nodes: node InternalIPs from 10.255.0.0/16 (never routed; nothing
 * listens there), a deterministic fake pod CIDR per node when NodeIPAM gave none, and a per-node
 * pod IP allocator. The addresses only have to be well-formed and distinct, not reachable.
 */
import { intToIpv4, ipv4ToInt, parseCidr4 } from '../../util/net.js';

/** Where node InternalIPs come from: node i gets 10.255.0.0 + i + 1. */
export const NODE_IP_BASE = '10.255.0.0/16';
/** Default base of the fake pod CIDRs: node i gets the i-th /24 of it. */
export const DEFAULT_POD_CIDR_BASE = '10.64.0.0/10';

/** An IPv4 CIDR as first address and size; throws on anything else (IPv6 pod CIDRs are not faked). */
export function parseCidr(cidr: string): { base: number; size: number } {
  try {
    const { base, size } = parseCidr4(cidr);
    return { base, size };
  } catch {
    throw new Error(`hollow nodes: not an IPv4 CIDR: "${cidr}"`);
  }
}

/** The InternalIP of hollow node `index` (wraps after 65 534 nodes). */
export function hollowNodeIP(index: number): string {
  const { base, size } = parseCidr(NODE_IP_BASE);
  return intToIpv4(base + 1 + (index % (size - 2)));
}

/** The fake pod CIDR of hollow node `index`: the index-th /24 of `podCidrBase` (wrapping). */
export function fakePodCidr(index: number, podCidrBase = DEFAULT_POD_CIDR_BASE): string {
  const { base, size } = parseCidr(podCidrBase);
  const slots = Math.max(1, Math.floor(size / 256));
  return `${intToIpv4(base + (index % slots) * 256)}/24`;
}

/**
 * Hands out pod IPs from one node's CIDR: .0 (network) and .1 (the gateway a CNI bridge would take)
 * are skipped, released IPs are reused. When every address is taken it hands out duplicates rather
 * than fail: the IPs are fake, and a pod without one would look stuck.
 */
export class PodIpAllocator {
  readonly cidr: string;
  readonly #base: number;
  readonly #size: number;
  readonly #used = new Set<number>();
  #next = 2;

  constructor(cidr: string) {
    this.cidr = cidr;
    const { base, size } = parseCidr(cidr);
    this.#base = base;
    this.#size = size;
  }

  /** Marks an address as taken (a pod that already reports it); ignores ones outside the CIDR. */
  reserve(ip: string): void {
    const off = ipv4ToInt(ip) - this.#base;
    if (off >= 0 && off < this.#size) this.#used.add(off);
  }

  /** The next free address. */
  allocate(): string {
    const usable = Math.max(1, this.#size - 3); // not network, gateway, broadcast
    for (let tries = 0; tries < usable; tries++) {
      const off = this.#next;
      this.#next = this.#next + 1 >= this.#size - 1 ? 2 : this.#next + 1;
      if (!this.#used.has(off)) {
        this.#used.add(off);
        return intToIpv4(this.#base + off);
      }
    }
    return intToIpv4(this.#base + 2 + (this.#used.size % usable));
  }

  /** Gives an address back. */
  release(ip: string): void {
    this.#used.delete(ipv4ToInt(ip) - this.#base);
  }
}
