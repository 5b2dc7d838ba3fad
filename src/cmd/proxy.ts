/** `k8ts proxy`: flags only; behaviour lives in src/proxy (composed in src/server/node-network.ts). */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { loadKubeconfig } from '../client/config.js';
import { defaults } from '../kubelet/config.js';
import { defaultProxyNames } from '../proxy/backends.js';
import { PROXY_MODES, type ProxyMode } from '../proxy/model.js';
import { cleanupProxy, poolCIDRs, runProxyProcess } from '../server/node-network.js';
import { defaultControllerSettings } from '../controllers/controller.js';
import { createLogger } from '../util/log.js';
import { primaryIPv4 } from '../util/net.js';
import { parse, shutdownSignal, UsageError } from './flags.js';

const usage = `Usage: k8ts proxy --kubeconfig FILE [flags]

Watches Services and EndpointSlices and programs this machine so Services answer: ClusterIPs,
NodePorts (every node address and 127.0.0.1), LoadBalancer addresses. Rules stay in the kernel
when the proxy exits, so a restart has no gap; --cleanup removes them.

  --kubeconfig FILE                  the cluster to serve (required, except with --cleanup)
  --proxy-mode MODE                  iptables (default), nftables or userspace (no netfilter needed)
  --hostname-override NAME           this node's name (default: the host name)
  --node-ip IP                       this node's address (default: first non-loopback IPv4)
  --cluster-cidr CIDR                pod addresses (default ${defaults.clusterCIDR})
  --service-cluster-ip-range CIDR    Service addresses (default ${defaults.serviceCIDR})
  --service-lb-pool RANGES           the LoadBalancer pool, routed to the link (default ${defaultControllerSettings.loadBalancerPool})
  --chain-prefix P                   names what this proxy owns: chains P-*, nft table p (default ${defaultProxyNames.prefix})
  --link NAME                        the link LoadBalancer addresses go on (default ${defaultProxyNames.link})
  --min-sync-period SECONDS          shortest time between two syncs (default 1)
  --cleanup                          remove the rules, table and link of this prefix, then exit`;

export async function main(args: string[]): Promise<void> {
  const { values } = parse(args, {
    kubeconfig: { type: 'string' },
    'proxy-mode': { type: 'string' },
    'hostname-override': { type: 'string' },
    'node-ip': { type: 'string' },
    'cluster-cidr': { type: 'string' },
    'service-cluster-ip-range': { type: 'string' },
    'chain-prefix': { type: 'string' },
    link: { type: 'string' },
    'service-lb-pool': { type: 'string' },
    'min-sync-period': { type: 'string' },
    cleanup: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return void console.log(usage);
  const mode = values['proxy-mode'];
  if (mode !== undefined && !PROXY_MODES.includes(mode as ProxyMode)) throw new UsageError(`--proxy-mode: want one of ${PROXY_MODES.join(', ')}, got ${mode}`);
  const prefix = values['chain-prefix'] ?? defaultProxyNames.prefix;
  if (!/^[A-Z][A-Z0-9]{0,5}$/.test(prefix)) throw new UsageError(`--chain-prefix: 1-6 upper-case letters or digits, got ${prefix}`);
  const link = values.link ?? defaultProxyNames.link;
  if (link.length > 15) throw new UsageError(`--link: at most 15 characters, got ${link}`);
  const minSync = values['min-sync-period'] !== undefined ? Number(values['min-sync-period'].replace(/s$/, '')) : undefined;
  if (minSync !== undefined && !(minSync >= 0)) throw new UsageError(`--min-sync-period: not a number of seconds: ${values['min-sync-period']}`);
  if (process.getuid?.() !== 0) throw new UsageError('the proxy programs the kernel and must run as root');
  const common = {
    nodeIPs: [values['node-ip'] ?? primaryIPv4()],
    clusterCIDR: values['cluster-cidr'] ?? defaults.clusterCIDR,
    serviceCIDR: values['service-cluster-ip-range'] ?? defaults.serviceCIDR,
    names: { prefix, link },
    lbCIDRs: poolCIDRs(values['service-lb-pool'] ?? defaultControllerSettings.loadBalancerPool),
  };
  const logger = createLogger('proxy');
  if (values.cleanup) return cleanupProxy(common, logger);
  if (!values.kubeconfig) throw new UsageError('--kubeconfig is required');
  if (!existsSync(values.kubeconfig)) throw new UsageError(`--kubeconfig: no such file: ${values.kubeconfig}`);
  await runProxyProcess(
    {
      ...common,
      config: loadKubeconfig(values.kubeconfig),
      ...(mode ? { mode: mode as ProxyMode } : {}),
      nodeName: (values['hostname-override'] ?? hostname()).toLowerCase(),
      ...(minSync !== undefined ? { minSyncPeriodMs: minSync * 1000 } : {}),
      logger,
    },
    shutdownSignal(),
  );
}
