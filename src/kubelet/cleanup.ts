/**
 * `k8ts killall`'s work (k3s-killall.sh's): stops every pod of a node and removes what it left on
 * the machine — containerd and its shims, sandboxes' network namespaces, the bridge, IPAM state,
 * overlay and tmpfs mounts (volumes included) — for tests and for taking a node down for good.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Logger } from '../util/log.js';
import { nodeNames } from './config.js';
import { cleanupNode } from './runtime/containerd.js';

/** Unmounts everything mounted at or below `dir`, deepest first. */
export function unmountUnder(dir: string): void {
  const root = resolve(dir);
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
    .filter((m) => m === root || m.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
}

export async function cleanupKubeletNode(o: { dataDir: string; runDir?: string; bridge?: string; log?: Logger }): Promise<void> {
  const names = nodeNames(o.dataDir);
  const runDir = o.runDir ?? names.runDir;
  await cleanupNode({
    stateDir: join(o.dataDir, 'containerd'),
    runDir,
    cniConfDir: join(o.dataDir, 'cni', 'net.d'),
    bridge: o.bridge ?? names.bridge,
    ipamDataDir: join(o.dataDir, 'cni', 'ipam'),
    cgroupParent: `/k8ts/${o.bridge ?? names.bridge}`,
    ...(o.log ? { log: o.log } : {}),
  });
  unmountUnder(join(o.dataDir, 'pods'));
  unmountUnder(o.dataDir);
}
