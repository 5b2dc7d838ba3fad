/**
 * What one Job sync works with (upstream syncJobCtx), what it is given by the controller, the
 * expected finalizer removals, and the Job condition helpers.
 */
import type { Job, JobCondition } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import type { ResourceClient } from '../../client/resource.js';
import type { Logger } from '../../util/log.js';
import type { EventSink } from '../controller.js';
import type { Expectations } from '../util/expectations.js';

/** The controller's side of a sync: clients, Events, expectations, time and requeueing. */
export interface JobDeps {
  now(): number;
  pods: ResourceClient<Pod>;
  jobs: ResourceClient<Job>;
  events: EventSink;
  expectations: Expectations;
  finalizers: FinalizerExpectations;
  requeue(key: string, afterMs: number): void;
  /** A status write replaced the Job at `previousRv` with `writtenRv`: a cache still showing `previousRv` is stale. */
  statusWritten(key: string, previousRv: string | undefined, writtenRv: string | undefined): void;
  logger: Logger;
}

/** The state of one sync. `job` is the working copy (kind set); status writes replace it with the server's answer. */
export interface SyncContext {
  key: string;
  job: Job;
  pods: Pod[];
  active: Pod[];
  ready: number;
  terminating: number;
  /** status.uncountedTerminatedPods as the sync found it. */
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  /** Pods whose finalizer removal was sent but not yet seen: they count as already counted. */
  expectedRm: ReadonlySet<string>;
  succeeded: number;
  failed: number;
  /** The terminal condition the Job is heading to (FailureTarget/SuccessCriteriaMet first, then Failed/Complete). */
  finished?: JobCondition;
  /** Indexed Jobs: indexes done per status, and including pods succeeded since. */
  prevSucceededIndexes?: ReadonlySet<number>;
  succeededIndexes?: Set<number>;
}

/**
 * Finalizer removals sent per Job (by pod uid) until the informer shows the pod without the
 * finalizer or deleted: until then the pod's stale cached copy must not be counted again.
 */
export class FinalizerExpectations {
  readonly #byJob = new Map<string, Set<string>>();

  expect(jobKey: string, uids: readonly string[]): void {
    const set = this.#byJob.get(jobKey) ?? new Set<string>();
    for (const u of uids) set.add(u);
    this.#byJob.set(jobKey, set);
  }

  observed(jobKey: string, uid: string): void {
    const set = this.#byJob.get(jobKey);
    set?.delete(uid);
    if (set?.size === 0) this.#byJob.delete(jobKey);
  }

  expected(jobKey: string): ReadonlySet<string> {
    return new Set(this.#byJob.get(jobKey) ?? []);
  }

  delete(jobKey: string): void {
    this.#byJob.delete(jobKey);
  }
}

/** `e` as an Error (API errors already are). */
export const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(typeof e === 'string' ? e : JSON.stringify(e)));

/** A True (or given) condition stamped `now`. */
export function newCondition(type: string, reason: string, message: string, now: number, status = 'True'): JobCondition {
  return { type, status, reason, message, lastProbeTime: rfc3339(now), lastTransitionTime: rfc3339(now) };
}

export const findCondition = (job: Job, type: string): JobCondition | undefined => job.status?.conditions?.find((c) => c.type === type);

/** Complete or Failed is True. */
export const isJobFinished = (job: Job): boolean => (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/**
 * Sets condition `type` to status/reason/message (upstream ensureJobConditionStatus): an existing
 * one is replaced when any of them differ; a missing one is added unless the status is False.
 * Returns whether anything changed.
 */
export function ensureCondition(job: Job, c: { type: string; status: string; reason: string; message: string }, now: number): boolean {
  const status = (job.status ??= {});
  const list = (status.conditions ??= []);
  const i = list.findIndex((x) => x.type === c.type);
  const existing = list[i];
  if (existing) {
    if (existing.status === c.status && existing.reason === c.reason && existing.message === c.message) return false;
    list[i] = newCondition(c.type, c.reason, c.message, now, c.status);
    return true;
  }
  if (c.status === 'False') return false;
  list.push(newCondition(c.type, c.reason, c.message, now, c.status));
  return true;
}
