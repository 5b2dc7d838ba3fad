// The security settings of the sandbox and its containers: namespaces, users and groups, seccomp,
// AppArmor, capabilities; pod-level settings are inherited by containers unless they override them.
import type { Container, Pod, PodSecurityContext, SeccompProfile, SecurityContext } from '../../api/generated/core/v1.js';
import type {
  LinuxContainerSecurityContext,
  LinuxSandboxSecurityContext,
  NamespaceOption,
  SecurityProfile,
  SELinuxOption,
} from '../cri/types.js';
import { ContainerConfigError } from './errors.js';

/** Where Localhost seccomp profiles live by default (`<kubelet root>/seccomp`). */
export const DEFAULT_SECCOMP_ROOT = '/var/lib/kubelet/seccomp';

/**
 * NamespacesForPod: host network/IPC/PID become NODE; otherwise network and IPC are shared by the
 * pod, and PID is per container unless `shareProcessNamespace`.
 */
export function namespacesForPod(pod: Pod): NamespaceOption {
  const s = pod.spec;
  return {
    network: s?.hostNetwork ? 'NODE' : 'POD',
    ipc: s?.hostIPC ? 'NODE' : 'POD',
    pid: s?.hostPID ? 'NODE' : s?.shareProcessNamespace ? 'POD' : 'CONTAINER',
  };
}

/** `name_namespace(uid)`, the kubelet's way of naming a pod in messages. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** DetermineEffectiveSecurityContext: the container's settings over the pod's inheritable ones. */
export function effectiveSecurityContext(pod: Pod, c: Container): SecurityContext {
  const p: PodSecurityContext = pod.spec?.securityContext ?? {};
  const sc: SecurityContext = { ...(c.securityContext ?? {}) };
  sc.seLinuxOptions ??= p.seLinuxOptions;
  sc.runAsUser ??= p.runAsUser;
  sc.runAsGroup ??= p.runAsGroup;
  sc.runAsNonRoot ??= p.runAsNonRoot;
  sc.seccompProfile ??= p.seccompProfile;
  sc.appArmorProfile ??= p.appArmorProfile;
  return sc;
}

function seccomp(profile: SeccompProfile | undefined, root: string): SecurityProfile {
  switch (profile?.type) {
    case 'RuntimeDefault':
      return { profile_type: 'RuntimeDefault' };
    case 'Localhost':
      return { profile_type: 'Localhost', localhost_ref: `${root.replace(/\/+$/, '')}/${profile.localhostProfile ?? ''}` };
    default:
      // The kubelet's SeccompDefault gate is off by default: no profile means unconfined.
      return { profile_type: 'Unconfined' };
  }
}

function apparmor(profile: { type: string; localhostProfile?: string } | undefined): SecurityProfile | undefined {
  switch (profile?.type) {
    case 'RuntimeDefault':
      return { profile_type: 'RuntimeDefault' };
    case 'Unconfined':
      return { profile_type: 'Unconfined' };
    case 'Localhost':
      return { profile_type: 'Localhost', localhost_ref: profile.localhostProfile ?? '' };
    default:
      return undefined;
  }
}

function selinux(o: { user?: string; role?: string; type?: string; level?: string } | undefined): SELinuxOption | undefined {
  return o ? { user: o.user ?? '', role: o.role ?? '', type: o.type ?? '', level: o.level ?? '' } : undefined;
}

/** fsGroup first, then supplementalGroups, as the kubelet orders them. */
function supplementalGroups(pod: Pod): number[] {
  const p = pod.spec?.securityContext;
  return [...(p?.fsGroup !== undefined ? [p.fsGroup] : []), ...(p?.supplementalGroups ?? [])];
}

/** Whether any container of the pod (init, regular, ephemeral) is privileged. */
export function hasPrivilegedContainer(pod: Pod): boolean {
  const s = pod.spec;
  return [...(s?.initContainers ?? []), ...(s?.containers ?? []), ...(s?.ephemeralContainers ?? [])].some((c) => c.securityContext?.privileged === true);
}

/** The sandbox's LinuxSandboxSecurityContext from the pod security context. */
export function sandboxSecurityContext(pod: Pod, o: { seccompProfileRoot?: string } = {}): LinuxSandboxSecurityContext {
  const p = pod.spec?.securityContext;
  const out: LinuxSandboxSecurityContext = {
    namespace_options: namespacesForPod(pod),
    privileged: hasPrivilegedContainer(pod),
    readonly_rootfs: false,
    supplemental_groups: supplementalGroups(pod),
    seccomp: seccomp(p?.seccompProfile, o.seccompProfileRoot ?? DEFAULT_SECCOMP_ROOT),
  };
  if (p?.runAsUser !== undefined) out.run_as_user = { value: p.runAsUser };
  if (p?.runAsGroup !== undefined) out.run_as_group = { value: p.runAsGroup };
  const se = selinux(p?.seLinuxOptions);
  if (se) out.selinux_options = se;
  if (p?.supplementalGroupsPolicy === 'Strict') out.supplemental_groups_policy = 'Strict';
  return out;
}

/** The image's configured user, from CRI ImageStatus (numeric uid, or a name the runtime resolves). */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/**
 * verifyRunAsNonRoot: with `runAsNonRoot`, refuses uid 0 and an image user that cannot be checked.
 * Throws {@link ContainerConfigError} with the kubelet's message.
 */
export function verifyRunAsNonRoot(pod: Pod, c: Container, image: ImageUser | undefined): void {
  const sc = effectiveSecurityContext(pod, c);
  if (sc.runAsNonRoot !== true) return;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: "${formatPod(pod)}", container: ${c.name})`);
    return;
  }
  if (image?.uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: "${formatPod(pod)}", container: ${c.name})`);
  if (image?.uid === undefined && image?.username) {
    throw new ContainerConfigError(
      `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root (pod: "${formatPod(pod)}", container: ${c.name})`,
    );
  }
}

/** The container's LinuxContainerSecurityContext (determineEffectiveSecurityContext). */
export function containerSecurityContext(pod: Pod, c: Container, o: { image?: ImageUser; seccompProfileRoot?: string } = {}): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, c);
  const out: LinuxContainerSecurityContext = {
    privileged: sc.privileged === true,
    readonly_rootfs: sc.readOnlyRootFilesystem === true,
    namespace_options: namespacesForPod(pod),
    supplemental_groups: supplementalGroups(pod),
    seccomp: seccomp(sc.seccompProfile, o.seccompProfileRoot ?? DEFAULT_SECCOMP_ROOT),
    // AddNoNewPrivileges: only an explicit allowPrivilegeEscalation=false sets no_new_privs.
    no_new_privs: sc.allowPrivilegeEscalation === false,
  };
  if (sc.capabilities) out.capabilities = { add_capabilities: sc.capabilities.add ?? [], drop_capabilities: sc.capabilities.drop ?? [] };
  if (sc.runAsUser !== undefined) out.run_as_user = { value: sc.runAsUser };
  else if (o.image?.uid !== undefined) out.run_as_user = { value: o.image.uid };
  else if (o.image?.username) out.run_as_username = o.image.username;
  if (sc.runAsGroup !== undefined) out.run_as_group = { value: sc.runAsGroup };
  const se = selinux(sc.seLinuxOptions);
  if (se) out.selinux_options = se;
  const aa = apparmor(sc.appArmorProfile);
  if (aa) out.apparmor = aa;
  if (pod.spec?.securityContext?.supplementalGroupsPolicy === 'Strict') out.supplemental_groups_policy = 'Strict';
  return out;
}
