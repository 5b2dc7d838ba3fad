// Pod volumes on the node, laid out like the kubelet's: <podsDir>/<uid>/volumes/kubernetes.io~<plugin>/<name>,
// plus the pod's managed /etc/hosts and termination-message files. Secret, downwardAPI, projected
// and Memory emptyDir volumes live on their own tmpfs; tearDown unmounts them before removing the pod.
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Container, Pod, Volume } from '../../api/generated/core/v1.js';
import { Quantity } from '../../api/quantity.js';
import type { Logger } from '../../util/log.js';
import type { Mount } from '../cri/types.js';
import type { Allocatable } from './fieldpath.js';
import { podHostnameAndDomain } from './hostname.js';
import { hostNetworkHostsContent, managedHostsContent } from './hosts.js';
import { type Payload, writeAtomic } from './volumes/atomic-writer.js';
import { containerMounts } from './volumes/container-mounts.js';
import { checkHostPathType } from './volumes/hostpath.js';
import { mountPointsUnder, mountTmpfs, unmount } from './volumes/mounts.js';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, type PayloadSources, projectedPayload, secretPayload } from './volumes/payload.js';

export type { PayloadSources } from './volumes/payload.js';

/** Plugin directory names, as the kubelet names them. */
const PLUGIN_DIR: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

/** One or more volumes of a pod could not be set up; `message` is the first failure's event text. */
export class VolumeError extends Error {
  override name = 'VolumeError';
  constructor(readonly failures: { volume: string; message: string }[]) {
    super(failures[0]?.message ?? 'volume setup failed');
  }
}

/** Options for {@link VolumeManager}. */
export interface VolumeManagerOptions {
  /** `<data-dir>/pods`. */
  podsDir: string;
  sources: PayloadSources;
  log: Logger;
  /** The node's hosts file, copied for host-network pods (default /etc/hosts). */
  nodeHostsFile?: string;
  /** Node allocatable for downwardAPI resourceFieldRef (default: this machine). */
  nodeAllocatable?: Allocatable;
}

/** Options for {@link VolumeManager.setUp}. */
export interface SetUpOptions {
  podIP?: string;
  /** All pod IPs (default [podIP]). */
  podIPs?: string[];
  /** Overrides the hosts-file hostname (default spec.hostname or the pod name). */
  hostname?: string;
  clusterDomain?: string;
}

