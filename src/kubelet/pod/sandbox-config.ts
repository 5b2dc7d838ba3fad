// Pod -> CRI PodSandboxConfig (generatePodSandboxConfig): identity, hostname, logs, DNS, host ports,
// labels/annotations and the Linux namespaces, sysctls and security settings of the sandbox.
import type { Pod } from '../../api/generated/core/v1.js';
import type { PodSandboxConfig, PortMapping, Protocol } from '../cri/types.js';
import { POD_NAME, POD_NAMESPACE, POD_UID } from '../sync/labels.js';
import { kernelHostname } from './hostname.js';
import { sandboxSecurityContext } from './security.js';

/** Resolver settings for the sandbox's /etc/resolv.conf (see {@link podDNSConfig} in dns.ts). */
export interface SandboxDNS {
  servers: string[];
  searches: string[];
  options: string[];
}

/** Options for {@link podSandboxConfig}. */
export interface SandboxOptions {
  /** Where the runtime writes container logs: `/var/log/pods/<ns>_<name>_<uid>`. */
  logDirectory: string;
  /** How many sandboxes this pod had before (0 for the first). */
  attempt: number;
  dns?: SandboxDNS;
  cgroupParent?: string;
  /** For the FQDN hostname of `setHostnameAsFQDN` pods (default cluster.local). */
  clusterDomain?: string;
  /** Directory of Localhost seccomp profiles (default /var/lib/kubelet/seccomp). */
  seccompProfileRoot?: string;
}

const protocol = (p: string | undefined): Protocol => (p === 'UDP' ? 'UDP' : p === 'SCTP' ? 'SCTP' : 'TCP');

/**
 * MakePortMappings over all containers: every declared port, deduplicated; the runtime's CNI
 * portmap step uses only those with a host port.
 */
export function portMappings(pod: Pod): PortMapping[] {
  const seen = new Set<string>();
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const m: PortMapping = { protocol: protocol(p.protocol), container_port: p.containerPort, host_port: p.hostPort ?? 0, host_ip: p.hostIP ?? '' };
      const key = `${m.protocol}/${m.host_ip}/${m.host_port}/${m.container_port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m);
    }
  }
  return out;
}

/** The io.kubernetes.pod.* identity labels the kubelet adds to everything it creates for a pod. */
export function podIdentityLabels(pod: Pod): Record<string, string> {
  return { [POD_NAME]: pod.metadata?.name ?? '', [POD_NAMESPACE]: pod.metadata?.namespace ?? '', [POD_UID]: pod.metadata?.uid ?? '' };
}

/** The CRI sandbox configuration for `pod`. Throws ContainerConfigError for an unusable hostname. */
export function podSandboxConfig(pod: Pod, o: SandboxOptions): PodSandboxConfig {
  const meta = pod.metadata ?? {};
  const cfg: PodSandboxConfig = {
    metadata: { name: meta.name ?? '', namespace: meta.namespace ?? '', uid: meta.uid ?? '', attempt: o.attempt },
    log_directory: o.logDirectory,
    labels: { ...(meta.labels ?? {}), ...podIdentityLabels(pod) },
    annotations: { ...(meta.annotations ?? {}) },
    linux: {
      cgroup_parent: o.cgroupParent ?? '',
      security_context: sandboxSecurityContext(pod, o.seccompProfileRoot === undefined ? {} : { seccompProfileRoot: o.seccompProfileRoot }),
      sysctls: Object.fromEntries((pod.spec?.securityContext?.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
  // A host-network pod keeps the node's hostname.
  if (!pod.spec?.hostNetwork) cfg.hostname = kernelHostname(pod, o.clusterDomain);
  if (o.dns) cfg.dns_config = { servers: [...o.dns.servers], searches: [...o.dns.searches], options: [...o.dns.options] };
  const ports = portMappings(pod);
  if (ports.length > 0) cfg.port_mappings = ports;
  return cfg;
}
