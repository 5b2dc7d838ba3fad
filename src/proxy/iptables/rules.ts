/**
 * The iptables-restore input for one sync, laid out as kube-proxy's iptables mode does: a dispatch
 * chain matching each ClusterIP / LoadBalancer IP / NodePort, a chain per service port picking an
 * endpoint at random (or by client affinity), a chain per endpoint doing the DNAT, and a mark that
 * tells POSTROUTING to masquerade only the traffic that needs it.
 *
 * Partial syncs: the dispatch and reject chains are written whole each time (a `:CHAIN` line
 * flushes a chain under --noflush), but per-service and per-endpoint chains only when their
 * service port changed; chains no longer wanted are flushed and deleted in the same transaction.
 */
import { createHash } from 'node:crypto';
import { clusterEndpoints, externalEndpoints, hasExternal, usableEndpoints, type ProxySnapshot, type ServiceEndpoint, type ServicePort } from '../model.js';

/** The mark bit asking POSTROUTING to masquerade (kube-proxy's). */
export const MASQ_MARK = '0x4000';

/** Fixed chain names for a prefix. */
export function topChains(prefix: string) {
  return {
    services: `${prefix}-SERVICES`,
    nodeports: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    externalServices: `${prefix}-EXTERNAL-SERVICES`,
    forward: `${prefix}-FORWARD`,
    firewall: `${prefix}-FIREWALL`,
  };
}

/** Jumps from the built-in chains to ours: table, chain and the rule's arguments. */
export function baseJumps(prefix: string): { table: 'nat' | 'filter'; chain: string; args: string[] }[] {
  const c = topChains(prefix);
  const fresh = ['-m', 'conntrack', '--ctstate', 'NEW'];
  const note = (text: string) => ['-m', 'comment', '--comment', text];
  return [
    { table: 'nat', chain: 'PREROUTING', args: [...note('k8ts service portals'), '-j', c.services] },
    { table: 'nat', chain: 'OUTPUT', args: [...note('k8ts service portals'), '-j', c.services] },
    { table: 'nat', chain: 'POSTROUTING', args: [...note('k8ts postrouting rules'), '-j', c.postrouting] },
    { table: 'filter', chain: 'INPUT', args: [...note('k8ts firewall for 127.0.0.0/8'), '-j', c.firewall] },
    { table: 'filter', chain: 'INPUT', args: [...fresh, ...note('k8ts externally-visible service portals'), '-j', c.externalServices] },
    { table: 'filter', chain: 'INPUT', args: [...fresh, ...note('k8ts service portals'), '-j', c.services] },
    { table: 'filter', chain: 'FORWARD', args: [...note('k8ts forwarding rules'), '-j', c.forward] },
    { table: 'filter', chain: 'FORWARD', args: [...fresh, ...note('k8ts service portals'), '-j', c.services] },
    { table: 'filter', chain: 'FORWARD', args: [...fresh, ...note('k8ts externally-visible service portals'), '-j', c.externalServices] },
    { table: 'filter', chain: 'OUTPUT', args: [...fresh, ...note('k8ts service portals'), '-j', c.services] },
    { table: 'filter', chain: 'OUTPUT', args: [...fresh, ...note('k8ts externally-visible service portals'), '-j', c.externalServices] },
  ];
}

const hash = (s: string) => createHash('sha256').update(s).digest('base64url').replace(/[-_]/g, 'X').slice(0, 16).toUpperCase();

/** Per-port chain names (28 characters at most with a 6-character prefix). */
export function portChains(prefix: string, sp: ServicePort) {
  const h = hash(`${sp.id}/${sp.protocol}`);
  return { svc: `${prefix}-SVC-${h}`, svl: `${prefix}-SVL-${h}`, ext: `${prefix}-EXT-${h}` };
}

export const endpointChain = (prefix: string, sp: ServicePort, ep: ServiceEndpoint) => `${prefix}-SEP-${hash(`${sp.id}/${sp.protocol}/${ep.ip}:${ep.port}`)}`;

const proto = (sp: ServicePort) => sp.protocol.toLowerCase();
const portMatch = (sp: ServicePort, port: number) => `-p ${proto(sp)} -m ${proto(sp)} --dport ${port}`;
const comment = (text: string) => `-m comment --comment ${JSON.stringify(text)}`;

/** Inputs of {@link buildRestore}. */
export interface BuildInput {
  prefix: string;
  clusterCIDR: string;
  snapshot: ProxySnapshot;
  /** Ports whose own chains must be rewritten ('all': every one). */
  changed: ReadonlySet<string> | 'all';
  /** Our chains that exist in the kernel now (nat and filter), so stale ones can be deleted. */
  existing: { nat: ReadonlySet<string>; filter: ReadonlySet<string> };
}

/** The restore script and the chains that exist once it has run. */
export interface BuildOutput {
  script: string;
  chains: { nat: Set<string>; filter: Set<string> };
  /** Number of rules written in this script (for metrics and the bench). */
  rules: number;
}

