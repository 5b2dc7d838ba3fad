// The /etc/hosts the kubelet writes for each pod: localhost entries, the pod's own name on each pod
// IP, and hostAliases; a host-network pod gets the node's file plus its aliases.
import type { HostAlias } from '../../api/generated/core/v1.js';

const MANAGED = '# Kubernetes-managed hosts file.\n';
const MANAGED_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';

function aliasLines(aliases: HostAlias[] | undefined): string {
  if (!aliases || aliases.length === 0) return '';
  return '\n# Entries added by HostAliases.\n' + aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('');
}

/** The managed hosts file of a pod on the pod network. */
export function managedHostsContent(podIPs: string[], hostname: string, domain: string, aliases?: HostAlias[]): string {
  let s = MANAGED;
  s += '127.0.0.1\tlocalhost\n';
  s += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  s += 'fe00::0\tip6-localnet\n';
  s += 'fe00::0\tip6-mcastprefix\n';
  s += 'fe00::1\tip6-allnodes\n';
  s += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) s += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return s + aliasLines(aliases);
}

/** The hosts file of a host-network pod: the node's, plus the pod's aliases. */
export function hostNetworkHostsContent(nodeHosts: string, aliases?: HostAlias[]): string {
  return MANAGED_HOST_NETWORK + nodeHosts + aliasLines(aliases);
}
