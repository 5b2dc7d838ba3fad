// Periodic probing of running containers (the kubelet's prober manager and workers): one worker per
// pod, container and probe kind, with initial delay, period, thresholds, startup gating, a hold
// after a liveness/startup failure until a new container appears, and Unhealthy events.
import type { Container, Pod, Probe } from '../../api/generated/core/v1.js';
import { type Clock, realClock } from './clock.js';
import { type ExecFn, type ProbeKind, probeTiming, type ProbeTarget, runProbe } from './probe.js';
import type { ProbeResult } from './result.js';

/** What the manager is told about each container of a pod. */
export interface ContainerRunState {
  name: string;
  containerId: string;
  running: boolean;
  /** When the container started, epoch milliseconds (the initial delay counts from here). */
  startedAt: number;
}

/** Options for {@link ProbeManager}. */
export interface ProbeManagerOptions {
  exec: ExecFn;
  /** Readiness or startup of a container of this pod changed: the kubelet should recompute status. */
  onChange: (podUid: string) => void;
  /** A liveness or startup probe crossed its failure threshold: restart the container (once per container id). */
  onLivenessFailure: (pod: Pod, containerName: string, containerId: string, message: string) => void;
  /** An event for the pod's container: `Unhealthy` on failures, `ProbeWarning` on warnings. */
  onEvent: (pod: Pod, reason: 'Unhealthy' | 'ProbeWarning', message: string, containerName: string) => void;
  clock?: Clock;
  /** The probe runner (tests replace it); default {@link runProbe}. */
  run?: (probe: Probe, target: ProbeTarget) => Promise<ProbeResult>;
}

type Value = 'success' | 'failure' | undefined;

interface Worker {
  kind: ProbeKind;
  container: Container;
  probe: Probe;
  containerId: string;
  startedAt: number;
  running: boolean;
  /** The published result; undefined is "not yet known" (startup before its first success). */
  value: Value;
  lastResult: Value;
  resultRun: number;
  /** After a liveness/startup failure: no probing until the container id changes. */
  onHold: boolean;
  timer: unknown;
  inFlight: boolean;
  /** Bumped on every reset so a probe that finishes afterwards is ignored. */
  generation: number;
}

interface PodEntry {
  pod: Pod;
  podIP: string;
  workers: Map<string, Worker>;
  running: Map<string, boolean>;
}

const KINDS: ProbeKind[] = ['startup', 'liveness', 'readiness'];
const TITLE: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
/** The kubelet retries a probe that errored (not one that failed) this many times. */
const MAX_PROBE_RETRIES = 3;

const initialValue = (kind: ProbeKind): Value => (kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : undefined);
const probeOf = (c: Container, kind: ProbeKind): Probe | undefined =>
  kind === 'liveness' ? c.livenessProbe : kind === 'readiness' ? c.readinessProbe : c.startupProbe;

/** Probes the running containers of the pods it is told about; see the module header. */
export class ProbeManager {
  readonly #o: ProbeManagerOptions;
  readonly #clock: Clock;
  readonly #run: (probe: Probe, target: ProbeTarget) => Promise<ProbeResult>;
  readonly #pods = new Map<string, PodEntry>();
  #stopped = false;

  constructor(o: ProbeManagerOptions) {
    this.#o = o;
    this.#clock = o.clock ?? realClock;
    this.#run = o.run ?? runProbe;
  }

  /**
   * Brings the workers of `pod` in line with its containers: starts workers for running containers
   * with probes, resets a worker when its container id changes, pauses workers of containers that
   * are not running (readiness false). Liveness and startup stop once the pod is being deleted.
   */
  update(pod: Pod, podIP: string, containers: ContainerRunState[]): void {
    if (this.#stopped) return;
    const uid = pod.metadata?.uid ?? '';
    let entry = this.#pods.get(uid);
    if (!entry) {
      entry = { pod, podIP, workers: new Map(), running: new Map() };
      this.#pods.set(uid, entry);
    }
    entry.pod = pod;
    entry.podIP = podIP;
    const states = new Map(containers.map((c) => [c.name, c]));
    entry.running = new Map(containers.map((c) => [c.name, c.running]));
    const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const deleting = pod.metadata?.deletionTimestamp !== undefined;
    // Sidecars (restartable init containers) are probed like regular containers.
    const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    const wanted = new Set<string>();
    for (const c of specs) {
      for (const kind of KINDS) {
        const probe = probeOf(c, kind);
        if (!probe || terminal || (deleting && kind !== 'readiness')) continue;
        const key = `${c.name}/${kind}`;
        wanted.add(key);
        const st = states.get(c.name);
        let w = entry.workers.get(key);
        if (!w) {
          w = { kind, container: c, probe, containerId: '', startedAt: 0, running: false, value: initialValue(kind), lastResult: undefined, resultRun: 0, onHold: false, timer: undefined, inFlight: false, generation: 0 };
          entry.workers.set(key, w);
        }
        w.container = c;
        w.probe = probe;
        const id = st?.containerId ?? '';
        if (id !== w.containerId) this.#reset(w, id);
        w.startedAt = st?.startedAt ?? 0;
        w.running = st?.running === true;
        if (!w.running) {
          this.#cancel(w);
          if (kind === 'readiness') w.value = 'failure';
        } else if (w.timer === undefined && !w.inFlight) {
          this.#schedule(uid, w, this.#firstRunAt(w));
        }
      }
    }
    for (const [key, w] of entry.workers) {
      if (wanted.has(key)) continue;
      this.#cancel(w);
      w.generation++;
      entry.workers.delete(key);
    }
  }

  /** Whether the container counts as started: no startup probe, or it has succeeded (false when not running). */
  started(podUid: string, name: string): boolean {
    const entry = this.#pods.get(podUid);
    if (entry?.running.get(name) === false) return false;
    const w = entry?.workers.get(`${name}/startup`);
    return w ? w.value === 'success' : true;
  }

  /** Whether the container is ready: started, and its readiness probe (if any) has succeeded. */
  ready(podUid: string, name: string): boolean {
    if (!this.started(podUid, name)) return false;
    const w = this.#pods.get(podUid)?.workers.get(`${name}/readiness`);
    return w ? w.value === 'success' : true;
  }

  /** Stops and forgets every worker of the pod. */
  removePod(uid: string): void {
    const entry = this.#pods.get(uid);
    if (!entry) return;
    for (const w of entry.workers.values()) {
      this.#cancel(w);
      w.generation++;
    }
    this.#pods.delete(uid);
  }

  /** Stops all workers; probes in flight finish without effect. */
  stop(): void {
    this.#stopped = true;
    for (const uid of [...this.#pods.keys()]) this.removePod(uid);
  }

  #reset(w: Worker, containerId: string): void {
    this.#cancel(w);
    w.generation++;
    w.containerId = containerId;
    w.value = initialValue(w.kind);
    w.lastResult = undefined;
    w.resultRun = 0;
    w.onHold = false;
    w.inFlight = false;
  }

  #cancel(w: Worker): void {
    if (w.timer !== undefined) this.#clock.clearTimeout(w.timer);
    w.timer = undefined;
  }

  #firstRunAt(w: Worker): number {
    return Math.max(this.#clock.now(), w.startedAt + probeTiming(w.probe).initialDelaySeconds * 1000);
  }

  #schedule(uid: string, w: Worker, at: number): void {
    this.#cancel(w);
    const gen = w.generation;
    w.timer = this.#clock.setTimeout(
      () => {
        w.timer = undefined;
        if (gen !== w.generation) return;
        void this.#tick(uid, w);
      },
      Math.max(0, at - this.#clock.now()),
    );
  }