/** Writes the chains of one service port; returns the chain names it needs. */
function servicePortRules(o: BuildInput, sp: ServicePort, out: { decl: string[]; rules: string[] } | undefined): string[] {
  const { prefix, snapshot } = o;
  const c = topChains(prefix);
  const pc = portChains(prefix, sp);
  const eps = snapshot.endpoints.get(sp.id);
  const all = usableEndpoints(eps, false);
  const local = usableEndpoints(eps, true);
  const needed: string[] = [];
  const chain = (name: string) => {
    needed.push(name);
    out?.decl.push(`:${name} - [0:0]`);
  };
  const add = (rule: string) => out?.rules.push(rule);

  const balance = (name: string, list: ServiceEndpoint[]) => {
    chain(name);
    // Off-cluster clients of the ClusterIP are masqueraded in whichever chain serves the ClusterIP.
    if (name === (sp.internalLocal ? pc.svl : pc.svc) && sp.clusterIP) add(`-A ${name} ! -s ${o.clusterCIDR} -d ${sp.clusterIP}/32 ${portMatch(sp, sp.port)} ${comment(`${sp.id} cluster IP`)} -j ${c.markMasq}`);
    if (sp.affinitySeconds !== undefined) {
      for (const ep of list) {
        const sep = endpointChain(prefix, sp, ep);
        add(`-A ${name} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinitySeconds} --reap -j ${sep}`);
      }
    }
    list.forEach((ep, i) => {
      const sep = endpointChain(prefix, sp, ep);
      const left = list.length - i;
      add(left > 1 ? `-A ${name} -m statistic --mode random --probability ${(1 / left).toFixed(10)} -j ${sep}` : `-A ${name} -j ${sep}`);
    });
  };

  const sepDone = new Set<string>();
  const endpoints = (list: ServiceEndpoint[]) => {
    for (const ep of list) {
      const sep = endpointChain(prefix, sp, ep);
      if (sepDone.has(sep)) continue;
      sepDone.add(sep);
      chain(sep);
      // Hairpin: a pod reaching itself through its Service must not see its own address as the source.
      add(`-A ${sep} -s ${ep.ip}/32 -j ${c.markMasq}`);
      const affinity = sp.affinitySeconds !== undefined ? ` -m recent --name ${sep} --mask 255.255.255.255 --rsource --set` : '';
      add(`-A ${sep} -p ${proto(sp)} -m ${proto(sp)}${affinity} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
    }
  };

  if (all.length > 0) {
    balance(pc.svc, all);
    endpoints(all);
  }
  if ((sp.internalLocal || sp.externalLocal) && local.length > 0) {
    balance(pc.svl, local);
    endpoints(local);
  }
  if (hasExternal(sp) && all.length > 0) {
    chain(pc.ext);
    if (!sp.externalLocal) {
      add(`-A ${pc.ext} ${comment('masquerade traffic for ' + sp.id + ' external destinations')} -j ${c.markMasq}`);
      add(`-A ${pc.ext} -j ${pc.svc}`);
    } else {
      // Pods and the node itself reach a Local service cluster-wide, as kube-proxy lets them;
      // only traffic from elsewhere is kept on this node's endpoints, with its source intact.
      add(`-A ${pc.ext} -s ${o.clusterCIDR} ${comment('pod traffic for ' + sp.id + ' external destinations')} -j ${pc.svc}`);
      add(`-A ${pc.ext} -m addrtype --src-type LOCAL ${comment('masquerade LOCAL traffic for ' + sp.id + ' external destinations')} -j ${c.markMasq}`);
      add(`-A ${pc.ext} -m addrtype --src-type LOCAL -j ${pc.svc}`);
      if (local.length > 0) add(`-A ${pc.ext} -j ${pc.svl}`);
    }
  }
  return needed;
}

/** Builds the restore script for one sync. */
export function buildRestore(o: BuildInput): BuildOutput {
  const c = topChains(o.prefix);
  const nat = { decl: [] as string[], rules: [] as string[] };
  const filter = { decl: [] as string[], rules: [] as string[] };
  const wantNat = new Set<string>([c.services, c.nodeports, c.postrouting, c.markMasq]);
  const wantFilter = new Set<string>([c.services, c.externalServices, c.forward, c.firewall]);
  for (const n of wantNat) nat.decl.push(`:${n} - [0:0]`);
  for (const n of wantFilter) filter.decl.push(`:${n} - [0:0]`);

  nat.rules.push(`-A ${c.markMasq} -j MARK --or-mark ${MASQ_MARK}`);
  nat.rules.push(`-A ${c.postrouting} -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`);
  // Clear the mark so a packet re-entering the stack (e.g. through a bridge) is not masqueraded twice.
  nat.rules.push(`-A ${c.postrouting} -j MARK --xor-mark ${MASQ_MARK}`);
  nat.rules.push(`-A ${c.postrouting} ${comment('k8ts service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  // NodePorts on 127.0.0.1 need route_localnet=1, which would also let the network reach anything
  // bound to loopback (etcd, the registry): only DNATed traffic may arrive for 127.0.0.0/8 from outside it.
  filter.rules.push(`-A ${c.firewall} -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT ${comment('block incoming localnet connections')} -j DROP`);
  filter.rules.push(`-A ${c.forward} -m mark --mark ${MASQ_MARK}/${MASQ_MARK} ${comment('k8ts forwarding rules')} -j ACCEPT`);
  filter.rules.push(`-A ${c.forward} -m conntrack --ctstate RELATED,ESTABLISHED ${comment('k8ts forwarding conntrack rule')} -j ACCEPT`);

  const sorted = [...o.snapshot.services.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const sp of sorted) {
    const eps = o.snapshot.endpoints.get(sp.id);
    const pc = portChains(o.prefix, sp);
    const rewrite = o.changed === 'all' || o.changed.has(sp.id);
    const needed = servicePortRules(o, sp, rewrite ? nat : undefined);
    for (const n of needed) wantNat.add(n);
    // A chain we did not rewrite must already exist; otherwise (e.g. lost by hand) write it now.
    if (!rewrite && needed.some((n) => !o.existing.nat.has(n))) servicePortRules(o, sp, nat);

    const internal = clusterEndpoints(sp, eps);
    const external = externalEndpoints(sp, eps);
    const hasAny = usableEndpoints(eps, false).length > 0;
    const tag = (what: string) => comment(`${sp.id}${what}`);
    if (sp.clusterIP) {
      if (internal.length > 0) nat.rules.push(`-A ${c.services} -d ${sp.clusterIP}/32 ${portMatch(sp, sp.port)} ${tag(' cluster IP')} -j ${sp.internalLocal ? pc.svl : pc.svc}`);
      else filter.rules.push(`-A ${c.services} -d ${sp.clusterIP}/32 ${portMatch(sp, sp.port)} ${tag(' has no endpoints')} -j REJECT --reject-with icmp-port-unreachable`);
    }
    // The external chain exists whenever any endpoint does: with policy Local it still sends pods'
    // and the node's own traffic cluster-wide; other clients with no local endpoint are dropped below.
    const externalUsable = hasAny;
    const dropOthers = sp.externalLocal && external.length === 0;
    for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
      const isLb = sp.loadBalancerIPs.includes(ip);
      if (externalUsable) {
        const sources = isLb && sp.loadBalancerSourceRanges.length > 0 ? sp.loadBalancerSourceRanges.map((s) => `-s ${s} `) : [''];
        for (const src of sources) nat.rules.push(`-A ${c.services} ${src}-d ${ip}/32 ${portMatch(sp, sp.port)} ${tag(isLb ? ' loadbalancer IP' : ' external IP')} -j ${pc.ext}`);
        // What the nat rules did not rewrite (a source outside loadBalancerSourceRanges) is dropped here.
        if (sources[0] !== '') filter.rules.push(`-A ${c.externalServices} -d ${ip}/32 ${portMatch(sp, sp.port)} ${tag(' traffic not accepted by the load balancer source ranges')} -j DROP`);
        else if (dropOthers) filter.rules.push(`-A ${c.externalServices} -d ${ip}/32 ${portMatch(sp, sp.port)} ${tag(' has no local endpoints')} -j DROP`);
      } else {
        filter.rules.push(`-A ${c.externalServices} -d ${ip}/32 ${portMatch(sp, sp.port)} ${tag(' has no endpoints')} -j REJECT --reject-with icmp-port-unreachable`);
      }
    }
    if (sp.nodePort !== undefined) {
      if (externalUsable) {
        nat.rules.push(`-A ${c.nodeports} ${portMatch(sp, sp.nodePort)} ${tag(' node port')} -j ${pc.ext}`);
        if (dropOthers) filter.rules.push(`-A ${c.externalServices} -m addrtype --dst-type LOCAL ${portMatch(sp, sp.nodePort)} ${tag(' has no local endpoints')} -j DROP`);
      } else filter.rules.push(`-A ${c.externalServices} -m addrtype --dst-type LOCAL ${portMatch(sp, sp.nodePort)} ${tag(' has no endpoints')} -j REJECT --reject-with icmp-port-unreachable`);
    }
  }
  // NodePorts answer on every local address, 127.0.0.1 included; this must stay the last rule.
  nat.rules.push(`-A ${c.services} -m addrtype --dst-type LOCAL ${comment('k8ts service nodeports')} -j ${c.nodeports}`);

  // Chains we own that are no longer wanted: flush then delete (references are gone by now).
  const staleNat = [...o.existing.nat].filter((n) => !wantNat.has(n));
  const staleFilter = [...o.existing.filter].filter((n) => !wantFilter.has(n));
  for (const n of staleNat) nat.decl.push(`:${n} - [0:0]`);
  for (const n of staleFilter) filter.decl.push(`:${n} - [0:0]`);
  const script = [
    '*filter',
    ...filter.decl,
    ...filter.rules,
    ...staleFilter.map((n) => `-X ${n}`),
    'COMMIT',
    '*nat',
    ...nat.decl,
    ...nat.rules,
    ...staleNat.map((n) => `-X ${n}`),
    'COMMIT',
    '',
  ].join('\n');
  return { script, chains: { nat: wantNat, filter: wantFilter }, rules: nat.rules.length + filter.rules.length };
}
