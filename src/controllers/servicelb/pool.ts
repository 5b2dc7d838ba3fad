/**
 * The service-lb address pool (MetalLB's allocator, without IP sharing): the addresses of the
 * `loadBalancerPool` setting (comma-separated CIDRs, `first-last` ranges or single addresses, IPv4
 * and IPv6), which Service (by `namespace/name`) holds each, and the next free one per family,
 * handed out round-robin so an address just released is not reused at once (clients and
 * conntrack may still remember it).
 */
import { parseIP } from '../../api/validation/names.js';
import { formatIP, parseCidr } from '../cidr-set.js';

/** An address family, as Service spec.ipFamilies names it. */
export type Family = 'IPv4' | 'IPv6';

/** A parsed address: its value and family width. */
export interface Address {
  ip: bigint;
  bits: 32 | 128;
}

interface Range {
  first: bigint;
  last: bigint;
  bits: 32 | 128;
}

/** The family of a width. */
export const familyOf = (bits: 32 | 128): Family => (bits === 32 ? 'IPv4' : 'IPv6');

/** Parses an IPv4 or IPv6 address; undefined when malformed. */
export function parseAddress(text: string): Address | undefined {
  const bytes = parseIP(text.trim());
  if (!bytes) return undefined;
  let ip = 0n;
  for (const b of bytes) ip = (ip << 8n) | BigInt(b);
  return { ip, bits: bytes.length === 4 ? 32 : 128 };
}

/** The canonical text of an address (`fd00::1`, not `fd00:0::01`); undefined when malformed. */
export function canonicalIP(text: string): string | undefined {
  const a = parseAddress(text);
  return a && formatIP(a.ip, a.bits);
}

/** One entry of the pool setting as an address range. Throws, naming the entry, when malformed. */
function parseEntry(entry: string): Range {
  if (entry.includes('/')) {
    let c;
    try {
      c = parseCidr(entry);
    } catch {
      throw new Error(`load-balancer pool: invalid CIDR "${entry}"`);
    }
    const hostBits = BigInt(c.bits - c.prefix);
    let first = c.ip;
    let last = c.ip + (1n << hostBits) - 1n;
    // As a subnet's own addresses: no network address (nor IPv4 broadcast) where the block has
    // room for hosts, so 10.44.0.0/24 hands out .1 to .254 (some clients drop .0 and .255).
    if (c.bits === 32 && hostBits >= 2n) [first, last] = [first + 1n, last - 1n];
    else if (c.bits === 128 && hostBits >= 2n) first += 1n;
    return { first, last, bits: c.bits };
  }
  const [a, b, extra] = entry.split('-').map((s) => s.trim());
  const first = a === undefined ? undefined : parseAddress(a);
  const last = b === undefined ? first : parseAddress(b);
  if (extra !== undefined || !first || !last) throw new Error(`load-balancer pool: invalid address or range "${entry}"`);
  if (first.bits !== last.bits) throw new Error(`load-balancer pool: range "${entry}" mixes IPv4 and IPv6`);
  if (first.ip > last.ip) throw new Error(`load-balancer pool: range "${entry}" ends before it starts`);
  return { first: first.ip, last: last.ip, bits: first.bits };
}

/** Parses the pool setting. Throws on a malformed entry, an empty pool, or overlapping entries. */
export function parsePool(spec: string): Range[] {
  const ranges = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseEntry);
  if (ranges.length === 0) throw new Error(`load-balancer pool "${spec}" has no addresses`);
  for (const [i, r] of ranges.entries()) {
    for (const o of ranges.slice(i + 1)) {
      // Overlaps would count addresses twice, and make the free count lie.
      if (o.bits === r.bits && o.first <= r.last && r.first <= o.last) throw new Error(`load-balancer pool "${spec}": entries overlap`);
    }
  }
  return ranges;
}

