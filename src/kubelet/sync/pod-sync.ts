/**
 * One pass of making the runtime match one pod (the kubelet's SyncPod / KillPod): a ready sandbox,
 * init containers in order, app containers started and restarted by the restart policy with crash
 * back-off, spec changes and liveness failures answered by a restart, and graceful termination.
 * Each pass is idempotent: it looks at what the runtime holds and does the next needed steps.
 */
import type { Container, LifecycleHandler, Pod } from '../../api/generated/core/v1.js';
import type { CriClient } from '../cri/client.js';
import type { ContainerConfig, PodSandboxConfig } from '../cri/types.js';
import { containerConfig, containerHash } from '../pod/container-config.js';
import { containerEnv, EnvError, type EnvSources } from '../pod/env.js';
import { podSandboxConfig } from '../pod/sandbox-config.js';
import type { VolumeManager } from '../pod/volumes.js';
import { runProbe, type ExecFn } from '../probes/probe.js';
import type { Logger } from '../../util/log.js';
import { Backoff } from './backoff.js';
import type { EventSink, ImagePuller } from './image-puller.js';
import type { Waiting } from './pod-status.js';
import type { RuntimeCache, RuntimeContainer, RuntimePod } from './runtime.js';
import { errorText } from '../../util/errors.js';

export interface PodSyncDeps {
  cri: CriClient;
  /** Runs a command in a container (CRI ExecSync), for exec hooks. */
  exec: ExecFn;
  runtime: RuntimeCache;
  volumes: VolumeManager;
  images: ImagePuller;
  env: EnvSources;
  events: EventSink;
  nodeName: string;
  nodeIP: string;
  /** Root of pod log directories (`<root>/<ns>_<name>_<uid>/<container>/<n>.log`). */
  logRoot: string;
  /** cgroup under which each pod gets `pod<uid>` (so a node's pods never mix with another's). */
  cgroupRoot: string;
  dns: (pod: Pod) => { servers: string[]; searches: string[]; options: string[] } | undefined;
  log: Logger;
}

/** What a sync pass learned that the runtime does not show: why containers wait, when to look again. */
export interface SyncResult {
  waiting: Map<string, Waiting>;
  /** Sync again at this time (a back-off ends), if set. */
  retryAt?: number;
}

export const podLogDir = (root: string, pod: Pod) => `${root}/${pod.metadata!.namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`;

const latest = (rp: RuntimePod | undefined, name: string, init: boolean): RuntimeContainer | undefined =>
  rp?.containers.find((c) => c.name === name && c.init === init);

