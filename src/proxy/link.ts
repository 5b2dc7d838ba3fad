/**
 * The proxy's own link: a bridge with no ports standing in for kube-proxy's dummy device (this
 * kernel has no dummy driver). LoadBalancer addresses (and, in userspace mode, ClusterIPs) are put
 * on it so the node owns them, and the Service CIDR is routed to it: a packet for a ClusterIP that
 * no rule rewrote ends there instead of following the default route out of the machine.
 */
import type { NodeNetwork, ProxySnapshot } from './model.js';

async function ip(net: NodeNetwork, args: string[], okCodes: readonly number[] = [0]): Promise<string> {
  const r = await net.exec('ip', args);
  if (!okCodes.includes(r.code)) throw new Error(`ip ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Creates the link (idempotent), brings it up and routes the Service CIDR (and {@link NodeNetwork.linkRoutes}) to it; run again to repair them. */
export async function ensureLink(net: NodeNetwork): Promise<void> {
  const show = await net.exec('ip', ['link', 'show', 'dev', net.link]);
  if (show.code !== 0) await ip(net, ['link', 'add', net.link, 'type', 'bridge'], [0, 2]);
  await ip(net, ['link', 'set', net.link, 'up']);
  await routeServiceCIDR(net);
}

async function routeServiceCIDR(net: NodeNetwork): Promise<void> {
  // The source for node → ClusterIP traffic stays the node's own address: pods route back to it,
  // never to an address on this link.
  const src = net.nodeIPs[0];
  const via = ['dev', net.link, ...(src && !src.startsWith('127.') ? ['src', src] : [])];
  for (const cidr of [net.serviceCIDR, ...(net.linkRoutes ?? [])]) {
    // Another device holding the route (e.g. a second proxy with the same CIDR) is taken over, loudly.
    const have = await net.exec('ip', ['-4', '-o', 'route', 'show', 'exact', cidr]);
    if (have.stdout.trim() && !have.stdout.includes(`dev ${net.link} `)) net.log?.(`route ${cidr} was on another device; taking it: ${have.stdout.trim()}`);
    await ip(net, ['route', 'replace', cidr, ...via]);
  }
}

/** The IPv4 addresses on the link now. */
export async function linkAddresses(net: NodeNetwork): Promise<string[]> {
  const out = await ip(net, ['-4', '-o', 'addr', 'show', 'dev', net.link], [0, 1]);
  return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g)].map((m) => m[1] ?? '');
}

/** Makes the link carry exactly `want` (as /32s): adds the missing, removes the rest. */
export async function syncLinkAddresses(net: NodeNetwork, want: ReadonlySet<string>): Promise<void> {
  const have = new Set(await linkAddresses(net));
  for (const a of want) if (!have.has(a)) await ip(net, ['addr', 'add', `${a}/32`, 'dev', net.link], [0, 2]);
  const gone = [...have].filter((a) => !want.has(a));
  for (const a of gone) await ip(net, ['addr', 'del', `${a}/32`, 'dev', net.link], [0, 2]);
  // Removing a device's last IPv4 address makes the kernel drop every route through it, the
  // Service CIDR route included: put it back.
  if (gone.length > 0) await routeServiceCIDR(net);
}

/** Removes the link (its addresses and the Service CIDR route go with it). */
export async function removeLink(net: NodeNetwork): Promise<void> {
  await ip(net, ['link', 'del', net.link], [0, 1]);
}

/**
 * Keeps the link's addresses equal to the LoadBalancer IPs of each snapshot (iptables and nftables
 * modes), asking the kernel only when that set changed since the last sync or when forced.
 */
export class LoadBalancerAddresses {
  readonly #net: NodeNetwork;
  #last: string | undefined;

  constructor(net: NodeNetwork) {
    this.#net = net;
  }

  async sync(snapshot: ProxySnapshot, force: boolean): Promise<void> {
    const ips = new Set<string>();
    for (const sp of snapshot.services.values()) for (const ip of sp.loadBalancerIPs) ips.add(ip);
    const key = [...ips].sort().join(',');
    if (!force && key === this.#last) return;
    await syncLinkAddresses(this.#net, ips);
    this.#last = key;
  }

  /** The next sync asks the kernel again (after a cleanup). */
  forget(): void {
    this.#last = undefined;
  }
}
