/**
 * A private containerd per node, the way k3s runs one: its own config, directories, socket, runc
 * root and streaming port. A containerd left running by a kubelet that died is reused; stopping it
 * leaves shims and containers running so the next start finds them through CRI.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { CriClient } from '../cri/client.js';
import { containerdPaths, registryHostsFiles, renderContainerdConfig, streamPortOf, type ContainerdPaths } from './containerd-config.js';
import { findContainerd, launchContainerd, stopContainerdProcess } from './containerd-process.js';
import { freeLoopbackPort, runOk, waitGone } from './proc.js';

export { cleanupNode, type CleanupOptions } from './cleanup.js';

/** How to run a node's containerd. */
export interface ContainerdOptions {
  /** Persistent directory, e.g. `<data-dir>/containerd`: root (images, snapshots), config.toml, containerd.log. */
  stateDir: string;
  /** Volatile directory, e.g. `/run/k8ts/<id>`: socket, pid file, task state, runc root, pod netns. */
  runDir: string;
  /** Where the CNI network config is (see writeCniConfig). */
  cniConfDir: string;
  /** CNI plugin binaries (default /usr/lib/cni, Debian's containernetworking-plugins). */
  cniBinDir?: string;
  /**
   * A registry such as `http://127.0.0.1:5000` that serves docker.io, registry.k8s.io and its own
   * host name over plain HTTP (so `nginx` and `registry.k8s.io/pause:3.9` pull from it), and is the
   * only place those names are pulled from (hosts.toml under `<stateDir>/certs.d`, rewritten at every
   * start, also when a running containerd is adopted: containerd reads them at each pull).
   */
  registryMirror?: string;
  /** The pod sandbox (pause) image; pulled only if absent. An adopted containerd keeps the one it was started with. */
  sandboxImage: string;
  log: Logger;
  /** How long to wait for CRI to answer after launch (default 30 s). */
  readyTimeoutMs?: number;
}

/** A running containerd, launched or reused. */
export interface ContainerdHandle {
  /** gRPC socket path. */
  socket: string;
  /** A connected CRI client (closed by stop()). */
  cri: CriClient;
  /** `http://127.0.0.1:<port>` of the CRI streaming server (exec/attach/port-forward URLs start with it). */
  streamUrlBase?: string;
  /** containerd's pid. */
  pid: number;
  /** True when an already running containerd of this instance was adopted instead of launched. */
  reused: boolean;
  /** From launch (or from finding the running one) until CRI answered. */
  startupMs: number;
  /** Stops containerd only (shims and containers keep running) and closes `cri`. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts (or adopts) this node's containerd and resolves once CRI answers. Aborting `signal` during
 * start cancels it; aborting it later stops containerd as stop() does.
 */
export async function startContainerd(o: ContainerdOptions, signal?: AbortSignal): Promise<ContainerdHandle> {
  const paths = containerdPaths(o.stateDir, o.runDir);
  const started = performance.now();
  let pid = findContainerd(paths);
  let cri: CriClient | undefined;
  let reused = false;
  if (pid !== undefined) {
    // A previous kubelet was killed and left its containerd: adopt it if it answers.
    try {
      cri = await CriClient.connect(paths.socket, { timeoutMs: 5_000, signal });
      reused = true;
      writeRegistryHosts(paths, o.registryMirror);
      o.log.info('reusing running containerd', { pid, socket: paths.socket });
    } catch (e) {
      signal?.throwIfAborted();
      o.log.warn('running containerd does not answer; restarting it', { pid, error: (e as Error).message });
      await stopContainerdProcess(paths, pid);
    }
  }
  let startupMs: number;
  if (cri === undefined || pid === undefined) {
    const streamPort = await freeLoopbackPort();
    mkdirSync(o.stateDir, { recursive: true });
    writeFileSync(
      paths.config,
      renderContainerdConfig({ paths, sandboxImage: o.sandboxImage, cniConfDir: o.cniConfDir, cniBinDir: o.cniBinDir ?? '/usr/lib/cni', streamPort }),
    );
    writeRegistryHosts(paths, o.registryMirror);
    const launched = await launchContainerd(paths, o.log, { timeoutMs: o.readyTimeoutMs, signal });
    ({ pid, cri, startupMs } = launched);
  } else {
    startupMs = Math.round(performance.now() - started);
  }
  const port = streamPortOf(readFileSync(paths.config, 'utf8'));
  const ownPid = pid;
  const client = cri;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      signal?.removeEventListener('abort', onAbort);
      client.close();
      await stopContainerdProcess(paths, ownPid);
      if (!(await waitGone(ownPid, 1_000))) o.log.warn('containerd still running after stop', { pid: ownPid });
      else o.log.info('containerd stopped', { pid: ownPid });
    })();
    return stopping;
  };
  const onAbort = () => void stop().catch((e: unknown) => o.log.error('stopping containerd failed', { error: (e as Error).message }));
  signal?.addEventListener('abort', onAbort, { once: true });
  return { socket: paths.socket, cri: client, streamUrlBase: port === undefined ? undefined : `http://127.0.0.1:${port}`, pid: ownPid, reused, startupMs, stop };
}

/** Rewrites the registry hosts directory: one hosts.toml per mirrored registry, nothing without a mirror. */
function writeRegistryHosts(paths: ContainerdPaths, mirror: string | undefined): void {
  rmSync(paths.registryHostsDir, { recursive: true, force: true });
  mkdirSync(paths.registryHostsDir, { recursive: true });
  if (mirror === undefined) return;
  for (const [rel, text] of registryHostsFiles(mirror)) {
    const file = join(paths.registryHostsDir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/**
 * Imports an image archive (OCI layout or `docker save` tar) into the CRI namespace (k8s.io) of the
 * containerd at `socket`, through Debian's `ctr`. OCI archives are named by their
 * `io.containerd.image.name` annotation (or ref.name, completed with `baseName`).
 */
export async function importImageArchive(socket: string, archive: string, opts: { baseName?: string; timeoutMs?: number } = {}): Promise<void> {
  const args = ['-a', socket, '-n', 'k8s.io', 'images', 'import'];
  if (opts.baseName !== undefined) args.push('--base-name', opts.baseName);
  await runOk('ctr', [...args, archive], { timeoutMs: opts.timeoutMs ?? 5 * 60_000 });
}
