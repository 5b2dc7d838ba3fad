/**
 * The `nft -f` transactions of the nftables backend: the whole table (first sync, resync after a
 * failure), or only the difference between two renders of the changed service ports. Either is
 * one transaction, so the kernel switches at once and never runs a half-written table.
 */
import { MARK_MASQ, MASQ_MARK, REJECT, type Element, type MapName, type PortRules } from './render.js';

/** Base chains: name, type, hook, priority (numbers, so any nft version parses them). */
const BASE_CHAINS = [
  // Filtering runs before DNAT so it sees the Service address the client used.
  ['filter-prerouting', 'filter', 'prerouting', -110],
  ['filter-input', 'filter', 'input', -110],
  ['filter-forward', 'filter', 'forward', -110],
  ['filter-output', 'filter', 'output', -110],
  ['nat-prerouting', 'nat', 'prerouting', -100],
  ['nat-output', 'nat', 'output', -100],
  ['nat-postrouting', 'nat', 'postrouting', 100],
] as const;

const MAPS: readonly [MapName, string][] = [
  ['service-ips', 'ipv4_addr . inet_proto . inet_service : verdict'],
  ['service-nodeports', 'inet_proto . inet_service : verdict'],
  ['no-endpoint-services', 'ipv4_addr . inet_proto . inet_service : verdict'],
  ['no-endpoint-nodeports', 'inet_proto . inet_service : verdict'],
  ['firewall-ips', 'ipv4_addr . inet_proto . inet_service : verdict'],
];

/** The fixed part of the table: base chains, dispatch chains, maps, masquerading. */
function skeleton(t: string): string[] {
  const out: string[] = [];
  for (const [name, type, hook, prio] of BASE_CHAINS) out.push(`add chain ${t} ${name} { type ${type} hook ${hook} priority ${prio}; policy accept; }`);
  for (const name of ['services', 'endpoints-check', 'firewall-check', MARK_MASQ, 'masquerading', REJECT]) out.push(`add chain ${t} ${name}`);
  for (const [name, type] of MAPS) out.push(`add map ${t} ${name} { type ${type}; }`);
  const rule = (chain: string, r: string) => out.push(`add rule ${t} ${chain} ${r}`);
  // `fib daddr type local`: NodePorts answer on every address of the node, 127.0.0.1 included.
  rule('services', 'ip daddr . meta l4proto . th dport vmap @service-ips');
  rule('services', 'fib daddr type local meta l4proto . th dport vmap @service-nodeports');
  rule('nat-prerouting', 'jump services');
  rule('nat-output', 'jump services');
  rule(MARK_MASQ, `meta mark set meta mark or ${MASQ_MARK}`);
  rule('masquerading', `meta mark & ${MASQ_MARK} == 0 return`);
  // Clear the bit so a packet that passes postrouting again (bridged, re-routed) is not masqueraded twice.
  rule('masquerading', `meta mark set meta mark xor ${MASQ_MARK}`);
  rule('masquerading', 'masquerade fully-random');
  rule('nat-postrouting', 'jump masquerading');
  // reject is not allowed in prerouting on older kernels, so the no-endpoint check runs on
  // every path after routing instead: input, forward and output.
  rule('endpoints-check', 'ip daddr . meta l4proto . th dport vmap @no-endpoint-services');
  rule('endpoints-check', 'fib daddr type local meta l4proto . th dport vmap @no-endpoint-nodeports');
  for (const hook of ['input', 'forward', 'output']) rule(`filter-${hook}`, 'ct state new jump endpoints-check');
  rule('firewall-check', 'ip daddr . meta l4proto . th dport vmap @firewall-ips');
  for (const hook of ['prerouting', 'output']) rule(`filter-${hook}`, 'ct state new jump firewall-check');
  rule(REJECT, 'meta l4proto tcp reject with tcp reset');
  rule(REJECT, 'reject');
  // NodePorts on 127.0.0.1 need route_localnet, which would also accept packets for 127.0.0.0/8
  // arriving from the network; drop those unless our DNAT made them (kube-proxy's CVE-2020-8558 fix).
  rule('filter-input', 'ip daddr 127.0.0.0/8 ip saddr != 127.0.0.0/8 ct state != { established, related } ct status & dnat == 0 drop');
  return out;
}

