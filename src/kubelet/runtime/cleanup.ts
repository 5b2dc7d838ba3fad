/**
 * cleanupNode: the k3s-killall of one k8ts node. Removes pods through CRI while containerd can
 * still tear their networks down properly, then kills whatever is left by force: containerd, its
 * containers (runc), its shims, mounts under the node's directories, pod network namespaces, the
 * bridge, IPAM state, CNI cache and portmap rules. Everything is matched by this node's own paths,
 * socket, network name or bridge, never by program name, so other nodes on the machine are untouched.
 */
import { existsSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { CriClient } from '../cri/client.js';
import { cniNetworkNames } from './cni.js';
import { containerdPaths, type ContainerdPaths } from './containerd-config.js';
import { findContainerd, launchContainerd, stopContainerdProcess } from './containerd-process.js';
import { removePortmapRules } from './iptables.js';
import { findProcesses, flagValue, mountsUnder, run, signalPid, waitGone } from './proc.js';

/** What cleanupNode removes (the same directories and names given to startContainerd/writeCniConfig). */
export interface CleanupOptions {
  stateDir: string;
  runDir: string;
  /** Its CNI networks' names are read from here, to find their portmap rules and cache files. */
  cniConfDir?: string;
  /** The node's bridge, deleted. */
  bridge?: string;
  /** host-local's dataDir, removed. */
  ipamDataDir?: string;
  /** A cgroup path (e.g. /k8ts/node1) whose empty cgroups are removed in every hierarchy. */
  cgroupParent?: string;
  log?: Logger;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const CNI_CACHE_DIR = '/var/lib/cni/results';

/** Stops and removes every pod of this node, then removes everything it left on the machine. */
export async function cleanupNode(o: CleanupOptions): Promise<void> {
  const log = o.log ?? quiet;
  const paths = containerdPaths(o.stateDir, o.runDir);
  await removePodsThroughCri(paths, log);
  const pid = findContainerd(paths);
  if (pid !== undefined) await stopContainerdProcess(paths, pid, 5_000);

  const left = runcContainers(paths);
  const nsInodes = await killContainers(left, log);
  await killShims(paths, log);
  await removeHostNetns(nsInodes, log);
  // Strictly below the two directories: either may itself be a mount the operator made.
  const own = new Set([o.stateDir, o.runDir].map((d) => d.replace(/\/+$/, '')));
  for (const m of mountsUnder([o.stateDir, o.runDir]).filter((p) => !own.has(p))) {
    if ((await run('umount', [m])).code !== 0) {
      const lazy = await run('umount', ['-l', m]);
      if (lazy.code !== 0) log.warn('umount failed', { path: m, error: lazy.stderr.trim() });
    }
  }
  if (o.bridge !== undefined && existsSync(`/sys/class/net/${o.bridge}`)) {
    const r = await run('ip', ['link', 'del', o.bridge]);
    if (r.code !== 0) log.warn('deleting bridge failed', { bridge: o.bridge, error: r.stderr.trim() });
  }
  if (o.ipamDataDir !== undefined) rmSync(o.ipamDataDir, { recursive: true, force: true });
  const networks = o.cniConfDir === undefined ? [] : cniNetworkNames(o.cniConfDir);
  // Sandboxes removed by force had no CNI DEL: drop libcni's cached results for them too
  // (containerd names its loopback network "cni-loopback").
  removeCniCache([...networks, 'cni-loopback'], new Set(left.map((c) => c.id)));
  for (const net of networks) await removePortmapRules(net, log);
  if (o.cgroupParent !== undefined) removeCgroups(o.cgroupParent, log);
  // runDir is volatile by definition; stateDir (images, config, log) is kept.
  rmSync(o.runDir, { recursive: true, force: true });
  log.info('node cleaned up', { stateDir: o.stateDir, runDir: o.runDir });
}

/**
 * Stops and removes every sandbox through CRI, so CNI DEL runs (IP released, veth and portmap rules
 * removed). Starts containerd from its last config when it is down but containers still run.
 */
async function removePodsThroughCri(paths: ContainerdPaths, log: Logger): Promise<void> {
  let cri: CriClient | undefined;
  let launched: number | undefined;
  try {
    if (findContainerd(paths) !== undefined) {
      cri = await CriClient.connect(paths.socket, { timeoutMs: 5_000 });
    } else if (existsSync(paths.config) && runcContainers(paths).length > 0) {
      const l = await launchContainerd(paths, log, { timeoutMs: 15_000 });
      ({ cri, pid: launched } = l);
    }
  } catch (e) {
    log.warn('containerd unavailable; removing pods by force', { error: (e as Error).message });
  }
  if (cri === undefined) return;
  try {
    const { items } = await cri.listPodSandbox({}, { timeoutMs: 10_000 });
    for (const sb of items) {
      try {
        await cri.stopPodSandbox({ pod_sandbox_id: sb.id }, { timeoutMs: 30_000 });
        await cri.removePodSandbox({ pod_sandbox_id: sb.id }, { timeoutMs: 30_000 });
      } catch (e) {
        log.warn('removing sandbox failed', { id: sb.id, error: (e as Error).message });
      }
    }
    // Containers whose sandbox is already gone.
    const { containers } = await cri.listContainers({}, { timeoutMs: 10_000 });
    for (const c of containers) {
      await cri.removeContainer({ container_id: c.id }, { timeoutMs: 30_000 }).catch((e: unknown) => log.warn('removing container failed', { id: c.id, error: (e as Error).message }));
    }
  } catch (e) {
    log.warn('listing pods failed', { error: (e as Error).message });
  } finally {
    cri.close();
    if (launched !== undefined) await stopContainerdProcess(paths, launched, 5_000);
  }
}

interface RuncContainer {
  /** runc --root for its namespace */
  root: string;
  id: string;
  pid: number;
}

/** Every container runc still knows under this node's runc root. */
function runcContainers(paths: ContainerdPaths): RuncContainer[] {
  const out: RuncContainer[] = [];
  for (const ns of safeReaddir(paths.runcRoot)) {
    const root = join(paths.runcRoot, ns);
    for (const id of safeReaddir(root)) {
      try {
        const state = JSON.parse(readFileSync(join(root, id, 'state.json'), 'utf8')) as { init_process_pid?: number };
        out.push({ root, id, pid: state.init_process_pid ?? 0 });
      } catch {
        out.push({ root, id, pid: 0 });
      }
    }
  }
  return out;
}

/**
 * Kills and deletes every container left in this node's runc root (a shim's death would leave them
 * running). Returns the network namespace inodes they used, to find their /var/run/netns entries.
 */
async function killContainers(containers: RuncContainer[], log: Logger): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const c of containers) {
    try {
      const st = statSync(`/proc/${c.pid}/ns/net`);
      if (c.pid > 0) inodes.add(`${st.dev}:${st.ino}`);
    } catch {
      // process already gone
    }
    const r = await run('runc', ['--root', c.root, 'delete', '--force', c.id], { timeoutMs: 15_000 });
    if (r.code !== 0) log.warn('runc delete failed', { id: c.id, error: r.stderr.trim() });
  }
  return inodes;
}

