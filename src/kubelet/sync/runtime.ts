/**
 * What the container runtime holds, grouped by pod uid: the kubelet's PLEG. `relist()` asks CRI
 * for every sandbox and container, fetches details only for those whose state changed (an exited
 * container never changes again), and reports which pods changed since the last relist.
 */
import type { CriClient } from '../cri/client.js';
import { CONTAINER_HASH, CONTAINER_NAME, INIT_CONTAINER, POD_NAME, POD_NAMESPACE, POD_UID, RESTART_COUNT } from './labels.js';

export interface RuntimeSandbox {
  id: string;
  uid: string;
  name: string;
  namespace: string;
  attempt: number;
  ready: boolean;
  createdAt: number;
  ip?: string;
}

export interface RuntimeContainer {
  id: string;
  sandboxId: string;
  name: string;
  init: boolean;
  attempt: number;
  state: 'created' | 'running' | 'exited' | 'unknown';
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  restartCount: number;
  hash: string;
  logPath: string;
}

export interface RuntimePod {
  uid: string;
  name: string;
  namespace: string;
  /** Newest first. */
  sandboxes: RuntimeSandbox[];
  /** Newest first. */
  containers: RuntimeContainer[];
}

const nsToMs = (ns: number | undefined): number => Math.floor((ns ?? 0) / 1e6);

const stateOf = (s: string | undefined): RuntimeContainer['state'] =>
  s === 'CONTAINER_RUNNING' ? 'running' : s === 'CONTAINER_EXITED' ? 'exited' : s === 'CONTAINER_CREATED' ? 'created' : 'unknown';

export class RuntimeCache {
  readonly #cri: CriClient;
  #pods = new Map<string, RuntimePod>();
  #containerDetails = new Map<string, { key: string; c: RuntimeContainer }>();
  #sandboxDetails = new Map<string, { key: string; s: RuntimeSandbox }>();
  #fingerprints = new Map<string, string>();
  #tail: Promise<unknown> = Promise.resolve();
  #pending = new Set<string>();

  constructor(cri: CriClient) {
    this.#cri = cri;
  }

  pod(uid: string): RuntimePod | undefined {
    return this.#pods.get(uid);
  }