const elementKey = (e: Element) => `${e.map} ${e.key}`;

/** Adds of one or more ports' objects: sets, then every chain, then rules, then elements. */
function addAll(t: string, ports: Iterable<PortRules>): string[] {
  const sets: string[] = [];
  const chains: string[] = [];
  const rules: string[] = [];
  const elements: string[] = [];
  for (const pr of ports) {
    for (const [name, timeout] of pr.sets) sets.push(`add set ${t} ${name} { type ipv4_addr; flags dynamic,timeout; timeout ${timeout}s; }`);
    for (const [name, list] of pr.chains) {
      chains.push(`add chain ${t} ${name}`);
      for (const r of list) rules.push(`add rule ${t} ${name} ${r}`);
    }
    for (const e of pr.elements) elements.push(`add element ${t} ${e.map} { ${e.key} : ${e.value} }`);
  }
  return [...sets, ...chains, ...rules, ...elements];
}

/**
 * The whole table in one transaction: created if missing, then deleted and written anew, so
 * nothing left over survives and there is no moment without rules. Established connections keep
 * their conntrack translations; only affinity memory starts empty.
 */
export function fullScript(table: string, ports: Iterable<PortRules>): string {
  const t = `ip ${table}`;
  return [`add table ${t}`, `delete table ${t}`, `add table ${t}`, ...skeleton(t), ...addAll(t, ports), ''].join('\n');
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The transaction taking the changed ports from `before` to `after` (undefined: the port is gone),
 * touching only what differs. Order matters to the kernel: references go before what they point
 * to is deleted, and what they point to is added before them.
 */
export function deltaScript(table: string, changes: Iterable<{ before: PortRules | undefined; after: PortRules | undefined }>): string {
  const t = `ip ${table}`;
  const flush: string[] = [];
  const delElements: string[] = [];
  const delSets: string[] = [];
  const delChains: string[] = [];
  const adds: PortRules[] = [];
  for (const { before, after } of changes) {
    const b = before ?? { chains: new Map<string, readonly string[]>(), sets: new Map<string, number>(), elements: [] };
    const a = after ?? { chains: new Map<string, readonly string[]>(), sets: new Map<string, number>(), elements: [] };
    // A set whose timeout changed is re-created, so every rule naming it must go first.
    const setChanged = [...b.sets].some(([name, timeout]) => a.sets.get(name) !== timeout);
    const rewrite = new Set<string>();
    for (const [name, rules] of b.chains) {
      if (!setChanged && sameList(rules, a.chains.get(name))) continue;
      flush.push(`flush chain ${t} ${name}`);
      if (a.chains.has(name)) rewrite.add(name);
      else delChains.push(`delete chain ${t} ${name}`);
    }
    for (const name of a.chains.keys()) if (!b.chains.has(name)) rewrite.add(name);
    for (const [name, timeout] of b.sets) if (a.sets.get(name) !== timeout) delSets.push(`delete set ${t} ${name}`);
    const keep = new Map(a.elements.map((e) => [elementKey(e), e.value]));
    const had = new Map(b.elements.map((e) => [elementKey(e), e.value]));
    for (const e of b.elements) if (keep.get(elementKey(e)) !== e.value) delElements.push(`delete element ${t} ${e.map} { ${e.key} }`);
    adds.push({
      chains: new Map([...a.chains].filter(([name]) => rewrite.has(name))),
      sets: new Map([...a.sets].filter(([name, timeout]) => b.sets.get(name) !== timeout)),
      elements: a.elements.filter((e) => had.get(elementKey(e)) !== e.value),
    });
  }
  const lines = [...flush, ...delElements, ...delSets, ...delChains, ...addAll(t, adds)];
  return lines.length === 0 ? '' : [...lines, ''].join('\n');
}
