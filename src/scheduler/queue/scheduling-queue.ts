/**
 * The scheduling queue (upstream internal/queue PriorityQueue): activeQ, a heap by priority then
 * arrival, feeds the scheduling loop; backoffQ holds failed pods until their per-pod exponential
 * backoff (1 s doubling to 10 s) ends; unschedulable pods wait for a cluster event one of the
 * plugins that rejected them registered for, or for 5 minutes, whichever comes first. A move
 * request that arrives while a pod is being scheduled sends it to backoffQ, not to the
 * unschedulable pool, so no event is lost.
 */
import type { Clock } from '../../client/clock.js';
import type { ClusterEvent } from '../framework/interface.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Heap } from './heap.js';

/** A pod in the queue, with its scheduling history. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When it was last added (ordering within a priority, and the base of backoff). */
  timestamp: number;
  /** How many times it was popped for scheduling. */
  attempts: number;
  /** Plugins that rejected it in the last attempt (empty: retry on any event). */
  unschedulablePlugins: Set<string>;
}

/** Options of a {@link SchedulingQueue}. */
export interface SchedulingQueueOptions {
  clock: Clock;
  /** Plugin name → events that may undo its rejection. */
  pluginEvents: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may wait in the unschedulable pool before it is retried anyway (5 min). */
  maxUnschedulableMs?: number;
}

interface InFlight {
  qpi: QueuedPodInfo;
  cycle: number;
  /** The pod changed, or was deleted, while being scheduled. */
  updated: boolean;
  deleted: boolean;
}

/** Upstream flushes leftover unschedulable pods every 30 s. */
const UNSCHEDULABLE_FLUSH_MS = 30_000;

const keyOf = (q: QueuedPodInfo) => q.podInfo.key;

/** The three sub-queues and the moves between them. */
export class SchedulingQueue {
  readonly #o: Required<SchedulingQueueOptions>;
  readonly #active = new Heap<QueuedPodInfo>(keyOf, (a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp));
  readonly #backoff: Heap<QueuedPodInfo>;
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  readonly #inFlight = new Map<string, InFlight>();
  #cycle = 0;
  #moveRequestCycle = -1;
  #waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  #closed = false;
  #cancelBackoffTimer: (() => void) | undefined;
  #backoffTimerAt = Infinity;

  constructor(o: SchedulingQueueOptions) {
    this.#o = { initialBackoffMs: 1000, maxBackoffMs: 10_000, maxUnschedulableMs: 5 * 60_000, ...o };
    this.#backoff = new Heap<QueuedPodInfo>(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** The backoff after `attempts` failures: initial × 2^(attempts−1), capped. */
  backoffDuration(attempts: number): number {
    let d = this.#o.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d > this.#o.maxBackoffMs) return this.#o.maxBackoffMs;
    }
    return d;
  }

  backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q.attempts);
  }

  #backingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.#o.clock.now();
  }

  /** The scheduling cycle counter (bumped by every pop). */
  get schedulingCycle(): number {
    return this.#cycle;
  }

  /** Adds a new pending pod (an existing one is updated instead). */
  add(pod: PodInfo): void {
    if (this.#has(pod.key)) return this.update(pod);
    this.#pushActive({ podInfo: pod, timestamp: this.#o.clock.now(), attempts: 0, unschedulablePlugins: new Set() });
  }

  #has(key: string): boolean {
    return this.#active.has(key) || this.#backoff.has(key) || this.#unschedulable.has(key) || this.#inFlight.has(key);
  }

  /**
   * A newer version of a pending pod. In the unschedulable pool, a change the scheduler did not make
   * itself (spec, labels, annotations — not status) may make it fit, so it is retried.
   */
  update(pod: PodInfo): void {
    const k = pod.key;
    const act = this.#active.get(k);
    if (act) {
      act.podInfo = pod;
      this.#active.push(act);
      return;
    }
    const bo = this.#backoff.get(k);
    if (bo) {
      bo.podInfo = pod;
      return;
    }
    const un = this.#unschedulable.get(k);
    if (un) {
      const changed = podChanged(un.podInfo, pod);
      un.podInfo = pod;
      if (changed) this.#move(un);
      return;
    }
    const fl = this.#inFlight.get(k);
    if (fl) {
      if (podChanged(fl.qpi.podInfo, pod)) fl.updated = true;
      fl.qpi.podInfo = pod;
      return;
    }
    this.add(pod);
  }

  /** Forgets a pod (deleted, or bound by someone else). */
  delete(key: string): void {
    this.#active.remove(key);
    if (this.#backoff.remove(key)) this.#armBackoffTimer();
    this.#unschedulable.delete(key);
    const fl = this.#inFlight.get(key);
    if (fl) fl.deleted = true;
  }

  /** The next pod to schedule; waits for one; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    const q = this.#take();
    if (q) return Promise.resolve(q);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #take(): QueuedPodInfo | undefined {
    const q = this.#active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.#cycle++;
    this.#inFlight.set(keyOf(q), { qpi: q, cycle: this.#cycle, updated: false, deleted: false });
    return q;
  }

  #pushActive(q: QueuedPodInfo): void {
    this.#active.push(q);
    while (this.#waiters.length > 0 && this.#active.size > 0) {
      const w = this.#waiters.shift();
      w?.(this.#take());
    }
  }

  /** The scheduling attempt of `key` ended with the pod placed (or dropped). */
  done(key: string): void {
    this.#inFlight.delete(key);
  }

  /**
   * The attempt failed: the pod goes to the unschedulable pool, or to backoffQ when it failed with
   * an error, changed meanwhile, or a move request came during its attempt.
   */
  requeueFailed(q: QueuedPodInfo, unschedulablePlugins: Iterable<string>): void {
    const k = keyOf(q);
    const fl = this.#inFlight.get(k);
    this.#inFlight.delete(k);
    if (fl?.deleted || this.#active.has(k) || this.#backoff.has(k) || this.#unschedulable.has(k)) return;
    q.unschedulablePlugins = new Set(unschedulablePlugins);
    q.timestamp = this.#o.clock.now();
    const cycle = fl?.cycle ?? this.#cycle;
    if (q.unschedulablePlugins.size === 0 || fl?.updated || this.#moveRequestCycle >= cycle) {
      this.#pushBackoff(q);
    } else {
      this.#unschedulable.set(k, q);
    }
  }

  #pushBackoff(q: QueuedPodInfo): void {
    this.#backoff.push(q);
    this.#armBackoffTimer();
  }

  /** Sends a pod from the unschedulable pool to backoffQ or activeQ. */
  #move(q: QueuedPodInfo): void {
    this.#unschedulable.delete(keyOf(q));
    if (this.#backingOff(q)) this.#pushBackoff(q);
    else this.#pushActive(q);
  }

  #matches(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const p of q.unschedulablePlugins) if (this.#o.pluginEvents.get(p)?.has(event)) return true;
    return false;
  }

  /** A cluster event happened: retry the unschedulable pods it may help. */
  moveAllToActiveOrBackoff(event: ClusterEvent): void {
    for (const q of [...this.#unschedulable.values()]) if (this.#matches(q, event)) this.#move(q);
    this.#moveRequestCycle = this.#cycle;
  }

  /** Moves pods whose backoff has ended to activeQ. */
  flushBackoffCompleted(): void {
    for (;;) {
      const head = this.#backoff.peek();
      if (!head || this.#backingOff(head)) break;
      this.#backoff.pop();
      this.#pushActive(head);
    }
    this.#armBackoffTimer();
  }

  /** Retries pods that sat in the unschedulable pool longer than the limit. */
  flushUnschedulableLeftover(): void {
    const now = this.#o.clock.now();
    for (const q of [...this.#unschedulable.values()]) if (now - q.timestamp > this.#o.maxUnschedulableMs) this.#move(q);
  }

  #armBackoffTimer(): void {
    if (this.#closed) return;
    const head = this.#backoff.peek();
    const at = head ? this.backoffExpiry(head) : Infinity;
    if (at === this.#backoffTimerAt) return;
    this.#cancelBackoffTimer?.();
    this.#cancelBackoffTimer = undefined;
    this.#backoffTimerAt = at;
    if (at === Infinity) return;
    this.#cancelBackoffTimer = this.#o.clock.setTimer(at - this.#o.clock.now(), () => {
      this.#cancelBackoffTimer = undefined;
      this.#backoffTimerAt = Infinity;
      this.flushBackoffCompleted();
    });
  }

  /** Runs the periodic flush until `signal` aborts, then closes the queue. */
  run(signal: AbortSignal): void {
    let cancel: () => void = () => {};
    const tick = () => {
      this.flushUnschedulableLeftover();
      cancel = this.#o.clock.setTimer(UNSCHEDULABLE_FLUSH_MS, tick);
    };
    cancel = this.#o.clock.setTimer(UNSCHEDULABLE_FLUSH_MS, tick);
    signal.addEventListener('abort', () => {
      cancel();
      this.close();
    }, { once: true });
    if (signal.aborted) this.close();
  }

  /** Stops the queue: pending and future pops return undefined. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelBackoffTimer?.();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  /** Which sub-queue holds each pod (for tests and debugging). */
  dump(): { active: string[]; backoff: string[]; unschedulable: string[]; inFlight: string[] } {
    return {
      active: this.#active.values().map(keyOf).sort(),
      backoff: this.#backoff.values().map(keyOf).sort(),
      unschedulable: [...this.#unschedulable.keys()].sort(),
      inFlight: [...this.#inFlight.keys()].sort(),
    };
  }
}

/** Whether a pod changed in a way that may change where it fits (not status or bookkeeping). */
function podChanged(a: PodInfo, b: PodInfo): boolean {
  if (a.pod === b.pod) return false;
  const ma = a.pod.metadata ?? {};
  const mb = b.pod.metadata ?? {};
  return JSON.stringify(a.pod.spec) !== JSON.stringify(b.pod.spec) || JSON.stringify(ma.labels) !== JSON.stringify(mb.labels) || JSON.stringify(ma.annotations) !== JSON.stringify(mb.annotations);
}
