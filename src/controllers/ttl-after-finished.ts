/**
 * The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): a Job with
 * spec.ttlSecondsAfterFinished is deleted (propagationPolicy Foreground, so its pods go first)
 * that many seconds after its Complete or Failed condition. The TTL is re-checked on a fresh read
 * just before deleting, and the delete is guarded by the uid, so an edited TTL or a recreated Job
 * of the same name is never deleted by mistake.
 */
import { isConflict, isNotFound } from '../api/errors.js';
import type { Job } from '../api/generated/batch/v1.js';
import type { Informer } from '../client/informer.js';
import type { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import { objectKey, splitKey } from '../client/store.js';
import { WorkQueue } from '../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor } from './controller.js';

/** When the Job finished (its Complete/Failed condition's lastTransitionTime), if it has. */
export function jobFinishTime(job: Job): number | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

const hasTtl = (job: Job) => job.spec?.ttlSecondsAfterFinished !== undefined && job.spec.ttlSecondsAfterFinished !== null;
/** Has a TTL, has finished, and is not being deleted already (upstream needsCleanup, less redundant deletes). */
const needsCleanup = (job: Job) => hasTtl(job) && !job.metadata?.deletionTimestamp && job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') === true;

/** The TTL-after-finished controller. */
export class TtlAfterFinishedController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #jobs: Informer<Job>;
  readonly #client: ResourceClient<Job>;
  readonly #queue: WorkQueue<string>;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#jobs = ctx.informers.informer<Job>(resources.jobs);
    this.#client = clientFor<Job>(ctx, resources.jobs);
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    const enqueue = (job: Job) => {
      if (needsCleanup(job)) this.#queue.add(objectKey(job));
    };
    this.#jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, cur) => enqueue(cur) });
  }

  run(signal: AbortSignal): Promise<void> {
    return runWorkers({ name: 'ttl-after-finished', queue: this.#queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#jobs], signal });
  }

  /** How long until `job` expires (ms, ≤ 0 when due), or undefined when it has no TTL or has not finished. */
  #timeLeft(job: Job): number | undefined {
    if (!needsCleanup(job)) return undefined;
    const finished = jobFinishTime(job);
    if (finished === undefined) {
      this.#ctx.logger.warn('ttl-after-finished: finished Job has no finish time', { job: objectKey(job) });
      return undefined;
    }
    const now = this.#ctx.clock.now();
    if (finished > now) this.#ctx.logger.warn('ttl-after-finished: Job finished in the future (clock skew); cleanup deferred', { job: objectKey(job) });
    return finished + (job.spec?.ttlSecondsAfterFinished ?? 0) * 1000 - now;
  }

  /** Deletes the Job if its TTL has expired, else requeues it for when it will. */
  async reconcile(key: string): Promise<void> {
    const left = await this.expire(key);
    if (left !== undefined) this.#queue.addAfter(key, left);
  }

  /** Deletes the Job under `key` if its TTL has expired; returns how long until it will (ms), if it has yet to. */
  async expire(key: string): Promise<number | undefined> {
    const { namespace, name } = splitKey(key);
    const cached = this.#jobs.store.getByName(namespace, name);
    if (!cached) return undefined;
    const left = this.#timeLeft(cached);
    if (left === undefined || left > 0) return left;
    // The cache may be stale (the TTL edited, the Job recreated): decide on a fresh read.
    let fresh: Job;
    try {
      fresh = await this.#client.get(name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
    const freshLeft = this.#timeLeft(fresh);
    if (freshLeft === undefined || freshLeft > 0) return freshLeft;
    try {
      await this.#client.delete(name, { namespace, propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata?.uid } });
      this.#ctx.logger.info('ttl-after-finished: deleted expired Job', { job: key });
    } catch (e) {
      // Gone already, or replaced by a Job with another uid (which gets its own turn).
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    return undefined;
  }
}

/** The TTL-after-finished controller's descriptor. */
export const ttlAfterFinishedController: ControllerDescriptor = { name: 'ttl-after-finished', create: (ctx) => new TtlAfterFinishedController(ctx) };
