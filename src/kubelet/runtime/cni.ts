/**
 * The node's CNI network: a conflist for containerd's CRI plugin with Debian's bridge (gateway on the
 * node, no masquerade, hairpin on), host-local IPAM over the node's podCIDR, and portmap for hostPort.
 * Pods get routes only to the destinations given (cluster, services, node): no default route, so
 * nothing a pod sends can leave the machine through its own interfaces.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The conflist's cniVersion: the newest both Debian's plugins (bridge reports 0.1.0…1.0.0) and containerd 1.6's libcni speak. */
export const CNI_VERSION = '1.0.0';

/** Inputs of {@link writeCniConfig}. */
export interface CniConfigOptions {
  /** containerd's CNI conf_dir; it reads the first file in name order, so use one dir per node. */
  confDir: string;
  /** CNI network name; distinct per node (portmap rules and the IPAM cache are keyed by it). */
  networkName: string;
  /** Linux bridge name (at most 15 characters). */
  bridge: string;
  /** e.g. 10.244.1.0/24; the bridge takes the first address as the pods' gateway. */
  podCIDR: string;
  /** Destinations reachable through the bridge gateway, e.g. the cluster CIDR, the service CIDR, `<nodeIP>/32`. */
  routes: string[];
  /** host-local's allocation directory; distinct per node. */
  ipamDataDir: string;
  mtu?: number;
}

/** File name of the conflist for a network. */
export function cniConfigFile(confDir: string, networkName: string): string {
  return join(confDir, `10-${networkName}.conflist`);
}

/** Writes the conflist (creating confDir) and returns its path. */
export function writeCniConfig(o: CniConfigOptions): string {
  if (o.bridge.length > 15) throw new Error(`bridge name ${JSON.stringify(o.bridge)} is longer than 15 characters`);
  const bridge: Record<string, unknown> = {
    type: 'bridge',
    bridge: o.bridge,
    isGateway: true,
    // Never NAT pod traffic out: pods reach only the routes below, all on this machine.
    ipMasq: false,
    // A pod reaching itself through a Service's address comes back on its own bridge port.
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: o.podCIDR }]],
      routes: o.routes.map((dst) => ({ dst })),
      dataDir: o.ipamDataDir,
    },
  };
  if (o.mtu !== undefined) bridge['mtu'] = o.mtu;
  const conf = {
    cniVersion: CNI_VERSION,
    name: o.networkName,
    plugins: [bridge, { type: 'portmap', capabilities: { portMappings: true } }],
  };
  mkdirSync(o.confDir, { recursive: true });
  const file = cniConfigFile(o.confDir, o.networkName);
  writeFileSync(file, JSON.stringify(conf, null, 2) + '\n');
  return file;
}

/** Network names of the CNI config files in `confDir` (used by cleanup to find its portmap rules). */
export function cniNetworkNames(confDir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(confDir).filter((f) => /\.(conflist|conf|json)$/.test(f));
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const f of files) {
    try {
      const name = (JSON.parse(readFileSync(join(confDir, f), 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string') names.push(name);
    } catch {
      // not a CNI file we can read: not ours to clean
    }
  }
  return names;
}

/** Kernel settings pod networking and Service NAT need, as [path under /proc/sys, value]. */
export const POD_NETWORK_SYSCTLS: ReadonlyArray<readonly [string, string]> = [
  // Route between pods, the node and other nodes' bridges (the bridge plugin turns it on too when isGateway).
  ['net/ipv4/ip_forward', '1'],
  // Bridged pod-to-pod packets must traverse iptables, or a pod reaching a ClusterIP whose endpoint
  // is on the same bridge never has its reply un-NATed.
  ['net/bridge/bridge-nf-call-iptables', '1'],
];

/**
 * Applies {@link POD_NETWORK_SYSCTLS}; returns the settings it changed ("key=value"), empty when all
 * were already set. Throws if br_netfilter is absent (no /proc/sys/net/bridge).
 */
export function ensurePodNetworkSysctls(): string[] {
  const changed: string[] = [];
  for (const [key, want] of POD_NETWORK_SYSCTLS) {
    const path = `/proc/sys/${key}`;
    let have: string;
    try {
      have = readFileSync(path, 'utf8').trim();
    } catch {
      throw new Error(`${path} is missing (is br_netfilter loaded?)`);
    }
    if (have === want) continue;
    writeFileSync(path, want);
    changed.push(`${key.replace(/\//g, '.')}=${want}`);
  }
  return changed;
}