  /** One probe period: gate, probe, apply thresholds, publish, reschedule. */
  async #tick(uid: string, w: Worker): Promise<void> {
    const entry = this.#pods.get(uid);
    if (!entry || !w.running || w.onHold || this.#stopped) return;
    const timing = probeTiming(w.probe);
    const next = () => this.#schedule(uid, w, this.#clock.now() + timing.periodSeconds * 1000);
    // Startup gating: before startup succeeds only the startup probe runs; after, only the others.
    const started = this.started(uid, w.container.name);
    if (w.kind === 'startup' ? started : !started) return;
    if (this.#clock.now() < w.startedAt + timing.initialDelaySeconds * 1000) {
      this.#schedule(uid, w, this.#firstRunAt(w));
      return;
    }
    const gen = w.generation;
    w.inFlight = true;
    let r: ProbeResult = { result: 'unknown', output: '' };
    try {
      const target: ProbeTarget = { podIP: entry.podIP, containerId: w.containerId, exec: this.#o.exec, container: w.container };
      for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
        try {
          r = await this.#run(w.probe, target);
        } catch (err) {
          r = { result: 'unknown', output: (err as Error).message };
        }
        if (r.result !== 'unknown') break;
      }
    } finally {
      w.inFlight = false;
    }
    if (gen !== w.generation || this.#stopped || this.#pods.get(uid) !== entry) return;
    const pod = entry.pod;
    const name = w.container.name;
    const title = TITLE[w.kind];
    if (r.result === 'unknown') {
      // An errored probe says nothing about the container; the kubelet discards it.
      this.#o.onEvent(pod, 'Unhealthy', `${title} probe errored and resulted in unknown state: ${r.output}`, name);
      next();
      return;
    }
    if (r.result === 'failure') this.#o.onEvent(pod, 'Unhealthy', `${title} probe failed: ${r.output}`, name);
    if (r.result === 'warning') this.#o.onEvent(pod, 'ProbeWarning', `${title} probe warning: ${r.output}`, name);
    const result: Value = r.result === 'failure' ? 'failure' : 'success';
    if (w.lastResult === result) w.resultRun++;
    else {
      w.lastResult = result;
      w.resultRun = 1;
    }
    const below = result === 'failure' ? w.resultRun < timing.failureThreshold : w.resultRun < timing.successThreshold;
    if (!below) this.#publish(uid, entry, w, result);
    if (w.kind === 'startup' && w.value === 'success') return;
    if (!w.onHold) next();
  }

  #publish(uid: string, entry: PodEntry, w: Worker, result: 'success' | 'failure'): void {
    const changed = w.value !== result;
    w.value = result;
    if ((w.kind === 'liveness' || w.kind === 'startup') && result === 'failure') {
      // The container will be restarted; probing resumes for the next container id.
      w.onHold = true;
      w.resultRun = 0;
      this.#o.onLivenessFailure(entry.pod, w.container.name, w.containerId, `Container ${w.container.name} failed ${w.kind} probe, will be restarted`);
    }
    if (changed && w.kind !== 'liveness') this.#o.onChange(uid);
    if (changed && w.kind === 'startup' && result === 'success') {
      // Startup done: liveness and readiness begin now rather than at their next period.
      for (const kind of ['liveness', 'readiness'] as const) {
        const other = entry.workers.get(`${w.container.name}/${kind}`);
        if (other && other.running && !other.inFlight && !other.onHold) this.#schedule(uid, other, this.#firstRunAt(other));
      }
    }
  }
}