/** See the module comment. */
export class AddressPool {
  /** The setting the pool was built from. */
  readonly spec: string;
  readonly #ranges: Range[];
  /** Canonical address → holder key. */
  readonly #owner = new Map<string, string>();
  /** Holder key → its canonical addresses. */
  readonly #held = new Map<string, Set<string>>();
  /** Where the next search starts, per family: range index and address. */
  readonly #cursor = new Map<Family, { range: number; ip: bigint }>();

  /** Throws when `spec` is malformed (see {@link parsePool}). */
  constructor(spec: string) {
    this.spec = spec;
    this.#ranges = parsePool(spec);
  }

  /** Whether the pool has addresses of `family`. */
  has(family: Family): boolean {
    return this.#ranges.some((r) => familyOf(r.bits) === family);
  }

  /** Whether `ip` is one of the pool's addresses. */
  contains(ip: string): boolean {
    const a = parseAddress(ip);
    return a !== undefined && this.#ranges.some((r) => r.bits === a.bits && r.first <= a.ip && a.ip <= r.last);
  }

  /** How many addresses of `family` the pool has. */
  size(family: Family): bigint {
    return this.#ranges.filter((r) => familyOf(r.bits) === family).reduce((n, r) => n + r.last - r.first + 1n, 0n);
  }

  /** Who holds `ip`, if anyone. */
  ownerOf(ip: string): string | undefined {
    const c = canonicalIP(ip);
    return c === undefined ? undefined : this.#owner.get(c);
  }

  /** The addresses `owner` holds, in the order it took them. */
  held(owner: string): string[] {
    return [...(this.#held.get(owner) ?? [])];
  }

  /** How many addresses of `family` are held. */
  used(family: Family): number {
    let n = 0;
    for (const ip of this.#owner.keys()) if (familyOf(ip.includes(':') ? 128 : 32) === family) n++;
    return n;
  }

  /** Gives `ip` to `owner`: true when it is in the pool and free or `owner`'s already. */
  claim(ip: string, owner: string): boolean {
    const c = canonicalIP(ip);
    if (c === undefined || !this.contains(c)) return false;
    const cur = this.#owner.get(c);
    if (cur !== undefined) return cur === owner;
    this.#owner.set(c, owner);
    const set = this.#held.get(owner) ?? new Set<string>();
    set.add(c);
    this.#held.set(owner, set);
    return true;
  }

  /** The next free address of `family`, given to `owner`; undefined when none is free. */
  allocate(owner: string, family: Family): string | undefined {
    const ranges = this.#ranges.filter((r) => familyOf(r.bits) === family);
    const size = this.size(family);
    if (ranges.length === 0 || BigInt(this.used(family)) >= size) return undefined;
    let { range, ip } = this.#cursor.get(family) ?? { range: 0, ip: ranges[0]?.first ?? 0n };
    // Every step looks at a different address, so `size` steps see them all.
    for (let step = 0n; step < size; step++) {
      let r = ranges[range];
      if (!r || ip > r.last || ip < r.first) {
        range = r && ip > r.last ? (range + 1) % ranges.length : range % ranges.length;
        r = ranges[range];
        if (!r) return undefined;
        ip = r.first;
      }
      const text = formatIP(ip, r.bits);
      ip++;
      if (this.#owner.has(text)) continue;
      this.#cursor.set(family, { range, ip });
      this.claim(text, owner);
      return text;
    }
    return undefined;
  }

  /** Frees `ip` if `owner` holds it. */
  release(ip: string, owner: string): boolean {
    const c = canonicalIP(ip);
    if (c === undefined || this.#owner.get(c) !== owner) return false;
    this.#owner.delete(c);
    const set = this.#held.get(owner);
    set?.delete(c);
    if (set?.size === 0) this.#held.delete(owner);
    return true;
  }

  /** Frees everything `owner` holds; returns what it held. */
  releaseAll(owner: string): string[] {
    const ips = this.held(owner);
    for (const ip of ips) this.release(ip, owner);
    return ips;
  }
}