  pods(): RuntimePod[] {
    return [...this.#pods.values()];
  }

  /**
   * Refreshes from CRI; returns the uids whose runtime state changed (appeared, changed or
   * vanished). Relists run one after another, so a slower, older listing never overwrites a newer
   * one; every change is also kept for {@link takeChanged}, whoever's relist saw it.
   */
  relist(): Promise<Set<string>> {
    const next = this.#tail.then(() => this.#relist());
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** The uids changed since the last call (seen by any relist). */
  takeChanged(): Set<string> {
    const out = this.#pending;
    this.#pending = new Set();
    return out;
  }

  async #relist(): Promise<Set<string>> {
    const [{ items: sandboxes = [] }, { containers = [] }] = await Promise.all([this.#cri.listPodSandbox({}), this.#cri.listContainers({})]);
    const pods = new Map<string, RuntimePod>();
    const liveSandboxes = new Set<string>();
    for (const sb of sandboxes) {
      const uid = sb.labels?.[POD_UID] ?? sb.metadata?.uid ?? '';
      if (!uid) continue;
      liveSandboxes.add(sb.id);
      const key = `${sb.state}`;
      let detail = this.#sandboxDetails.get(sb.id);
      if (!detail || detail.key !== key) {
        let ip: string | undefined;
        let failed = false;
        if (sb.state === 'SANDBOX_READY') {
          const st = await this.#cri.podSandboxStatus({ pod_sandbox_id: sb.id }).catch(() => undefined);
          failed = st === undefined;
          ip = st?.status?.network?.ip || undefined;
        }
        detail = {
          key,
          s: {
            id: sb.id,
            uid,
            name: sb.labels?.[POD_NAME] ?? sb.metadata?.name ?? '',
            namespace: sb.labels?.[POD_NAMESPACE] ?? sb.metadata?.namespace ?? '',
            attempt: sb.metadata?.attempt ?? 0,
            ready: sb.state === 'SANDBOX_READY',
            createdAt: nsToMs(sb.created_at),
            ...(ip ? { ip } : {}),
          },
        };
        // A failed status call is not the sandbox's truth: ask again next time.
        if (!failed) this.#sandboxDetails.set(sb.id, detail);
      }
      const pod = pods.get(uid) ?? { uid, name: detail.s.name, namespace: detail.s.namespace, sandboxes: [], containers: [] };
      pod.sandboxes.push(detail.s);
      pods.set(uid, pod);
    }
    const liveContainers = new Set<string>();
    for (const c of containers) {
      const uid = c.labels?.[POD_UID] ?? '';
      if (!uid) continue;
      liveContainers.add(c.id);
      const key = `${c.state}`;
      let detail = this.#containerDetails.get(c.id);
      if (!detail || detail.key !== key) {
        const st = (await this.#cri.containerStatus({ container_id: c.id }).catch(() => undefined))?.status;
        const ann = st?.annotations ?? c.annotations ?? {};
        detail = {
          key,
          c: {
            id: c.id,
            sandboxId: c.pod_sandbox_id,
            name: c.labels?.[CONTAINER_NAME] ?? c.metadata?.name ?? '',
            init: (c.labels?.[INIT_CONTAINER] ?? '') === 'true',
            attempt: c.metadata?.attempt ?? 0,
            state: stateOf(st?.state ?? c.state),
            createdAt: nsToMs(st?.created_at ?? c.created_at),
            startedAt: nsToMs(st?.started_at),
            finishedAt: nsToMs(st?.finished_at),
            exitCode: st?.exit_code ?? 0,
            reason: st?.reason ?? '',
            message: st?.message ?? '',
            image: st?.image?.image ?? c.image?.image ?? '',
            imageRef: st?.image_ref ?? c.image_ref ?? '',
            restartCount: Number(ann[RESTART_COUNT] ?? '0') || 0,
            hash: ann[CONTAINER_HASH] ?? '',
            logPath: st?.log_path ?? '',
          },
        };
        // Details of a container that is still being created are not final: ask again next time.
        if (detail.c.state !== 'created' && st) this.#containerDetails.set(c.id, detail);
      }
      const pod = pods.get(uid) ?? { uid, name: c.labels?.[POD_NAME] ?? '', namespace: c.labels?.[POD_NAMESPACE] ?? '', sandboxes: [], containers: [] };
      pod.containers.push(detail.c);
      pods.set(uid, pod);
    }
    for (const id of this.#containerDetails.keys()) if (!liveContainers.has(id)) this.#containerDetails.delete(id);
    for (const id of this.#sandboxDetails.keys()) if (!liveSandboxes.has(id)) this.#sandboxDetails.delete(id);
    const changed = new Set<string>();
    const fingerprints = new Map<string, string>();
    for (const pod of pods.values()) {
      pod.sandboxes.sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
      pod.containers.sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
      const fp = JSON.stringify([pod.sandboxes.map((s) => [s.id, s.ready, s.ip]), pod.containers.map((c) => [c.id, c.state])]);
      fingerprints.set(pod.uid, fp);
      if (this.#fingerprints.get(pod.uid) !== fp) changed.add(pod.uid);
    }
    for (const uid of this.#fingerprints.keys()) if (!pods.has(uid)) changed.add(uid);
    this.#fingerprints = fingerprints;
    this.#pods = pods;
    for (const uid of changed) this.#pending.add(uid);
    return changed;
  }

  /** Forgets cached details of a container (after the kubelet acted on it) so the next relist re-reads it. */
  invalidate(containerId: string): void {
    this.#containerDetails.delete(containerId);
  }
}
