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

/** Parses `a.b.c.d/n` into its network number and prefix length; throws on anything else. */
export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  const parts = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : NaN;
  if (!m || parts.some((p) => p > 255) || bits > 32) throw new Error(`invalid CIDR "${cidr}"`);
  const ip = parts.reduce((acc, p) => acc * 256 + p, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ip & mask) >>> 0, bits };
}

export function ipToString(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
