/**
 * A node's Service networking: the proxy (Services → kernel rules or sockets) and the cluster DNS,
 * each over its own API client. `k8ts server` runs both beside the node agent; `k8ts proxy` and
 * `k8ts dns` run one alone.
 */
import type { ClientConfig } from '../client/config.js';
import { RestClient } from '../client/rest.js';
import { startDns } from '../dns/run.js';
import { publishDnsServiceWithRetry } from '../dns/publish.js';
import { createBackend, haveIptables, hostExec } from '../proxy/backends.js';
import type { NodeNetwork, ProxyMode } from '../proxy/model.js';
import { runProxy } from '../proxy/proxy.js';
import type { Logger } from '../util/log.js';

/** Options of {@link runProxyProcess}. */
export interface ProxyProcessOptions {
  config: ClientConfig;
  /** Default iptables; userspace when the iptables tools are missing. */
  mode?: ProxyMode;
  nodeName: string;
  nodeIPs: string[];
  clusterCIDR: string;
  serviceCIDR: string;
  /** What this proxy owns: its chain prefix / nft table and its address link. */
  names: { prefix: string; link: string };
  /** The LoadBalancer pool's CIDRs, routed to the proxy's link like the Service CIDR. */
  lbCIDRs?: string[];
  minSyncPeriodMs?: number;
  logger: Logger;
}

/** The host's NodeNetwork for these options. */
export function hostNodeNetwork(o: Pick<ProxyProcessOptions, 'nodeIPs' | 'clusterCIDR' | 'serviceCIDR' | 'names' | 'lbCIDRs'>, logger?: Logger): NodeNetwork {
  return {
    nodeIPs: o.nodeIPs,
    clusterCIDR: o.clusterCIDR,
    serviceCIDR: o.serviceCIDR,
    linkRoutes: o.lbCIDRs ?? [],
    prefix: o.names.prefix,
    link: o.names.link,
    exec: hostExec,
    ...(logger ? { log: (m: string) => logger.warn(m) } : {}),
  };
}

/** The CIDR entries of a LoadBalancer pool setting (`a-b` ranges and single addresses are not routed). */
export const poolCIDRs = (pool: string): string[] => pool.split(',').map((p) => p.trim()).filter((p) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(p));

/** Picks the mode: the one asked for, else iptables when its tools exist, else userspace. */
export async function proxyMode(asked: ProxyMode | undefined, logger: Logger): Promise<ProxyMode> {
  if (asked) return asked;
  if (await haveIptables()) return 'iptables';
  logger.warn('iptables-restore not found: using the userspace proxy');
  return 'userspace';
}

/** Runs the proxy until `signal` aborts. */
export async function runProxyProcess(o: ProxyProcessOptions, signal: AbortSignal): Promise<void> {
  const mode = await proxyMode(o.mode, o.logger);
  const backend = await createBackend(mode, { net: hostNodeNetwork(o, o.logger), logger: o.logger });
  const transport = new RestClient(o.config, { qps: 100, burst: 200, userAgent: 'k8ts-proxy' });
  try {
    await runProxy({ transport, backend, nodeName: o.nodeName, minSyncPeriodMs: o.minSyncPeriodMs, logger: o.logger }, signal);
  } finally {
    transport.close();
  }
}

/** Removes what a proxy with these names left on the host, in every mode. */
export async function cleanupProxy(o: Pick<ProxyProcessOptions, 'nodeIPs' | 'clusterCIDR' | 'serviceCIDR' | 'names'>, logger: Logger): Promise<void> {
  const net = hostNodeNetwork(o);
  const modes: ProxyMode[] = (await haveIptables()) ? ['iptables', 'nftables', 'userspace'] : ['nftables', 'userspace'];
  for (const mode of modes) {
    try {
      await (await createBackend(mode, { net, logger })).cleanup();
    } catch (e) {
      logger.warn('proxy cleanup failed', { mode, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Options of {@link runClusterDns}. */
export interface ClusterDnsOptions {
  config: ClientConfig;
  /** Where the server listens; the kube-dns endpoints point here. */
  nodeIP: string;
  /** The kube-dns Service's ClusterIP (the kubelet writes it into pods' resolv.conf). */
  clusterIP: string;
  clusterDomain: string;
  serviceCIDR: string;
  clusterCIDR: string;
  /** 0 (default) picks a free port; the endpoints carry whichever was bound. */
  port?: number;
  logger: Logger;
}

/**
 * The cluster DNS of `k8ts server` (CoreDNS's place in k3s): serves on the node address and
 * publishes itself as the `kube-dns` Service in kube-system, whose ClusterIP the proxy forwards here.
 */
export async function runClusterDns(o: ClusterDnsOptions, signal: AbortSignal): Promise<void> {
  const transport = new RestClient(o.config, { qps: 50, burst: 100, userAgent: 'k8ts-dns' });
  try {
    const dns = await startDns(
      {
        transport,
        address: o.nodeIP,
        port: o.port ?? 0,
        clusterDomain: o.clusterDomain,
        excludeUpstreams: [o.clusterIP],
        reverseCidrs: [o.serviceCIDR, o.clusterCIDR],
        // It listens on the node address: names outside the cluster are forwarded for pods and this machine only.
        recursionFrom: [o.clusterCIDR, o.serviceCIDR],
        logger: o.logger,
      },
      signal,
    );
    if (o.nodeIP.startsWith('127.')) o.logger.warn('the node has only a loopback address: kube-dns is not published (pods cannot reach it)');
    else await publishDnsServiceWithRetry({ transport, clusterIP: o.clusterIP, nodeIP: o.nodeIP, port: dns.port, logger: o.logger, signal }, signal);
    await dns.done;
  } finally {
    transport.close();
  }
}
