/**
 * Service address allocation, done by the API server as in Kubernetes: ClusterIPs from the service
 * CIDR and NodePorts from 30000-32767. State is rebuilt from the stored Services at start; one API
 * server allocates (several servers on one etcd would need the allocation kept in storage, as
 * kube-apiserver's RangeAllocation does: not done yet).
 */
import { intToIpv4, ipv4ToInt, parseCidr4 } from '../util/net.js';

export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(readonly cidr: string) {
    let parsed: ReturnType<typeof parseCidr4>;
    try {
      parsed = parseCidr4(cidr);
    } catch {
      throw new Error(`invalid service CIDR: ${cidr}`);
    }
    if (parsed.bits < 8 || parsed.bits > 30) throw new Error(`invalid service CIDR: ${cidr}`);
    this.size = parsed.size;
    this.base = parsed.base;
  }

  /** The first usable address: the `kubernetes` Service's ClusterIP. */
  get first(): string {
    return intToIpv4(this.base + 1);
  }

  contains(ip: string): boolean {
    try {
      const n = ipv4ToInt(ip);
      return n > this.base && n < this.base + this.size - 1;
    } catch {
      return false;
    }
  }

  /** Claims a specific address; false when it is taken or outside the range. */
  claim(ip: string): boolean {
    if (!this.contains(ip)) return false;
    const n = ipv4ToInt(ip);
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  /**
   * Size of the low band that automatic allocation leaves for last (Kubernetes' KEP-3070): fixed
   * addresses such as the cluster DNS's x.x.x.10 are asked for there, so a Service created first
   * never takes them. 1/16 of the range, at least 16 and at most 256; none for tiny ranges.
   */
  get lowBand(): number {
    return this.size < 64 ? 0 : Math.min(256, Math.max(16, this.size / 16));
  }

  allocate(): string | undefined {
    // Offsets 2 … size-2 are usable (1 is the kubernetes Service's); the upper band is tried first.
    const low = Math.max(2, this.lowBand);
    const upper = this.size - 1 - low;
    for (let i = 0; i < upper; i++) {
      const n = this.base + low + ((this.next + i) % upper);
      if (!this.used.has(n)) {
        this.used.add(n);
        this.next = n - this.base - low + 1;
        return intToIpv4(n);
      }
    }
    for (let n = this.base + 2; n < this.base + low; n++) {
      if (!this.used.has(n)) {
        this.used.add(n);
        return intToIpv4(n);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    if (this.contains(ip)) this.used.delete(ipv4ToInt(ip));
  }
}

export class PortAllocator {
  private readonly used = new Set<number>();
  private next: number;

  constructor(
    readonly min = 30000,
    readonly max = 32767,
  ) {
    this.next = min;
  }

  contains(p: number): boolean {
    return Number.isInteger(p) && p >= this.min && p <= this.max;
  }

  claim(p: number): boolean {
    if (!this.contains(p) || this.used.has(p)) return false;
    this.used.add(p);
    return true;
  }

  allocate(): number | undefined {
    const span = this.max - this.min + 1;
    for (let i = 0; i < span; i++) {
      const p = this.min + ((this.next - this.min + i) % span);
      if (!this.used.has(p)) {
        this.used.add(p);
        this.next = p + 1;
        return p;
      }
    }
    return undefined;
  }

  release(p: number): void {
    this.used.delete(p);
  }
}
