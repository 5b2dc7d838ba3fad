/**
 * A node's Service networking: the proxy (Services → kernel rules or sockets) and the cluster DNS,
 * each over its own API client. `k8ts server` runs both beside the node agent; `k8ts proxy` and
 * `k8ts dns` run one alone.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClientConfig } from '../client/config.js';
import { RestClient } from '../client/rest.js';
import { startDns } from '../dns/run.js';
import { publishDnsServiceWithRetry } from '../dns/publish.js';
import { createBackend, haveIptables, hostExec } from '../proxy/backends.js';
import type { NodeNetwork, ProxyMode } from '../proxy/model.js';
import { runProxy } from '../proxy/proxy.js';
import type { Logger } from '../util/log.js';
import { errorText } from '../util/errors.js';

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
  /** The node's data dir (k8ts server): when it is gone, a later proxy removes this one's rules. */
  dataDir?: string;
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

/**
 * Where each node proxy of this machine is recorded (`<prefix>.json`: its node's data dir): a
 * proxy whose node data dir is gone (a deleted test or scenario dir) left rules nobody else can
 * find, and the next proxy to start removes them.
 */
const PROXY_REGISTRY = '/run/k8ts/proxies';

interface ProxyRecord {
  dataDir: string;
  prefix: string;
  link: string;
}

/** Records this proxy and removes the state of recorded proxies whose node data dir is gone. */
async function recordAndReap(names: { prefix: string; link: string }, dataDir: string, logger: Logger): Promise<void> {
  mkdirSync(PROXY_REGISTRY, { recursive: true });
  writeFileSync(join(PROXY_REGISTRY, `${names.prefix}.json`), JSON.stringify({ dataDir, ...names } satisfies ProxyRecord));
  for (const f of readdirSync(PROXY_REGISTRY)) {
    let r: ProxyRecord;
    try {
      r = JSON.parse(readFileSync(join(PROXY_REGISTRY, f), 'utf8')) as ProxyRecord;
    } catch {
      continue;
    }
    if (r.prefix === names.prefix || existsSync(r.dataDir)) continue;
    logger.info('removing the rules of a proxy whose node is gone', { prefix: r.prefix, dataDir: r.dataDir });
    await cleanupProxy({ nodeIPs: [], clusterCIDR: '', serviceCIDR: '', names: { prefix: r.prefix, link: r.link } }, logger);
  }
}

/** Runs the proxy until `signal` aborts. */
export async function runProxyProcess(o: ProxyProcessOptions, signal: AbortSignal): Promise<void> {
  const mode = await proxyMode(o.mode, o.logger);
  const net = hostNodeNetwork(o, o.logger);
  if (o.dataDir) await recordAndReap(o.names, o.dataDir, o.logger);
  // Another mode's rules for this prefix (the proxy ran with another --proxy-mode before) must not
  // shadow this mode's; the link stays, so LoadBalancer addresses never blink.
  for (const other of (['iptables', 'nftables'] as const).filter((m) => m !== mode)) {
    try {
      await (await createBackend(other, { net, logger: o.logger })).cleanup({ keepLink: true });
    } catch (e) {
      o.logger.warn('removing another mode\'s rules failed', { mode: other, error: errorText(e) });
    }
  }
  const backend = await createBackend(mode, { net, logger: o.logger });
  const transport = new RestClient(o.config, { qps: 100, burst: 200, userAgent: 'k8ts-proxy' });
  try {
    await runProxy({ transport, backend, nodeName: o.nodeName, minSyncPeriodMs: o.minSyncPeriodMs, logger: o.logger }, signal);
  } finally {
    transport.close();
  }
}

/** Removes what a proxy with these names left on the host, in every mode, and its record. */
export async function cleanupProxy(o: Pick<ProxyProcessOptions, 'nodeIPs' | 'clusterCIDR' | 'serviceCIDR' | 'names'>, logger: Logger): Promise<void> {
  const net = hostNodeNetwork(o);
  const modes: ProxyMode[] = (await haveIptables()) ? ['iptables', 'nftables', 'userspace'] : ['nftables', 'userspace'];
  for (const mode of modes) {
    try {
      await (await createBackend(mode, { net, logger })).cleanup();
    } catch (e) {
      logger.warn('proxy cleanup failed', { mode, error: errorText(e) });
    }
  }
  rmSync(join(PROXY_REGISTRY, `${o.names.prefix}.json`), { force: true });
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
  /** A fixed port; absent: the one in portFile if still free, else a free one. The endpoints carry whichever was bound. */
  port?: number;
  /** Where the bound port is remembered across restarts. */
  portFile?: string;
  logger: Logger;
}

/**
 * The cluster DNS of `k8ts server` (CoreDNS's place in k3s): serves on the node address and
 * publishes itself as the `kube-dns` Service in kube-system, whose ClusterIP the proxy forwards here.
 */
export async function runClusterDns(o: ClusterDnsOptions, signal: AbortSignal): Promise<void> {
  const transport = new RestClient(o.config, { qps: 50, burst: 100, userAgent: 'k8ts-dns' });
  try {
    const options = {
      transport,
      address: o.nodeIP,
      clusterDomain: o.clusterDomain,
      excludeUpstreams: [o.clusterIP],
      reverseCidrs: [o.serviceCIDR, o.clusterCIDR],
      // It listens on the node address: names outside the cluster are forwarded for pods and this machine only.
      recursionFrom: [o.clusterCIDR, o.serviceCIDR],
      logger: o.logger,
    };
    // The port a previous run bound, kept so a restart does not strand pods' UDP flows (conntrack
    // keeps sending them to the old port); a free one when it is taken or on first start.
    const remembered = o.portFile && existsSync(o.portFile) ? Number(readFileSync(o.portFile, 'utf8').trim()) : undefined;
    const wanted = o.port ?? (remembered && Number.isInteger(remembered) ? remembered : 0);
    const dns = await startDns({ ...options, port: wanted }, signal).catch((e: unknown) => {
      if (wanted === 0 || o.port !== undefined) throw e;
      o.logger.warn('the remembered DNS port is taken; using another', { port: wanted, error: errorText(e) });
      return startDns({ ...options, port: 0 }, signal);
    });
    if (o.portFile) {
      mkdirSync(dirname(o.portFile), { recursive: true });
      writeFileSync(o.portFile, `${dns.port}\n`);
    }
    if (o.nodeIP.startsWith('127.')) o.logger.warn('the node has only a loopback address: kube-dns is not published (pods cannot reach it)');
    else await publishDnsServiceWithRetry({ transport, clusterIP: o.clusterIP, nodeIP: o.nodeIP, port: dns.port, logger: o.logger, signal }, signal);
    await dns.done;
  } finally {
    transport.close();
  }
}
