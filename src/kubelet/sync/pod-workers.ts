/**
 * The kubelet's heart: the set of pods this node should run (from the API and the manifest
 * folder), one serialized worker per pod that syncs it whenever its spec, its runtime state
 * (seen by the relist) or its probes change, and the status each pass computes. A pod that is
 * deleted gracefully is stopped with its grace period, then deleted for good; a pod that is gone
 * is removed from the runtime. Nothing of a pod is removed before the sources have been read, so
 * a kubelet restart never touches running containers.
 */
import type { Pod, PodStatus } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import { sleep } from '../../util/sleep.js';
import { computePodStatus, KUBELET_CONDITIONS, type Waiting } from './pod-status.js';
import { gracePeriodOf, type PodSyncer } from './pod-sync.js';
import type { RuntimeCache } from './runtime.js';

export interface ProbeView {
  update(pod: Pod, podIP: string, containers: { name: string; containerId: string; running: boolean; startedAt: number }[]): void;
  ready(podUid: string, name: string): boolean;
  started(podUid: string, name: string): boolean;
  removePod(uid: string): void;
}

export interface StatusSink {
  /** Reports a computed status (to the API; static pods through their mirror pod). */
  report(pod: Pod, status: PodStatus): Promise<void>;
  /** Deletes an API pod for good once the kubelet has stopped it. */
  finalDelete(pod: Pod): Promise<void>;
}

interface Entry {
  pod: Pod;
  status?: PodStatus;
  waiting: Map<string, Waiting>;
  running?: Promise<void>;
  again: boolean;
  timer?: NodeJS.Timeout;
  finalDeleted?: boolean;
}

export interface PodWorkersOptions {
  syncer: PodSyncer;
  runtime: RuntimeCache;
  probes: ProbeView;
  status?: StatusSink;
  nodeIP: string;
  log: Logger;
}

export class PodWorkers {
  readonly #o: PodWorkersOptions;
  readonly #entries = new Map<string, Entry>();
  #apiPods = new Map<string, Pod>();
  #staticPods = new Map<string, Pod>();
  #sourcesReady = { api: false, static: false };
  #signal: AbortSignal | undefined;
  /** Pods being removed from the runtime (no longer desired). */
  readonly #removing = new Map<string, Promise<void>>();

  constructor(o: PodWorkersOptions) {
    this.#o = o;
  }

  /** Marks a source as fully read; orphans are only cleaned once every expected source is. */
  sourceReady(which: 'api' | 'static'): void {
    this.#sourcesReady[which] = true;
  }

  setApiPod(pod: Pod): void {
    this.#apiPods.set(pod.metadata!.uid!, pod);
    this.#upsert(pod);
  }

  deleteApiPod(pod: Pod): void {
    this.#apiPods.delete(pod.metadata!.uid!);
    this.#forget(pod.metadata!.uid!);
  }

  setStaticPods(pods: Pod[]): void {
    const next = new Map(pods.map((p) => [p.metadata!.uid!, p]));
    for (const uid of this.#staticPods.keys()) if (!next.has(uid)) this.#forget(uid);
    this.#staticPods = next;
    for (const p of pods) this.#upsert(p);
  }

  staticPods(): Pod[] {
    return [...this.#staticPods.values()];
  }

  /** The pods this node runs, each with its latest computed status. */
  pods(): Pod[] {
    return [...this.#entries.values()].map((e) => ({ ...e.pod, status: e.status ?? e.pod.status ?? {} }));
  }

  find(namespace: string, name: string): Pod | undefined {
    return this.pods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
  }

  #upsert(pod: Pod): void {
    const uid = pod.metadata!.uid!;
    const e = this.#entries.get(uid);
    if (e) {
      // Keep the status we computed (the API copy lags behind our own), but take the conditions
      // other components own (readiness gates, DisruptionTarget) from the API.
      const conditions = [
        ...(pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type)),
        ...(e.status?.conditions ?? []).filter((c) => KUBELET_CONDITIONS.has(c.type)),
      ];
      e.pod = { ...pod, status: { ...(pod.status ?? {}), ...(e.status ?? {}), conditions } };
    } else {
      this.#entries.set(uid, { pod, waiting: new Map(), again: false });
    }
    this.schedule(uid);
  }

  #forget(uid: string): void {
    const e = this.#entries.get(uid);
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    this.#entries.delete(uid);
    this.#remove(uid, e.running);
  }

  /** True once every pod source has been read in full (before that, nothing may be cleaned up). */
  sourcesReady(): boolean {
    return this.#sourcesReady.api && this.#sourcesReady.static;
  }