/** A duration as Go prints it: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  return m > 0 ? `${m}m${total % 60}s` : `${total}s`;
}


export const gracePeriodOf = (pod: Pod): number => pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;

export class PodSyncer {
  readonly #d: PodSyncDeps;
  /** Crash-loop back-off per pod uid + container name: 10 s doubling to 5 min. */
  readonly crashBackoff = new Backoff(10_000, 300_000);
  /** Containers whose liveness probe failed: killed and restarted on the next pass. */
  readonly #livenessFailed = new Map<string, string>();

  constructor(deps: PodSyncDeps) {
    this.#d = deps;
  }

  /** Marks a running container for restart because its liveness (or startup) probe failed. */
  livenessFailed(containerId: string, message: string): void {
    this.#livenessFailed.set(containerId, message);
  }

  #sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
    const dns = pod.spec?.hostNetwork && pod.spec.dnsPolicy !== 'ClusterFirstWithHostNet' ? undefined : this.#d.dns(pod);
    return podSandboxConfig(pod, { logDirectory: podLogDir(this.#d.logRoot, pod), attempt, cgroupParent: `${this.#d.cgroupRoot}/pod${pod.metadata!.uid!}`, ...(dns ? { dns } : {}) });
  }

  /** One pass for a pod that should run. */
  async sync(pod: Pod, signal?: AbortSignal): Promise<SyncResult> {
    const d = this.#d;
    const uid = pod.metadata!.uid!;
    const result: SyncResult = { waiting: new Map() };
    const phase = pod.status?.phase;
    let rp = d.runtime.pod(uid);
    if (phase === 'Succeeded' || phase === 'Failed') {
      await this.killPod(pod, rp, 0);
      return result;
    }
    const policy = pod.spec?.restartPolicy ?? 'Always';
    let sandbox = rp?.sandboxes[0];
    if (!sandbox?.ready) {
      // The sandbox went. Never: a pod that ran is not brought back. OnFailure: only if something failed.
      if (sandbox && policy === 'Never' && (rp?.containers.length ?? 0) > 0) return result;
      if (sandbox && policy === 'OnFailure' && this.#allSucceeded(pod, rp)) return result;
      try {
        await d.volumes.setUp(pod, {});
      } catch (e) {
        const message = errorText(e);
        d.events(pod, 'Warning', 'FailedMount', message);
        for (const c of pod.spec?.containers ?? []) result.waiting.set(c.name, { reason: 'ContainerCreating' });
        result.retryAt = Date.now() + 2_000;
        return result;
      }
      if (rp) await this.#stopAll(pod, rp, 0);
      const attempt = sandbox ? sandbox.attempt + 1 : 0;
      if (sandbox) d.events(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      try {
        await d.cri.runPodSandbox({ config: this.#sandboxConfig(pod, attempt) }, signal ? { signal } : undefined);
      } catch (e) {
        const message = errorText(e);
        d.events(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${message}`);
        for (const c of pod.spec?.containers ?? []) result.waiting.set(c.name, { reason: 'ContainerCreating' });
        result.retryAt = Date.now() + 5_000;
        return result;
      }
      await d.runtime.relist();
      rp = d.runtime.pod(uid);
      sandbox = rp?.sandboxes[0];
      if (!sandbox?.ready) {
        result.retryAt = Date.now() + 1_000;
        return result;
      }
    }
    // Volumes are refreshed on every pass (configMap/secret contents follow their objects); the hosts file needs the pod IP.
    try {
      await d.volumes.setUp(pod, { podIP: sandbox.ip ?? d.nodeIP, hostname: pod.spec?.hostname ?? pod.metadata!.name! });
    } catch (e) {
      d.events(pod, 'Warning', 'FailedMount', errorText(e));
      result.retryAt = Date.now() + 2_000;
      return result;
    }
    const podIP = sandbox.ip ?? d.nodeIP;
    const sandboxConfig = this.#sandboxConfig(pod, sandbox.attempt);

    // Init containers, one at a time, each to success before the next.
    const inits = pod.spec?.initContainers ?? [];
    // A new sandbox runs its init containers again from the first (they may set up its network).
    const inSandbox: RuntimePod | undefined = rp && { ...rp, containers: rp.containers.filter((x) => x.sandboxId === sandbox.id) };
    for (const c of inits) {
      const last = latest(inSandbox, c.name, true);
      if (last?.state === 'running' || last?.state === 'created') return result;
      if (last?.state === 'exited' && last.exitCode === 0) continue;
      if (last?.state === 'exited' && policy === 'Never') return result;
      await this.#startOrBackoff(pod, c, true, last, sandbox.id, sandboxConfig, podIP, result, signal);
      return result;
    }

    for (const c of pod.spec?.containers ?? []) {
      const last = latest(rp, c.name, false);
      if (last?.state === 'running') {
        const liveness = this.#livenessFailed.get(last.id);
        const changed = last.hash !== '' && last.hash !== containerHash(c);
        if (!liveness && !changed) continue;
        this.#livenessFailed.delete(last.id);
        const why = liveness ? `Container ${c.name} failed liveness probe, will be restarted` : `Container ${c.name} definition changed, will be restarted`;
        await this.#killContainer(pod, c, last, pod.spec?.terminationGracePeriodSeconds ?? 30, why);
        await d.runtime.relist();
        const dead = latest(d.runtime.pod(uid), c.name, false);
        if (policy === 'Never' && liveness) continue;
        await this.#startOrBackoff(pod, c, false, dead, sandbox.id, sandboxConfig, podIP, result, signal);
        continue;
      }
      if (last?.state === 'created') {
        // Created but never started (the kubelet stopped half-way): start it now.
        try {
          await d.cri.startContainer({ container_id: last.id });
          d.runtime.invalidate(last.id);
        } catch {
          await d.cri.removeContainer({ container_id: last.id }).catch(() => undefined);
        }
        continue;
      }
      if (last?.state === 'exited') {
        if (policy === 'Never') continue;
        if (policy === 'OnFailure' && last.exitCode === 0) continue;
      }
      await this.#startOrBackoff(pod, c, false, last, sandbox.id, sandboxConfig, podIP, result, signal);
    }
    return result;
  }

  #allSucceeded(pod: Pod, rp: RuntimePod | undefined): boolean {
    return (pod.spec?.containers ?? []).every((c) => {
      const last = latest(rp, c.name, false);
      return last?.state === 'exited' && last.exitCode === 0;
    });
  }

  async #startOrBackoff(
    pod: Pod,
    c: Container,
    init: boolean,
    last: RuntimeContainer | undefined,
    sandboxId: string,
    sandboxConfig: PodSandboxConfig,
    podIP: string,
    result: SyncResult,
    signal?: AbortSignal,
  ): Promise<void> {
    const d = this.#d;
    const uid = pod.metadata!.uid!;
    // The spec hash is part of the key: a fixed image starts over instead of waiting out the old back-off.
    const key = `${uid}/${c.name}/${containerHash(c)}`;
    if (last?.state === 'exited') {
      const finished = last.finishedAt || Date.now();
      if (this.crashBackoff.inBackoff(key, finished)) {
        const delay = this.crashBackoff.delay(key);
        const message = `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${pod.metadata!.name}_${pod.metadata!.namespace}(${uid})`;
        result.waiting.set(c.name, { reason: 'CrashLoopBackOff', message });
        d.events(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata!.name}_${pod.metadata!.namespace}(${uid})`);
        const at = finished + delay;
        result.retryAt = Math.min(result.retryAt ?? Infinity, at);
        return;
      }
      this.crashBackoff.next(key, finished);
    }
    const pulled = await d.images.ensure(pod, c, signal);
    if ('waiting' in pulled) {
      result.waiting.set(c.name, pulled.waiting);
      const retry = d.images.retryAt(c.image ?? '');
      result.retryAt = Math.min(result.retryAt ?? Infinity, retry ?? Date.now() + 10_000);
      return;
    }
    const restartCount = last ? last.restartCount + 1 : 0;
    let config: ContainerConfig;
    try {
      const env = await containerEnv(pod, c, d.env, { nodeName: d.nodeName, hostIP: d.nodeIP, podIP, podIPs: [podIP] });
      const mounts = d.volumes.mounts(pod, c);
      config = containerConfig(pod, c, { attempt: restartCount, logPath: `${c.name}/${restartCount}.log`, image: pulled.imageRef, env, mounts, init });
    } catch (e) {
      if (!(e instanceof EnvError)) d.log.warn('container config failed', { pod: pod.metadata!.name, container: c.name, error: errorText(e) });
      return this.#failed(pod, c, result, 'CreateContainerConfigError', e);
    }
    let id: string;
    try {
      ({ container_id: id } = await d.cri.createContainer({ pod_sandbox_id: sandboxId, config, sandbox_config: sandboxConfig }));
    } catch (e) {
      return this.#failed(pod, c, result, 'CreateContainerError', e);
    }
    d.events(pod, 'Normal', 'Created', `Created container ${c.name}`);
    try {
      await d.cri.startContainer({ container_id: id });
    } catch (e) {
      return this.#failed(pod, c, result, 'RunContainerError', e);
    }
    d.events(pod, 'Normal', 'Started', `Started container ${c.name}`);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const failure = await this.#runHook(postStart, id, podIP, c, 30);
      if (failure) {
        d.events(pod, 'Warning', 'FailedPostStartHook', failure);
        await d.cri.stopContainer({ container_id: id, timeout: 0 }).catch(() => undefined);
      }
    }
  }

  /** A container that could not be created or started: why it waits, an event, another try in 10 s. */
  #failed(pod: Pod, c: Container, result: SyncResult, reason: string, e: unknown): void {
    const message = errorText(e);
    result.waiting.set(c.name, { reason, message });
    this.#d.events(pod, 'Warning', 'Failed', `Error: ${message}`);
    result.retryAt = Math.min(result.retryAt ?? Infinity, Date.now() + 10_000);
  }

  /**
   * Runs a lifecycle hook; returns an error message on failure. exec and httpGet hooks go through
   * the prober's handlers, as the kubelet's hook runner shares its HTTP getter and exec.
   */
  async #runHook(h: LifecycleHandler, containerId: string, podIP: string, c: Container, timeoutSeconds: number): Promise<string | undefined> {
    if (h.sleep) {
      await new Promise((r) => setTimeout(r, h.sleep!.seconds * 1000));
      return undefined;
    }
    if (!h.exec && !h.httpGet) return undefined;
    const r = await runProbe({ exec: h.exec, httpGet: h.httpGet, timeoutSeconds }, { podIP, containerId, exec: this.#d.exec, container: c });
    if (r.result === 'success' || r.result === 'warning') return undefined;
    const what = h.exec ? `Exec lifecycle hook (${(h.exec.command ?? []).join(' ')})` : `HTTP lifecycle hook (${h.httpGet?.path ?? '/'})`;
    return `${what} for Container "${c.name}" failed - error: ${r.output}`;
  }

  /** preStop hook, then SIGTERM with the grace period, then SIGKILL (CRI StopContainer's timeout). */
  async #killContainer(pod: Pod, c: Container | undefined, rc: RuntimeContainer, graceSeconds: number, message: string): Promise<void> {
    const d = this.#d;
    d.events(pod, 'Normal', 'Killing', message);
    let grace = graceSeconds;
    const preStop = c?.lifecycle?.preStop;
    if (c && preStop && grace > 0) {
      const started = Date.now();
      const failure = await this.#runHook(preStop, rc.id, d.runtime.pod(pod.metadata!.uid!)?.sandboxes[0]?.ip ?? d.nodeIP, c, grace);
      if (failure) d.events(pod, 'Warning', 'FailedPreStopHook', failure);
      // The kubelet gives at least 2 s after the hook before SIGKILL.
      grace = Math.max(2, grace - Math.ceil((Date.now() - started) / 1000));
    }
    try {
      await d.cri.stopContainer({ container_id: rc.id, timeout: grace }, { timeoutMs: (grace + 30) * 1000 });
    } catch (e) {
      d.log.warn('stop container failed', { container: rc.id, error: errorText(e) });
    }
    d.runtime.invalidate(rc.id);
  }

  async #stopAll(pod: Pod, rp: RuntimePod, graceSeconds: number): Promise<void> {
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    await Promise.all(
      rp.containers
        .filter((c) => c.state === 'running' || c.state === 'created')
        .map((c) => this.#killContainer(pod, specs.find((s) => s.name === c.name), c, graceSeconds, `Stopping container ${c.name}`)),
    );
  }

  /** Stops every container (with the grace period) and the sandbox; leaves them for status and logs. */
  async killPod(pod: Pod, rp: RuntimePod | undefined, graceSeconds: number): Promise<void> {
    if (!rp) return;
    await this.#stopAll(pod, rp, graceSeconds);
    for (const sb of rp.sandboxes) {
      if (sb.ready) await this.#d.cri.stopPodSandbox({ pod_sandbox_id: sb.id }).catch((e: unknown) => this.#d.log.warn('stop sandbox failed', { sandbox: sb.id, error: String(e) }));
    }
  }

  /** Removes everything the runtime holds for a pod that is gone, and its volumes. */
  async removePod(uid: string, rp: RuntimePod | undefined): Promise<void> {
    const d = this.#d;
    if (rp) {
      await Promise.all(rp.containers.filter((c) => c.state === 'running').map((c) => d.cri.stopContainer({ container_id: c.id, timeout: 0 }).catch(() => undefined)));
      for (const c of rp.containers) await d.cri.removeContainer({ container_id: c.id }).catch(() => undefined);
      for (const sb of rp.sandboxes) {
        await d.cri.stopPodSandbox({ pod_sandbox_id: sb.id }).catch(() => undefined);
        await d.cri.removePodSandbox({ pod_sandbox_id: sb.id }).catch(() => undefined);
      }
    }
    await d.volumes.tearDown(uid).catch((e: unknown) => d.log.warn('volume teardown failed', { uid, error: String(e) }));
    this.crashBackoff.forget(`${uid}/`);
  }
}
