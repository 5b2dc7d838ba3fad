/**
 * `k8ts killall`'s work (k3s-killall.sh's): stops every pod of a node and removes what it left on
 * the machine — containerd and its shims, sandboxes' network namespaces, the bridge, IPAM state,
 * overlay and tmpfs mounts (volumes included) — for tests and for taking a node down for good.
 */
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Logger } from '../util/log.js';
import { nodeLayout, nodeNames } from './config.js';
import { cleanupNode } from './runtime/containerd.js';
import { mountsUnder } from './runtime/proc.js';

export async function cleanupKubeletNode(o: { dataDir: string; runDir?: string; bridge?: string; log?: Logger }): Promise<void> {
  const names = nodeNames(o.dataDir);
  const bridge = o.bridge ?? names.bridge;
  const layout = nodeLayout(o.dataDir, bridge);
  await cleanupNode({
    stateDir: layout.containerdDir,
    runDir: o.runDir ?? names.runDir,
    cniConfDir: layout.cniConfDir,
    bridge,
    ipamDataDir: layout.ipamDir,
    cgroupParent: layout.cgroupRoot,
    ...(o.log ? { log: o.log } : {}),
  });
  // Volumes (tmpfs emptyDirs, secrets) live under the data dir, outside containerd's state.
  for (const m of mountsUnder([resolve(o.dataDir)])) spawnSync('umount', ['-l', m]);
}
