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