  #remove(uid: string, inFlight?: Promise<void>): void {
    if (this.#removing.has(uid)) return;
    const done = (async () => {
      // A sync still running for the pod may be creating containers: let it finish first.
      await inFlight;
      this.#o.probes.removePod(uid);
      await this.#o.runtime.relist().catch(() => undefined);
      await this.#o.syncer.removePod(uid, this.#o.runtime.pod(uid));
    })()
      .catch((err: unknown) => this.#o.log.warn('pod removal failed', { uid, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => this.#removing.delete(uid));
    this.#removing.set(uid, done);
  }

  /** Asks for a sync of one pod now (coalesced with one already running). */
  schedule(uid: string): void {
    const e = this.#entries.get(uid);
    if (!e || this.#signal?.aborted) return;
    if (e.running) {
      e.again = true;
      return;
    }
    const removing = this.#removing.get(uid);
    if (removing) {
      // The same uid came back while its old runtime state is being removed: sync after that.
      void removing.then(() => this.schedule(uid));
      return;
    }
    e.running = this.#run(uid, e).finally(() => {
      e.running = undefined;
      if (e.again && this.#entries.get(uid) === e) {
        e.again = false;
        this.schedule(uid);
      }
    });
  }

  async #run(uid: string, e: Entry): Promise<void> {
    try {
      await this.#syncOnce(uid, e);
    } catch (err) {
      this.#o.log.warn('pod sync failed', { pod: `${e.pod.metadata?.namespace}/${e.pod.metadata?.name}`, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      this.#retry(uid, e, Date.now() + 2_000);
    }
  }

  #retry(uid: string, e: Entry, at: number): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      this.schedule(uid);
    }, Math.max(0, at - Date.now()) + 50);
  }

  async #syncOnce(uid: string, e: Entry): Promise<void> {
    const { syncer, runtime } = this.#o;
    const pod = e.pod;
    if (pod.metadata?.deletionTimestamp) {
      await syncer.killPod(pod, runtime.pod(uid), gracePeriodOf(pod));
      await runtime.relist();
      await this.#report(uid, e, true);
      if (!e.finalDeleted && this.#o.status && this.#apiPods.has(uid)) {
        await this.#o.status.finalDelete(pod);
        e.finalDeleted = true;
      }
      return;
    }
    const result = await syncer.sync(pod, this.#signal);
    e.waiting = result.waiting;
    await runtime.relist();
    await this.#report(uid, e, false);
    if (result.retryAt !== undefined && Number.isFinite(result.retryAt)) this.#retry(uid, e, result.retryAt);
  }

  async #report(uid: string, e: Entry, terminating: boolean): Promise<void> {
    const rp = this.#o.runtime.pod(uid);
    const { probes } = this.#o;
    const status = computePodStatus({
      pod: e.pod,
      runtime: rp,
      waiting: e.waiting,
      ready: (name) => probes.ready(uid, name),
      started: (name) => probes.started(uid, name),
      hostIP: this.#o.nodeIP,
      now: Date.now(),
      terminating,
    });
    e.status = status;
    e.pod = { ...e.pod, status };
    if (!terminating) {
      const sandbox = rp?.sandboxes[0];
      const running = (rp?.containers ?? []).filter((c) => !c.init);
      const latest = new Map<string, (typeof running)[number]>();
      for (const c of running) if (!latest.has(c.name)) latest.set(c.name, c);
      probes.update(e.pod, sandbox?.ip ?? this.#o.nodeIP, [...latest.values()].map((c) => ({ name: c.name, containerId: c.id, running: c.state === 'running', startedAt: c.startedAt })));
    }
    await this.#o.status?.report(e.pod, status);
  }

  /**
   * The relist loop (PLEG): every second, asks the runtime what changed and syncs those pods;
   * every 10 s syncs all of them; once the sources are read, removes what no source wants.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    let lastFull = 0;
    while (!signal.aborted) {
      try {
        await this.#o.runtime.relist();
        const changed = this.#o.runtime.takeChanged();
        const full = Date.now() - lastFull > 10_000;
        if (full) lastFull = Date.now();
        for (const uid of full ? this.#entries.keys() : changed) this.schedule(uid);
        if (this.sourcesReady()) {
          for (const rp of this.#o.runtime.pods()) if (!this.#entries.has(rp.uid)) this.#remove(rp.uid);
        }
      } catch (err) {
        this.#o.log.warn('relist failed', { error: err instanceof Error ? err.message : String(err) });
      }
      await sleep(1_000, signal);
    }
    for (const e of this.#entries.values()) if (e.timer) clearTimeout(e.timer);
    await Promise.allSettled([...[...this.#entries.values()].map((e) => e.running), ...this.#removing.values()]);
  }
}
