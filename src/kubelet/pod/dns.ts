// A pod's resolver settings from its dnsPolicy and dnsConfig (the kubelet's GetPodDNS), for the
// sandbox's dns_config.
import type { Pod } from '../../api/generated/core/v1.js';
import type { SandboxDNS } from './sandbox-config.js';

/** Options for {@link podDNSConfig}. */
export interface DNSOptions {
  /** Cluster DNS server IPs (--cluster-dns); empty makes ClusterFirst fall back to Default. */
  clusterDNS: string[];
  clusterDomain: string;
  /** The node's resolver settings (parseResolvConf of --resolv-conf); absent: 127.0.0.1 and search ".". */
  host?: SandboxDNS;
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;

/** Parses resolv.conf text: nameserver, search/domain and options lines. */
export function parseResolvConf(text: string): SandboxDNS {
  const out: SandboxDNS = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) out.servers.push(fields[0]);
    else if (key === 'search') out.searches = fields.filter((f) => f !== '');
    else if (key === 'domain' && fields[0]) out.searches = [fields[0]];
    else if (key === 'options') out.options.push(...fields.filter((f) => f !== ''));
  }
  return out;
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** Pod options override same-named ones; `name:value` or `name`. */
function mergeOptions(existing: string[], pod: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of existing) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), o);
  }
  for (const o of pod) {
    if (!o.name) continue;
    byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  return [...byName.values()];
}

/**
 * GetPodDNS: `None` uses only `spec.dnsConfig`; `ClusterFirst` (not on the host network) and
 * `ClusterFirstWithHostNet` use the cluster DNS with the `<ns>.svc.<domain>`, `svc.<domain>`,
 * `<domain>` searches and `ndots:5`; `Default` (and ClusterFirst on the host network) use the node's
 * resolver. `spec.dnsConfig` is merged last; at most 3 servers and 32 searches are kept.
 */
export function podDNSConfig(pod: Pod, o: DNSOptions): SandboxDNS {
  const policy = pod.spec?.dnsPolicy || 'ClusterFirst';
  const hostNetwork = pod.spec?.hostNetwork === true;
  let kind: 'none' | 'cluster' | 'host';
  if (policy === 'None') kind = 'none';
  else if (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !hostNetwork)) kind = 'cluster';
  else kind = 'host';
  if (kind === 'cluster' && o.clusterDNS.length === 0) kind = 'host';

  const host = o.host ?? { servers: ['127.0.0.1'], searches: ['.'], options: [] };
  let dns: SandboxDNS;
  if (kind === 'none') {
    dns = { servers: [], searches: [], options: [] };
  } else if (kind === 'cluster') {
    const ns = pod.metadata?.namespace ?? '';
    const d = o.clusterDomain;
    const searches = d ? unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches]) : [...host.searches];
    dns = { servers: [...o.clusterDNS], searches, options: ['ndots:5'] };
  } else {
    dns = { servers: [...host.servers], searches: [...host.searches], options: [...host.options] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    dns = {
      servers: unique([...dns.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...dns.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(dns.options, extra.options ?? []),
    };
  }
  dns.servers = dns.servers.slice(0, MAX_NAMESERVERS);
  const searches: string[] = [];
  let chars = 0;
  for (const s of dns.searches) {
    if (searches.length >= MAX_SEARCHES || chars + s.length + (searches.length > 0 ? 1 : 0) > MAX_SEARCH_CHARS) break;
    chars += s.length + (searches.length > 0 ? 1 : 0);
    searches.push(s);
  }
  dns.searches = searches;
  return dns;
}
