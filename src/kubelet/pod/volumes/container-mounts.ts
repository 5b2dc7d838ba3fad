// A container's CRI mounts (makeMounts): its volumeMounts with subPath handling, the pod's managed
// /etc/hosts and a fresh termination-message file.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, realpathSync, statSync } from 'node:fs';
import { join, posix, resolve, sep } from 'node:path';
import type { Container, Pod, Volume } from '../../../api/generated/core/v1.js';
import type { Mount, MountPropagation } from '../../cri/types.js';
import { ContainerConfigError } from '../errors.js';
import { expand } from '../expansion.js';

/** Volume kinds the kubelet always mounts read-only into containers. */
const READ_ONLY_KINDS = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;
export const ETC_HOSTS = '/etc/hosts';
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';

/** Where a pod's volumes and files live, as the VolumeManager lays them out. */
export interface PodPaths {
  podDir: string;
  /** Host path of a set-up volume (undefined for an unsupported kind). */
  volumePath(v: Volume): string | undefined;
}

/** translateMountPropagation: None/unset -> private, HostToContainer, Bidirectional. */
export function mountPropagation(mode: string | undefined): MountPropagation {
  switch (mode ?? 'None') {
    case 'None':
      return 'PROPAGATION_PRIVATE';
    case 'HostToContainer':
      return 'PROPAGATION_HOST_TO_CONTAINER';
    case 'Bidirectional':
      return 'PROPAGATION_BIDIRECTIONAL';
    default:
      throw new ContainerConfigError(`invalid MountPropagation mode: "${mode}"`);
  }
}

/** ExpandContainerVolumeMounts: subPathExpr with `$(VAR)` from the container env; all must resolve. */
function expandSubPathExpr(expr: string, env: { name: string; value: string }[]): string {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const out = expand(expr, (k) => {
    const v = vars.get(k);
    if (!v) missing.add(k);
    return v ?? '';
  });
  if (missing.size > 0) throw new ContainerConfigError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

const within = (root: string, p: string) => p === root || p.startsWith(root + sep);

/**
 * Resolves `subPath` inside `volumePath`, creating missing directories one level at a time and
 * refusing any step (symlinks included) that would leave the volume.
 */
export function safeSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): string {
  const refuse = () => new ContainerConfigError(`failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`);
  const root = realpathSync(volumePath);
  const mode = statSync(root).mode & 0o7777;
  let cur = root;
  for (const part of subPath.split('/').filter((s) => s !== '' && s !== '.')) {
    const next = join(cur, part);
    if (!existsSync(next)) {
      try {
        mkdirSync(next, { mode });
      } catch {
        throw new ContainerConfigError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
      }
    }
    cur = realpathSync(next);
    if (!within(root, cur)) throw refuse();
  }
  return cur;
}

/**
 * The mounts for container `c`. Throws ContainerConfigError for a volume that is missing or not set
 * up, a bad subPath or propagation mode. Creates the termination-message file (a new one per call,
 * as the kubelet makes one per container start).
 */
export function containerMounts(pod: Pod, c: Container, paths: PodPaths, env: { name: string; value: string }[] = []): Mount[] {
  const mounts: Mount[] = [];
  let mountHosts = true;
  for (const vm of c.volumeMounts ?? []) {
    if (vm.mountPath === ETC_HOSTS) mountHosts = false;
    const vol = (pod.spec?.volumes ?? []).find((v) => v.name === vm.name);
    const volPath = vol ? paths.volumePath(vol) : undefined;
    if (!vol || volPath === undefined || (!vol.hostPath && !existsSync(volPath))) {
      throw new ContainerConfigError(`cannot find volume "${vm.name}" to mount into container "${c.name}"`);
    }
    let subPath = vm.subPath ?? '';
    if (vm.subPathExpr) subPath = expandSubPathExpr(vm.subPathExpr, env);
    let hostPath = volPath;
    if (subPath !== '') {
      if (posix.isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
      if (subPath.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
      hostPath = safeSubPath(volPath, subPath, vm.name, c.name);
    }
    if (vm.recursiveReadOnly === 'Enabled') {
      // containerd 1.6 cannot make mounts recursively read-only; the kubelet refuses in that case.
      throw new ContainerConfigError(`failed to resolve recursive read-only mode: volume "${vm.name}" requested recursive read-only mode, but it is not supported by the runtime`);
    }
    const kindReadOnly = READ_ONLY_KINDS.some((k) => vol[k] !== undefined);
    mounts.push({
      container_path: vm.mountPath.startsWith('/') ? vm.mountPath : '/' + vm.mountPath,
      host_path: hostPath,
      readonly: vm.readOnly === true || kindReadOnly,
      selinux_relabel: false,
      propagation: mountPropagation(vm.mountPropagation),
    });
  }
  const hostsFile = join(paths.podDir, 'etc-hosts');
  if (mountHosts && existsSync(hostsFile)) {
    mounts.push({ container_path: ETC_HOSTS, host_path: hostsFile, readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE' });
  }
  const tmp = c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH;
  if (tmp !== '') {
    const dir = join(paths.podDir, 'containers', c.name);
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const file = join(dir, randomBytes(4).toString('hex'));
    closeSync(openSync(file, 'w'));
    // World-writable: the container's user, whoever it is, must be able to write its message.
    chmodSync(file, 0o666);
    mounts.push({ container_path: tmp, host_path: resolve(file), readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE' });
  }
  return mounts;
}
