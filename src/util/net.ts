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

/** The n-th address of an IPv4 CIDR (10.43.0.0/16, 10 → 10.43.0.10): the cluster DNS ClusterIP is the tenth, as in k3s. */
export function cidrAddress(cidr: string, n: number): string {
  const [ip = '', bits = '32'] = cidr.split('/');
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - Number(bits));
  const base = parts.reduce((a, p) => a * 256 + p, 0);
  const v = base - (base % size) + n;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}
