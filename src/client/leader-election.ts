/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection: candidates
 * race to write their identity into the Lease with optimistic concurrency (the resourceVersion
 * fences concurrent writers), the leader renews every retryPeriod, and a leader that cannot renew
 * within renewDeadline steps down. Others take over once leaseDuration passes without a renewal
 * they observed (measured on their own clock, so clock skew between machines does not matter).
 */
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors.js';
import type { Lease, LeaseSpec } from '../api/generated/coordination/v1.js';
import { createLogger, type Logger } from '../util/log.js';
import { realClock, sleep, type Clock } from './clock.js';
import { ResourceClient } from './resource.js';
import type { Transport } from './types.js';
import { microTime } from '../api/time.js';
import { errorText } from '../util/errors.js';

/** The Lease resource. */
export const leasesResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' } as const;

/** Options of a {@link LeaderElector}. */
export interface LeaderElectionOptions {
  client: Transport;
  /** The Lease's namespace and name. */
  namespace: string;
  name: string;
  /** This candidate's unique identity (hostname + uid, typically). */
  identity: string;
  /** How long a lease lasts without renewal (default 15 000 ms). */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failed renewal before stepping down (default 10 000 ms). */
  renewDeadlineMs?: number;
  /** Time between attempts (default 2 000 ms). */
  retryPeriodMs?: number;
  /** Give the lease up on cancel so a successor need not wait it out (default true). */
  releaseOnCancel?: boolean;
  /** Runs while leading; its signal aborts when leadership ends. It must return once it does. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called after leading ends (after onStartedLeading's promise settled). */
  onStoppedLeading?: () => void;
  /** Called when a different holder is observed (including ourselves). */
  onNewLeader?: (identity: string) => void;
  clock?: Clock;
  logger?: Logger;
}

/** RFC 3339 with microseconds, the MicroTime wire format. */

/** One candidate in a Lease-based election. */
export class LeaderElector {
  readonly #o: LeaderElectionOptions;
  readonly #leases: ResourceClient<Lease>;
  readonly #clock: Clock;
  readonly #log: Logger;
  #observedKey = '';
  #observedTime = 0;
  #holder: string | undefined;
  #leading = false;

  constructor(options: LeaderElectionOptions) {
    this.#o = options;
    this.#leases = new ResourceClient<Lease>(options.client, leasesResource);
    this.#clock = options.clock ?? realClock;
    this.#log = options.logger ?? createLogger('leader-election');
  }

  get #durationMs() {
    return this.#o.leaseDurationMs ?? 15_000;
  }
  get #retryMs() {
    return this.#o.retryPeriodMs ?? 2_000;
  }

  /** True while this candidate holds the lease. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed in the Lease. */
  leader(): string | undefined {
    return this.#holder;
  }

  /**
   * Campaigns until elected, leads until leadership is lost or `signal` aborts, then resolves
   * (after onStoppedLeading). Run it again to campaign again.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !(await this.#tryAcquireOrRenew())) await sleep(this.#clock, this.#retryMs, signal);
    if (signal.aborted) return;
    this.#leading = true;
    const leading = new AbortController();
    const stop = () => leading.abort();
    signal.addEventListener('abort', stop, { once: true });
    const work = Promise.resolve()
      .then(() => this.#o.onStartedLeading(leading.signal))
      .catch((e: unknown) => this.#log.error('onStartedLeading failed', { error: errorText(e) }));
    try {
      await this.#renewLoop(signal);
    } finally {
      signal.removeEventListener('abort', stop);
      leading.abort();
      await work;
      if (signal.aborted && (this.#o.releaseOnCancel ?? true)) await this.#release();
      this.#leading = false;
      this.#o.onStoppedLeading?.();
    }
  }

  /** Renews until a renewal round fails for renewDeadline, or `signal` aborts. */
  async #renewLoop(signal: AbortSignal): Promise<void> {
    const deadlineMs = this.#o.renewDeadlineMs ?? 10_000;
    while (!signal.aborted) {
      await sleep(this.#clock, this.#retryMs, signal);
      if (signal.aborted) return;
      const deadline = this.#clock.now() + deadlineMs;
      let renewed = false;
      // Each attempt gets only what is left of the deadline: a slow get followed by a slow update
      // must not carry the leader past renewDeadline (and past the lease others see expire).
      while (!signal.aborted && !(renewed = await this.#tryAcquireOrRenew(deadline))) {
        if (this.#clock.now() >= deadline) break;
        await sleep(this.#clock, Math.min(this.#retryMs, deadline - this.#clock.now()), signal);
        if (this.#clock.now() >= deadline) break;
      }
      if (!renewed && !signal.aborted) {
        this.#log.warn('failed to renew lease; stepping down', { lease: `${this.#o.namespace}/${this.#o.name}`, identity: this.#o.identity });
        return;
      }
    }
  }

  #observe(spec: LeaseSpec, now: number): void {
    const key = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime, spec.leaseTransitions, spec.leaseDurationSeconds]);
    if (key !== this.#observedKey) {
      this.#observedKey = key;
      this.#observedTime = now;
    }
    const holder = spec.holderIdentity || undefined;
    if (holder !== this.#holder) {
      this.#holder = holder;
      if (holder) this.#o.onNewLeader?.(holder);
    }
  }

  /** One attempt: create the Lease, or take it if free/expired, or renew it if ours; every request ends by `deadline` (default: renewDeadline from now). */
  async #tryAcquireOrRenew(deadline?: number): Promise<boolean> {
    const now = this.#clock.now();
    const { namespace, name, identity } = this.#o;
    const end = deadline ?? now + (this.#o.renewDeadlineMs ?? 10_000);
    const timeoutMs = () => Math.max(1, end - this.#clock.now());
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.#durationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      let lease: Lease;
      try {
        lease = await this.#leases.get(name, { namespace, timeoutMs: timeoutMs() });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const created = await this.#leases.create({ metadata: { name, namespace }, spec }, { namespace, timeoutMs: timeoutMs() });
        this.#observe(created.spec ?? spec, now);
        return true;
      }
      const old = lease.spec ?? {};
      this.#observe(old, now);
      const ours = old.holderIdentity === identity;
      const durationMs = (old.leaseDurationSeconds ?? 0) * 1000;
      if (old.holderIdentity && !ours && this.#observedTime + durationMs > now) return false;
      const next: LeaseSpec = {
        ...spec,
        acquireTime: ours ? old.acquireTime : spec.acquireTime,
        leaseTransitions: (old.leaseTransitions ?? 0) + (ours ? 0 : 1),
      };
      const updated = await this.#leases.update({ ...lease, spec: next }, { namespace, timeoutMs: timeoutMs() });
      this.#observe(updated.spec ?? next, now);
      return true;
    } catch (e) {
      if (!isConflict(e) && !isAlreadyExists(e)) this.#log.warn('lease attempt failed', { error: errorText(e) });
      return false;
    }
  }

  /** Gives the lease up: empty holder, 1 s duration, so the next candidate need not wait. */
  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#o;
    try {
      const lease = await this.#leases.get(name, { namespace, timeoutMs: 5_000 });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = microTime(this.#clock.now());
      const spec: LeaseSpec = { leaseDurationSeconds: 1, leaseTransitions: lease.spec.leaseTransitions, renewTime: now, acquireTime: now };
      await this.#leases.update({ ...lease, spec }, { namespace, timeoutMs: 5_000 });
      this.#holder = undefined;
    } catch (e) {
      this.#log.warn('failed to release lease', { error: errorText(e) });
    }
  }
}
