/**
 * A cluster CIDR cut into equal node blocks, with a bitmap of which are taken (upstream nodeipam's
 * cidrset): allocate the next free block (round-robin from the last one handed out, so a block
 * just released is not handed out again at once), occupy blocks already in use, release blocks.
 * IPv4 and IPv6; at most 65 536 blocks, as upstream.
 */
import { parseIP } from '../api/validation/names.js';

/** At most 2^16 node blocks per cluster CIDR (upstream's clusterSubnetMaxDiff). */
const MAX_BLOCK_BITS = 16;

/** A parsed CIDR: its network address (host bits cleared), prefix length and family width. */
export interface ParsedCidr {
  ip: bigint;
  prefix: number;
  bits: 32 | 128;
}

/** Parses `ip/prefix`; the host bits are cleared. Throws on a malformed CIDR. */
export function parseCidr(cidr: string): ParsedCidr {
  const slash = cidr.indexOf('/');
  const bytes = slash > 0 ? parseIP(cidr.slice(0, slash)) : null;
  const prefixText = cidr.slice(slash + 1);
  if (!bytes || !/^\d+$/.test(prefixText) || Number(prefixText) > bytes.length * 8) throw new Error(`invalid CIDR "${cidr}"`);
  const bits = bytes.length === 4 ? 32 : 128;
  let ip = 0n;
  for (const b of bytes) ip = (ip << 8n) | BigInt(b);
  const prefix = Number(prefixText);
  return { ip: ip & ~((1n << BigInt(bits - prefix)) - 1n), prefix, bits };
}

/** Formats an address of the family (`10.42.1.0`, `fd00::1`). */
export function formatIP(ip: bigint, bits: 32 | 128): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((ip >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run (two or more) of zero groups becomes "::", the first one on a tie (as Go prints).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** See the module comment. */
export class CidrSet {
  /** The cluster CIDR, normalized. */
  readonly cidr: string;
  /** The prefix length of each block. */
  readonly blockPrefix: number;
  readonly #range: ParsedCidr;
  readonly #used: Uint8Array;
  #next = 0;
  #allocated = 0;

  /** Throws when the CIDR is malformed, or the block size does not fit it. */
  constructor(clusterCidr: string, blockPrefix: number) {
    const r = parseCidr(clusterCidr);
    if (!Number.isInteger(blockPrefix) || blockPrefix < r.prefix || blockPrefix > r.bits) {
      throw new Error(`node CIDR mask size /${blockPrefix} does not fit the cluster CIDR ${clusterCidr}`);
    }
    if (blockPrefix - r.prefix > MAX_BLOCK_BITS) {
      throw new Error(`cluster CIDR ${clusterCidr} in /${blockPrefix} blocks makes more than ${2 ** MAX_BLOCK_BITS} node CIDRs`);
    }
    this.#range = r;
    this.blockPrefix = blockPrefix;
    this.cidr = `${formatIP(r.ip, r.bits)}/${r.prefix}`;
    this.#used = new Uint8Array(2 ** (blockPrefix - r.prefix));
  }

  /** The address family width (32 or 128). */
  get bits(): 32 | 128 {
    return this.#range.bits;
  }

  /** How many blocks there are. */
  get size(): number {
    return this.#used.length;
  }

  /** How many blocks are taken. */
  get allocated(): number {
    return this.#allocated;
  }

  #block(i: number): string {
    const { ip, bits } = this.#range;
    return `${formatIP(ip + (BigInt(i) << BigInt(bits - this.blockPrefix)), bits)}/${this.blockPrefix}`;
  }

  /** The next free block, marked taken; undefined when every block is taken. */
  allocateNext(): string | undefined {
    const n = this.#used.length;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      if (this.#used[i]) continue;
      this.#used[i] = 1;
      this.#allocated++;
      this.#next = (i + 1) % n;
      return this.#block(i);
    }
    return undefined;
  }

  /** Block indexes `cidr` covers, or undefined when it lies outside this set (or is of the other family, or malformed). */
  #indexes(cidr: string): [number, number] | undefined {
    let c: ParsedCidr;
    try {
      c = parseCidr(cidr);
    } catch {
      return undefined;
    }
    const r = this.#range;
    if (c.bits !== r.bits) return undefined;
    const inRange = (ip: bigint, net: ParsedCidr) => ip >> BigInt(net.bits - net.prefix) === net.ip >> BigInt(net.bits - net.prefix);
    if (c.prefix <= r.prefix) return inRange(r.ip, c) ? [0, this.#used.length - 1] : undefined;
    if (!inRange(c.ip, r)) return undefined;
    const shift = BigInt(r.bits - this.blockPrefix);
    const offset = (ip: bigint) => Number((ip - r.ip) >> shift);
    const last = c.ip + (1n << BigInt(r.bits - c.prefix)) - 1n;
    return [offset(c.ip), offset(last)];
  }

  #mark(cidr: string, value: 0 | 1): boolean {
    const idx = this.#indexes(cidr);
    if (!idx) return false;
    for (let i = idx[0]; i <= idx[1]; i++) {
      if (this.#used[i] === value) continue;
      this.#used[i] = value;
      this.#allocated += value ? 1 : -1;
    }
    return true;
  }

  /** Marks the blocks `cidr` covers as taken; false when it is outside this set. */
  occupy(cidr: string): boolean {
    return this.#mark(cidr, 1);
  }

  /** Marks the blocks `cidr` covers as free; false when it is outside this set. */
  release(cidr: string): boolean {
    return this.#mark(cidr, 0);
  }

  /** Whether every block `cidr` covers is taken (false outside this set). */
  isOccupied(cidr: string): boolean {
    const idx = this.#indexes(cidr);
    if (!idx) return false;
    for (let i = idx[0]; i <= idx[1]; i++) if (!this.#used[i]) return false;
    return true;
  }
}
