/**
 * Service address allocation, done by the API server as in Kubernetes: ClusterIPs from the service
 * CIDR and NodePorts from 30000-32767. State is rebuilt from the stored Services at start; one API
 * server allocates (several servers on one etcd would need the allocation kept in storage, as
 * kube-apiserver's RangeAllocation does: not done yet).
 */

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] ?? 0) * 2 ** 24) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

const intToIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(readonly cidr: string) {
    const [ip, bits] = cidr.split('/');
    const prefix = Number(bits);
    if (!ip || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`invalid service CIDR: ${cidr}`);
    this.size = 2 ** (32 - prefix);
    this.base = ipToInt(ip) - (ipToInt(ip) % this.size);
  }

  /** The first usable address: the `kubernetes` Service's ClusterIP. */
  get first(): string {
    return intToIp(this.base + 1);
  }

  contains(ip: string): boolean {
    try {
      const n = ipToInt(ip);
      return n > this.base && n < this.base + this.size - 1;
    } catch {
      return false;
    }
  }

  /** Claims a specific address; false when it is taken or outside the range. */
  claim(ip: string): boolean {
    if (!this.contains(ip)) return false;
    const n = ipToInt(ip);
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  allocate(): string | undefined {
    for (let i = 0; i < this.size - 2; i++) {
      const n = this.base + 2 + ((this.next + i) % (this.size - 3));
      if (!this.used.has(n)) {
        this.used.add(n);
        this.next = n - this.base - 1;
        return intToIp(n);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    if (this.contains(ip)) this.used.delete(ipToInt(ip));
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
