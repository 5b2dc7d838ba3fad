// Pod + container -> CRI ContainerConfig (generateContainerConfig): image, expanded command and
// args, environment, mounts, labels and annotations the kubelet reads back, cgroup resources and
// the security context.
import { totalmem } from 'node:os';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import type { ContainerConfig, Mount } from '../cri/types.js';
import {
  CONTAINER_HASH,
  CONTAINER_NAME,
  INIT_CONTAINER,
  RESTART_COUNT,
  TERMINATION_GRACE,
  TERMINATION_MESSAGE_PATH,
} from '../sync/labels.js';
import { expand, lookupIn } from './expansion.js';
import { containerHash } from './hash.js';
import { linuxResources } from './resources.js';
import { podIdentityLabels } from './sandbox-config.js';
import { containerSecurityContext, type ImageUser, verifyRunAsNonRoot } from './security.js';
import { DEFAULT_TERMINATION_MESSAGE_PATH } from './volumes/container-mounts.js';

export { containerHash } from './hash.js';
export { qosClass, type QOSClass } from './resources.js';

/** Annotation keys the kubelet writes besides those in sync/labels.ts. */
export const TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
export const DELETION_GRACE = 'io.kubernetes.pod.deletionGracePeriod';
export const PRESTOP_HANDLER = 'io.kubernetes.container.preStopHandler';
export const CONTAINER_PORTS = 'io.kubernetes.container.ports';

/** Options for {@link containerConfig}. */
export interface ContainerOptions {
  /** The container's restart count: CRI metadata attempt and the restartCount annotation. */
  attempt: number;
  /** Log file relative to the sandbox's log directory: `<name>/<attempt>.log`. */
  logPath: string;
  /** The resolved image reference (digest or id) to run. */
  image: string;
  /** The environment from containerEnv(). */
  env: { name: string; value: string }[];
  /** The mounts from VolumeManager.mounts(). */
  mounts: Mount[];
  /** An init container (labelled so status can tell it apart). */
  init?: boolean;
  /** The node's memory in bytes, for Burstable oom_score_adj (default: this machine's). */
  memoryCapacity?: number;
  /** The image's user from CRI ImageStatus, for runAsNonRoot checks and run_as_user. */
  imageUser?: ImageUser;
  /** Directory of Localhost seccomp profiles (default /var/lib/kubelet/seccomp). */
  seccompProfileRoot?: string;
}

/**
 * ExpandContainerCommandAndArgs: `$(VAR)` in command and args resolved against the container's
 * final environment (later definitions win); unknown references stay as written.
 */
export function expandCommandAndArgs(c: Container, env: { name: string; value: string }[]): { command: string[]; args: string[] } {
  const vars = new Map<string, string>();
  for (const e of env) vars.set(e.name, e.value);
  const lookup = lookupIn(vars);
  return { command: (c.command ?? []).map((s) => expand(s, lookup)), args: (c.args ?? []).map((s) => expand(s, lookup)) };
}

/** The annotations the kubelet stores on a container and reads back when it restarts or kills it. */
export function containerAnnotations(pod: Pod, c: Container, attempt: number): Record<string, string> {
  const a: Record<string, string> = {
    [CONTAINER_HASH]: containerHash(c),
    [RESTART_COUNT]: String(attempt),
    // The API defaults, so an undefaulted (static) pod's annotation matches its termination mount.
    [TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH,
    [TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
  };
  if (pod.metadata?.deletionGracePeriodSeconds !== undefined) a[DELETION_GRACE] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec?.terminationGracePeriodSeconds !== undefined) a[TERMINATION_GRACE] = String(pod.spec.terminationGracePeriodSeconds);
  if (c.lifecycle?.preStop) a[PRESTOP_HANDLER] = JSON.stringify(c.lifecycle.preStop);
  if ((c.ports ?? []).length > 0) a[CONTAINER_PORTS] = JSON.stringify(c.ports);
  return a;
}

/**
 * The CRI container configuration for container `c` of `pod`. Throws ContainerConfigError when a
 * runAsNonRoot policy cannot be met.
 */
export function containerConfig(pod: Pod, c: Container, o: ContainerOptions): ContainerConfig {
  verifyRunAsNonRoot(pod, c, o.imageUser);
  const { command, args } = expandCommandAndArgs(c, o.env);
  const labels: Record<string, string> = { ...podIdentityLabels(pod), [CONTAINER_NAME]: c.name };
  if (o.init) labels[INIT_CONTAINER] = 'true';
  const security = containerSecurityContext(pod, c, {
    ...(o.imageUser ? { image: o.imageUser } : {}),
    ...(o.seccompProfileRoot !== undefined ? { seccompProfileRoot: o.seccompProfileRoot } : {}),
  });
  return {
    metadata: { name: c.name, attempt: o.attempt },
    image: { image: o.image, user_specified_image: c.image ?? '' },
    command,
    args,
    working_dir: c.workingDir ?? '',
    envs: o.env.map((e) => ({ key: e.name, value: e.value })),
    mounts: o.mounts,
    devices: [],
    labels,
    annotations: containerAnnotations(pod, c, o.attempt),
    log_path: o.logPath,
    stdin: c.stdin === true,
    stdin_once: c.stdinOnce === true,
    tty: c.tty === true,
    linux: { resources: linuxResources(pod, c, o.memoryCapacity ?? totalmem()), security_context: security },
  };
}
