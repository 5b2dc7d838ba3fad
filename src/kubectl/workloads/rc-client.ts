/**
 * The ReplicationController and Pod calls kubectl 1.5's rolling updater makes: get, create,
 * update with retries on conflict (read, change, write again), scale and wait for the status,
 * delete (optionally orphaning the pods) and wait until gone, and counting available pods.
 */
import type { Pod, ReplicationController } from '../../api/generated/core/v1.js';
import { isConflict, isNotFound } from '../../api/errors.js';
import type { KubeList } from '../../client/types.js';
import { CliError } from '../errors.js';
import type { Factory } from '../types.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `a=b,c=d` from a map selector, keys sorted (labels.SelectorFromSet(...).String()). */
export const setSelector = (m: Record<string, string> | undefined): string =>
  Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${m?.[k] ?? ''}`)
    .join(',');

/** RC and pod calls in one namespace. */
export class RcClient {
  constructor(
    private readonly f: Factory,
    readonly namespace: string,
  ) {}

  #rcPath(name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/replicationcontrollers`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  get(name: string): Promise<ReplicationController> {
    return this.f.client().request<ReplicationController>({ method: 'GET', path: this.#rcPath(name) });
  }

  /** GET, or undefined when it does not exist. */
  async find(name: string): Promise<ReplicationController | undefined> {
    try {
      return await this.get(name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  list(): Promise<KubeList<ReplicationController>> {
    return this.f.client().request<KubeList<ReplicationController>>({ method: 'GET', path: this.#rcPath() });
  }

  create(rc: ReplicationController): Promise<ReplicationController> {
    return this.f.client().request<ReplicationController>({ method: 'POST', path: this.#rcPath(), body: { apiVersion: 'v1', kind: 'ReplicationController', ...rc } });
  }

  /** PUT `change(rc)`; on a conflict, re-read and change again (kubectl's updateRcWithRetries). */
  async update(rc: ReplicationController, change: (rc: ReplicationController) => void): Promise<ReplicationController> {
    let current = structuredClone(rc);
    for (let attempt = 0; ; attempt++) {
      change(current);
      try {
        return await this.f.client().request<ReplicationController>({ method: 'PUT', path: this.#rcPath(current.metadata?.name ?? ''), body: current });
      } catch (e) {
        if (!isConflict(e) || attempt >= 4) throw e;
        current = await this.get(rc.metadata?.name ?? '');
        await sleep(10 * 2 ** attempt);
      }
    }
  }

  /** Same for a pod's labels. */
  async updatePod(pod: Pod, change: (p: Pod) => void): Promise<Pod> {
    let current = structuredClone(pod);
    const path = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods/${encodeURIComponent(pod.metadata?.name ?? '')}`;
    for (let attempt = 0; ; attempt++) {
      change(current);
      try {
        return await this.f.client().request<Pod>({ method: 'PUT', path, body: current });
      } catch (e) {
        if (!isConflict(e) || attempt >= 4) throw e;
        current = await this.f.client().request<Pod>({ method: 'GET', path });
        await sleep(10 * 2 ** attempt);
      }
    }
  }

  pods(selector: Record<string, string> | undefined): Promise<KubeList<Pod>> {
    return this.f.client().request<KubeList<Pod>>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`, query: { labelSelector: setSelector(selector) || undefined } });
  }

  deletePod(name: string): Promise<unknown> {
    return this.f.client().request({ method: 'DELETE', path: `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods/${encodeURIComponent(name)}` });
  }

  /** DELETE an RC; `orphan` leaves its pods (they lose the owner reference and can be adopted). */
  delete(name: string, orphan = false): Promise<unknown> {
    return this.f.client().request({ method: 'DELETE', path: this.#rcPath(name), body: { kind: 'DeleteOptions', apiVersion: 'v1', ...(orphan ? { propagationPolicy: 'Orphan' } : {}) } });
  }

  /** Polls until the RC no longer exists. */
  async waitGone(name: string, intervalMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (await this.find(name)) {
      if (Date.now() > deadline) throw new CliError('timed out waiting for the condition');
      await sleep(intervalMs);
    }
  }

  /** Sets spec.replicas (with retries) and waits until the controller reports that many (ControllerHasDesiredReplicas). */
  async scaleAndWait(rc: ReplicationController, replicas: number, intervalMs: number, timeoutMs: number): Promise<ReplicationController> {
    const updated = await this.update(rc, (r) => {
      r.spec = { ...r.spec, replicas };
    });
    return this.waitForReplicas(updated, intervalMs, timeoutMs);
  }

  /** Polls until status.observedGeneration has caught up and status.replicas equals spec.replicas. */
  async waitForReplicas(rc: ReplicationController, intervalMs: number, timeoutMs: number): Promise<ReplicationController> {
    const deadline = Date.now() + timeoutMs;
    const wanted = rc.spec?.replicas ?? 1;
    const generation = rc.metadata?.generation ?? 0;
    for (;;) {
      const now = await this.get(rc.metadata?.name ?? '');
      if ((now.status?.observedGeneration ?? 0) >= generation && (now.status?.replicas ?? 0) === wanted) return now;
      if (Date.now() > deadline) throw new CliError('timed out waiting for the condition');
      await sleep(intervalMs);
    }
  }

  /** Pods of the RC that are Ready and not being deleted (IsPodAvailable with minReadySeconds 0). */
  async availablePods(rc: ReplicationController): Promise<number> {
    const pods = await this.pods(rc.spec?.selector);
    return pods.items.filter((p) => !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length;
  }
}