const SAFE_UID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function volumeKind(v: Volume): string | undefined {
  for (const k of ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected'] as const) if (v[k] !== undefined) return k;
  return Object.keys(v).find((k) => k !== 'name');
}

/** Sets up, lists and tears down pod volumes; see the module header for the layout. */
export class VolumeManager {
  readonly #o: VolumeManagerOptions;
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(o: VolumeManagerOptions) {
    this.#o = o;
  }

  /** `<podsDir>/<uid>`. Throws for a uid that is not a single safe path element. */
  podDir(uid: string): string {
    if (!SAFE_UID.test(uid) || uid.includes('..')) throw new Error(`invalid pod uid for a directory name: "${uid}"`);
    return join(resolve(this.#o.podsDir), uid);
  }

  /** The host path of `v` for `pod` (hostPath: its path; other supported kinds: their directory). */
  volumePath(pod: Pod, v: Volume): string | undefined {
    if (v.hostPath) return v.hostPath.path;
    const kind = volumeKind(v);
    const plugin = kind ? PLUGIN_DIR[kind] : undefined;
    return plugin ? join(this.podDir(pod.metadata?.uid ?? ''), 'volumes', plugin, v.name) : undefined;
  }

  /** Runs `fn` after any earlier operation on the same pod has finished. */
  async #serial<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#locks.set(uid, tail);
    try {
      return await next;
    } finally {
      if (this.#locks.get(uid) === tail) this.#locks.delete(uid);
    }
  }

  /**
   * Makes every volume of `pod` ready and refreshes configMap/secret/downwardAPI/projected content
   * that changed; writes the hosts file once the pod IP is known (or for host-network pods). Safe to
   * call on every sync. Throws {@link VolumeError} listing each failed volume with the kubelet's
   * `MountVolume.SetUp failed for volume "x" : ...` message; the other volumes are still set up.
   */
  async setUp(pod: Pod, o: SetUpOptions = {}): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const podDir = this.podDir(uid);
    await this.#serial(uid, async () => {
      await fs.mkdir(join(podDir, 'volumes'), { recursive: true, mode: 0o750 });
      await fs.mkdir(join(podDir, 'plugins'), { recursive: true, mode: 0o750 });
      const failures: { volume: string; message: string }[] = [];
      for (const v of pod.spec?.volumes ?? []) {
        try {
          await this.#setUpVolume(pod, v);
        } catch (err) {
          const message = `MountVolume.SetUp failed for volume "${v.name}" : ${(err as Error).message}`;
          this.#o.log.warn('volume setup failed', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, volume: v.name, error: (err as Error).message });
          failures.push({ volume: v.name, message });
        }
      }
      await this.#writeHostsFile(pod, podDir, o);
      if (failures.length > 0) throw new VolumeError(failures);
    });
  }

  async #writeHostsFile(pod: Pod, podDir: string, o: SetUpOptions): Promise<void> {
    const ips = o.podIPs ?? (o.podIP ? [o.podIP] : []);
    let content: string;
    if (pod.spec?.hostNetwork) {
      content = hostNetworkHostsContent(readFileSync(this.#o.nodeHostsFile ?? '/etc/hosts', 'utf8'), pod.spec.hostAliases);
    } else if (ips.length > 0) {
      const { hostname, domain } = podHostnameAndDomain(pod, o.clusterDomain);
      content = managedHostsContent(ips, o.hostname ?? hostname, domain, pod.spec?.hostAliases);
    } else {
      return;
    }
    const file = join(podDir, 'etc-hosts');
    await fs.writeFile(file, content);
    await fs.chmod(file, 0o644);
  }

  async #setUpVolume(pod: Pod, v: Volume): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const fsGroup = pod.spec?.securityContext?.fsGroup;
    const src = this.#o.sources;
    if (v.hostPath) {
      await checkHostPathType(v.hostPath.path, v.hostPath.type);
      return;
    }
    const dir = this.volumePath(pod, v);
    if (dir === undefined) throw new Error(`volume type ${volumeKind(v) ?? '(none)'} is not supported by this kubelet`);
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });

    if (v.emptyDir) {
      const medium = v.emptyDir.medium ?? '';
      if (medium === 'Memory') {
        const size = v.emptyDir.sizeLimit !== undefined ? Number(Quantity.parse(v.emptyDir.sizeLimit).value()) : undefined;
        if (await mountTmpfs(dir, size)) this.#o.log.info('mounted tmpfs', { volume: v.name, path: dir });
      } else if (medium !== '') {
        throw new Error(`unsupported emptyDir medium "${medium}"`);
      }
      // emptyDir is world-writable like the kubelet's, and group-owned by fsGroup when set.
      if (fsGroup !== undefined) await fs.chown(dir, -1, fsGroup);
      await fs.chmod(dir, fsGroup !== undefined ? 0o2777 : 0o777);
      return;
    }

    // The kubelet backs these with a memory emptyDir so secrets never reach the disk.
    if (v.secret || v.downwardAPI || v.projected) {
      if (await mountTmpfs(dir)) this.#o.log.info('mounted tmpfs', { volume: v.name, path: dir });
    }
    let payload: Payload;
    if (v.configMap) {
      const name = v.configMap.name ?? '';
      const optional = v.configMap.optional === true;
      const cm = await src.configMap(ns, name);
      if (!cm && !optional) throw new Error(`configmap "${name}" not found`);
      payload = configMapPayload(cm ?? {}, v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, optional);
    } else if (v.secret) {
      const name = v.secret.secretName ?? '';
      const optional = v.secret.optional === true;
      const secret = await src.secret(ns, name);
      if (!secret && !optional) throw new Error(`secret "${name}" not found`);
      payload = secretPayload(secret ?? {}, v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, optional);
    } else if (v.downwardAPI) {
      payload = downwardAPIPayload(pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_MODE, this.#o.nodeAllocatable);
    } else if (v.projected) {
      payload = await projectedPayload(pod, v.projected, src, this.#o.nodeAllocatable);
    } else {
      return;
    }
    if (fsGroup !== undefined) for (const f of payload.values()) f.mode |= 0o440;
    if (await writeAtomic(dir, payload, fsGroup !== undefined ? { gid: fsGroup } : {})) {
      this.#o.log.info('volume content written', { pod: `${ns}/${pod.metadata?.name}`, volume: v.name });
    }
  }

  /**
   * The CRI mounts for container `c` (volumes must be set up): volumeMounts with subPath/subPathExpr
   * (`env` resolves subPathExpr), readOnly and propagation; the pod's /etc/hosts unless the
   * container mounts its own; a new termination-message file at terminationMessagePath.
   */
  mounts(pod: Pod, c: Container, env: { name: string; value: string }[] = []): Mount[] {
    const podDir = this.podDir(pod.metadata?.uid ?? '');
    return containerMounts(pod, c, { podDir, volumePath: (v) => this.volumePath(pod, v) }, env);
  }

  /**
   * Unmounts every mount under the pod's directory (deepest first) and removes the directory.
   * Refuses to delete anything while a mount remains, so a stuck mount never loses host data.
   */
  async tearDown(podUid: string): Promise<void> {
    const podDir = this.podDir(podUid);
    await this.#serial(podUid, async () => {
      for (const m of mountPointsUnder(podDir)) {
        await unmount(m);
        this.#o.log.info('unmounted', { path: m });
      }
      const left = mountPointsUnder(podDir);
      if (left.length > 0) throw new Error(`cannot remove ${podDir}: still mounted: ${left.join(', ')}`);
      await fs.rm(podDir, { recursive: true, force: true });
    });
  }

  /** The uids that still have a directory under podsDir (for orphan clean-up). */
  podUidsOnDisk(): string[] {
    if (!existsSync(this.#o.podsDir)) return [];
    return readdirSync(this.#o.podsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  }
}