/** Kills this node's shims (matched by their -address) and removes their sockets. */
async function killShims(paths: ContainerdPaths, log: Logger): Promise<void> {
  const shims = findProcesses((argv) => /containerd-shim/.test(argv[0] ?? '') && flagValue(argv, '-address', '--address') === paths.socket);
  for (const pid of shims) signalPid(pid, 'SIGKILL');
  // Shim sockets live in /run/containerd/s/<hash> whatever containerd's state dir; each bundle records its own.
  const tasks = join(paths.state, 'io.containerd.runtime.v2.task');
  for (const ns of safeReaddir(tasks)) {
    for (const id of safeReaddir(join(tasks, ns))) {
      try {
        const address = readFileSync(join(tasks, ns, id, 'address'), 'utf8').trim();
        if (address.startsWith('unix://')) rmSync(address.slice('unix://'.length), { force: true });
      } catch {
        // no address file: the shim never started
      }
    }
  }
  if (shims.length > 0) log.info('killed shims', { count: shims.length });
  await Promise.all(shims.map((p) => waitGone(p, 2_000)));
}

/** Unmounts and removes /var/run/netns entries that are the namespaces of this node's containers. */
async function removeHostNetns(inodes: Set<string>, log: Logger): Promise<void> {
  if (inodes.size === 0) return;
  for (const name of safeReaddir('/var/run/netns')) {
    const path = join('/var/run/netns', name);
    try {
      const st = statSync(path);
      if (!inodes.has(`${st.dev}:${st.ino}`)) continue;
    } catch {
      continue;
    }
    await run('umount', [path]);
    rmSync(path, { force: true });
    log.info('removed netns', { path });
  }
}

/**
 * Removes libcni's cached results (`<network>-<containerID>-<ifname>`) of our networks, and of
 * shared networks (loopback) only for our sandboxes.
 */
function removeCniCache(networks: string[], sandboxes: Set<string>): void {
  for (const f of safeReaddir(CNI_CACHE_DIR)) {
    const net = networks.find((n) => f.startsWith(`${n}-`));
    if (net === undefined) continue;
    const id = f.slice(net.length + 1).split('-')[0] ?? '';
    if (net === 'cni-loopback' && !sandboxes.has(id)) continue;
    rmSync(join(CNI_CACHE_DIR, f), { force: true });
  }
}

/** Removes empty cgroups at and under `parent` in every cgroup hierarchy, deepest first. */
function removeCgroups(parent: string, log: Logger): void {
  const rel = parent.replace(/^\/+/, '');
  if (rel === '') return;
  const remove = (dir: string): void => {
    for (const e of safeReaddir(dir)) {
      const p = join(dir, e);
      try {
        if (statSync(p).isDirectory()) remove(p);
      } catch {
        // vanished
      }
    }
    try {
      rmdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('cgroup not removed', { path: dir, error: (e as Error).message });
    }
  };
  for (const h of safeReaddir('/sys/fs/cgroup')) remove(join('/sys/fs/cgroup', h, rel));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
