/**
 * Picks and builds a backend by mode, and names what one proxy owns on a machine. Backends load
 * lazily: the userspace mode never pays for the rule builders, nor iptables for sockets.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { run } from '../util/exec.js';
import type { Logger } from '../util/log.js';
import type { Exec, NodeNetwork, ProxyBackend, ProxyMode } from './model.js';

/** Builds the backend of `mode` for `net`. */
export async function createBackend(mode: ProxyMode, o: { net: NodeNetwork; logger: Logger }): Promise<ProxyBackend> {
  switch (mode) {
    case 'iptables':
      return new (await import('./iptables.js')).IptablesBackend(o);
    case 'nftables':
      return new (await import('./nftables.js')).NftablesBackend(o);
    case 'userspace':
      return new (await import('./userspace.js')).UserspaceBackend(o);
  }
}

/**
 * Runs programs in this process's own network namespace. The bound is generous: iptables-restore
 * (iptables-nft) takes over a minute for 10,000 Services, and a killed restore is a failed sync.
 */
export const hostExec: Exec = (file, args, input) => run(file, args, { timeoutMs: 10 * 60_000, ...(input === undefined ? {} : { input }) });

/**
 * The prefix and link of the proxy that belongs to a node's data dir, distinct per node on one
 * machine (like the kubelet's bridge name), so `k8ts killall` finds exactly that proxy's state.
 */
export function proxyNames(dataDir: string): { prefix: string; link: string } {
  const h = createHash('sha256').update(`proxy:${resolve(dataDir)}`).digest('hex');
  return { prefix: `K${h.slice(0, 5).toUpperCase()}`, link: `k8tsp${h.slice(0, 6)}` };
}

/** The names a standalone `k8ts proxy` uses unless told otherwise. */
export const defaultProxyNames = { prefix: 'K8TS', link: 'k8tsproxy0' } as const;

/** True when the iptables tools are present (else the proxy falls back to userspace). */
export async function haveIptables(exec: Exec = hostExec): Promise<boolean> {
  const r = await exec('iptables-restore', ['--version']);
  return r.code === 0;
}
