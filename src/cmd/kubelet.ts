/** `k8ts kubelet` and `k8ts killall`: flags only; behaviour lives in src/kubelet. */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../client/config.js';
import { cleanupKubeletNode } from '../kubelet/cleanup.js';
import { defaults, nodeNames, type KubeletOptions } from '../kubelet/config.js';
import { runKubelet } from '../kubelet/kubelet.js';
import { proxyNames } from '../proxy/backends.js';
import { cleanupProxy } from '../server/node-network.js';
import { createLogger, type Logger } from '../util/log.js';
import { primaryIPv4 } from '../util/net.js';
import { defaultDataDir, parse, shutdownSignal, UsageError } from './flags.js';

export const kubeletFlags = {
  'pod-manifest-path': { type: 'string' },
  kubeconfig: { type: 'string' },
  'hostname-override': { type: 'string' },
  'node-ip': { type: 'string' },
  address: { type: 'string' },
  port: { type: 'string' },
  'pod-cidr': { type: 'string' },
  'cluster-cidr': { type: 'string' },
  'service-cidr': { type: 'string' },
  'cluster-dns': { type: 'string' },
  'cluster-domain': { type: 'string' },
  registry: { type: 'string' },
  'registry-address': { type: 'string' },
} as const;

export const kubeletFlagHelp = `  --pod-manifest-path DIR            run the static pods in DIR
  --kubeconfig FILE                  join the cluster this kubeconfig reaches (else: standalone)
  --hostname-override NAME           node name (default: the host name)
  --node-ip IP                       the node's InternalIP (default: first non-loopback IPv4)
  --address IP / --port N            kubelet API (default 0.0.0.0:10250)
  --pod-cidr CIDR                    pod addresses until the Node's spec.podCIDR is set (default ${defaults.podCIDR})
  --cluster-cidr CIDR                all pods' addresses (default ${defaults.clusterCIDR})
  --service-cidr CIDR                Service addresses pods route to (default ${defaults.serviceCIDR})
  --cluster-dns IP[,IP]              DNS server for ClusterFirst pods (default: none, the host's)
  --cluster-domain NAME              (default ${defaults.clusterDomain})
  --registry URL                     use this image registry instead of starting one
  --registry-address HOST:PORT       where to start the local registry (default ${defaults.registryAddress})`;

type KubeletFlagValues = { [K in keyof typeof kubeletFlags]?: string };

/** Builds kubelet options from flags (shared with `k8ts server`, which embeds a kubelet). */
export function kubeletOptions(v: KubeletFlagValues & { 'data-dir'?: string }, log: Logger, client?: KubeletOptions['client']): KubeletOptions {
  const dataDir = v['data-dir'] ?? join(defaultDataDir(), 'agent');
  const names = nodeNames(dataDir);
  const port = v.port !== undefined ? Number(v.port) : defaults.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: invalid port "${v.port}"`);
  return {
    nodeName: (v['hostname-override'] ?? hostname()).toLowerCase(),
    dataDir,
    runDir: names.runDir,
    ...(v['pod-manifest-path'] ? { podManifestPath: v['pod-manifest-path'] } : {}),
    ...(client ? { client } : v.kubeconfig ? { client: loadKubeconfig(v.kubeconfig) } : {}),
    nodeIP: v['node-ip'] ?? primaryIPv4(),
    address: v.address ?? '0.0.0.0',
    port,
    podCIDR: v['pod-cidr'] ?? defaults.podCIDR,
    clusterCIDR: v['cluster-cidr'] ?? defaults.clusterCIDR,
    serviceCIDR: v['service-cidr'] ?? defaults.serviceCIDR,
    clusterDNS: v['cluster-dns']?.split(',').filter(Boolean) ?? [],
    clusterDomain: v['cluster-domain'] ?? defaults.clusterDomain,
    bridge: names.bridge,
    ...(v.registry ? { registryUrl: v.registry } : {}),
    registryAddress: v['registry-address'] ?? defaults.registryAddress,
    leaseDurationSeconds: defaults.leaseDurationSeconds,
    log,
  };
}

const usage = `Usage: k8ts kubelet [flags]

Runs a node agent: its own containerd, CNI pod networking, the pods bound to this node (and the
static pods of --pod-manifest-path), the kubelet API on :10250. Without --kubeconfig it runs
standalone, static pods only.

  --data-dir DIR                     node state (default ${join(defaultDataDir(), 'agent')})
${kubeletFlagHelp}`;

export async function main(args: string[]): Promise<void> {
  const { values } = parse(args, { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...kubeletFlags });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (process.getuid?.() !== 0) throw new UsageError('the kubelet runs containers and must run as root');
  const log = createLogger('kubelet');
  await runKubelet(kubeletOptions(values, log), shutdownSignal());
}

const killallUsage = `Usage: k8ts killall [--data-dir DIR]

Stops every pod of the node kept in DIR and removes what it left on this machine: containers,
containerd and its shims, network namespaces, the pod bridge, mounts, and the rules and address
link of the proxy \`k8ts server\` ran for that node. Like k3s-killall.sh.`;

export async function killallMain(args: string[]): Promise<void> {
  const { values } = parse(args, { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(killallUsage);
    return;
  }
  const dataDir = values['data-dir'] ?? join(defaultDataDir(), 'agent');
  const log = createLogger('killall');
  try {
    await cleanupKubeletNode({ dataDir, log });
  } finally {
    // The proxy `k8ts server` ran beside this node: its chains, nft table and address link.
    await cleanupProxy({ nodeIPs: [], clusterCIDR: defaults.clusterCIDR, serviceCIDR: defaults.serviceCIDR, names: proxyNames(dataDir) }, log);
  }
}
