/** What a kubelet is told at start: who it is, where it keeps state, what it connects to. */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ClientConfig } from '../client/config.js';
import type { Logger } from '../util/log.js';

export interface KubeletOptions {
  /** Node name (default: the host name, lower-cased). */
  nodeName: string;
  /** Persistent state: containerd's root, pod volumes, logs, certificates. */
  dataDir: string;
  /** Volatile state (sockets, runc state): under /run, so a reboot clears it. */
  runDir: string;
  /** Where static pod manifests are read from (absent: no static pods). */
  podManifestPath?: string;
  /** The API server; absent means standalone (static pods only, nothing reported). */
  client?: ClientConfig;
  /** The address other parts of the cluster reach this node at (InternalIP). */
  nodeIP: string;
  /** Kubelet API address and port (10250). Port 0 picks a free one. */
  address: string;
  port: number;
  /** The pod CIDR used until the Node's spec.podCIDR says otherwise. */
  podCIDR: string;
  /** Cluster-wide CIDRs pods route to through the bridge (pods on other nodes, services). */
  clusterCIDR: string;
  serviceCIDR: string;
  /** cluster DNS server IPs and domain written into ClusterFirst pods' resolv.conf. */
  clusterDNS: string[];
  clusterDomain: string;
  /** Names of the bridge and CNI network (distinct per node on one machine). */
  bridge: string;
  /** The local image registry (`http://127.0.0.1:5000`) containerd mirrors docker.io to. */
  registryUrl?: string;
  /** Registry storage and listen address when the kubelet has to start one. */
  registryAddress: string;
  registryStorageDir?: string;
  /** Skip building/pushing the built-in images (tests that bring their own). */
  skipImages?: boolean;
  /** How often the node's Lease is renewed (10 s) and status is posted when unchanged (60 s). */
  leaseDurationSeconds: number;
  log: Logger;
}

export const defaults = {
  port: 10250,
  podCIDR: '10.42.0.0/24',
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  clusterDomain: 'cluster.local',
  registryAddress: '127.0.0.1:5000',
  leaseDurationSeconds: 40,
  bridge: 'k8ts0',
} as const;

/**
 * Per-data-dir names, so several kubelets on one machine never share state: the volatile run
 * directory (short, for socket path limits) and the bridge (at most 15 characters).
 */
export function nodeNames(dataDir: string): { runDir: string; bridge: string } {
  const h = createHash('sha256').update(resolve(dataDir)).digest('hex');
  return { runDir: `/run/k8ts/${h.slice(0, 12)}`, bridge: `k8ts${h.slice(0, 6)}` };
}

/** Where a node keeps each part of its state under its data dir; the kubelet and `killall` agree on it. */
export function nodeLayout(dataDir: string, bridge: string) {
  return {
    containerdDir: join(dataDir, 'containerd'),
    cniConfDir: join(dataDir, 'cni', 'net.d'),
    ipamDir: join(dataDir, 'cni', 'ipam'),
    podsDir: join(dataDir, 'pods'),
    logRoot: join(dataDir, 'pod-logs'),
    certDir: join(dataDir, 'pki'),
    /** Each pod's cgroup is `<cgroupRoot>/pod<uid>`. */
    cgroupRoot: `/k8ts/${bridge}`,
  };
}
