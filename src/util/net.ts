/** Small network facts about this machine. */
import { networkInterfaces } from 'node:os';

/** Interfaces k8ts or CNI make for pods; never a node's own address. */
const POD_LINK = /^(k8ts|cni|veth|flannel|kube-)/;

/** The machine's first non-loopback IPv4 address outside pod bridges, or 127.0.0.1 when there is none. */
export function primaryIPv4(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (POD_LINK.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 address as a number (0 … 2^32-1); throws on anything else. */
export function ipv4ToInt(ip: string): number {
  const m = IPV4.exec(ip);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  if (octets.length !== 4 || octets.some((o) => o > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** The dotted form of an IPv4 address number. */
export const intToIpv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** An IPv4 CIDR as its network address (a number), prefix length and size; throws on anything else. */
export function parseCidr4(cidr: string): { base: number; bits: number; size: number } {
  const [ip = '', bitsText = '', extra] = cidr.split('/');
  const bits = Number(bitsText);
  if (extra !== undefined || !/^\d{1,2}$/.test(bitsText) || bits > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - bits);
  const n = ipv4ToInt(ip);
  return { base: n - (n % size), bits, size };
}

/** True when `ip` lies in `cidr` (both IPv4); false for anything malformed. */
export function inCidr4(ip: string, cidr: string): boolean {
  try {
    const { base, size } = parseCidr4(cidr);
    const n = ipv4ToInt(ip);
    return n >= base && n < base + size;
  } catch {
    return false;
  }
}

/** The n-th address of an IPv4 CIDR (10.43.0.0/16, 10 → 10.43.0.10): the cluster DNS ClusterIP is the tenth, as in k3s. */
export function cidrAddress(cidr: string, n: number): string {
  return intToIpv4(parseCidr4(cidr).base + n);
}
