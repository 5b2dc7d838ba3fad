/**
 * The Job controller (upstream pkg/controller/job): informers on Jobs and pods feed a queue of Jobs
 * (pod events batched for a second, as upstream) and a queue of orphaned pods whose tracking
 * finalizer must go. `reconcile` claims the Job's pods (adopted ones get the finalizer) and runs
 * one sync (./sync.ts).
 *
 * Counting is upstream's finalizer scheme (./tracking.ts) plus one guard of our own: after a
 * status write, a cache still showing the Job's previous resourceVersion is stale, and the sync
 * waits for the newer one instead of counting against old counters.
 */
import { isNotFound } from '../../api/errors.js';
import type { Job } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { labelSelectorFromSpec } from '../../api/selectors.js';
import type { Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { objectKey, splitKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor } from '../controller.js';
import { Expectations } from '../util/expectations.js';
import { claimObjects, controllerOf, isControlledBy, withKind } from '../util/owner.js';
import { podKey } from '../util/pods.js';
import { WrittenVersions } from '../util/written-versions.js';
import { FinalizerExpectations, isJobFinished, type JobDeps } from './context.js';
import { SYNC_BATCH_MS } from './manage.js';
import { addFinalizerPatch, hasTrackingFinalizer, removeFinalizerPatch } from './pods.js';
import { syncJob } from './sync.js';

const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** The Job controller. */
export class JobController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #jobs: Informer<Job>;
  readonly #pods: Informer<Pod>;
  readonly #queue: WorkQueue<string>;
  readonly #orphans: WorkQueue<string>;
  readonly #jobClient: ResourceClient<Job>;
  readonly #podClient: ResourceClient<Pod>;
  readonly #expectations: Expectations;
  readonly #finalizers = new FinalizerExpectations();
  readonly #written = new WrittenVersions();
  readonly #deps: JobDeps;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#jobs = ctx.informers.informer<Job>(resources.jobs);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#orphans = new WorkQueue<string>({ clock: ctx.clock });
    this.#jobClient = clientFor<Job>(ctx, resources.jobs);
    this.#podClient = clientFor<Pod>(ctx, resources.pods);
    this.#expectations = new Expectations(ctx.clock);
    this.#deps = {
      now: () => ctx.clock.now(),
      pods: this.#podClient,
      jobs: this.#jobClient,
      events: ctx.events('job-controller'),
      expectations: this.#expectations,
      finalizers: this.#finalizers,
      requeue: (key, ms) => this.#queue.addAfter(key, ms),
      statusWritten: (key, previousRv, writtenRv) => this.#written.wrote(key, previousRv, writtenRv),
      logger: ctx.logger,
    };
    this.#jobs.addEventHandler({
      onAdd: (job) => this.#queue.add(objectKey(job)),
      onUpdate: (old, cur) => this.#jobUpdated(old, cur),
      onDelete: (job) => {
        this.#queue.add(objectKey(job));
        this.#orphanTrackedPods(job);
      },
    });
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#podAdded(pod),
      onUpdate: (old, cur) => this.#podUpdated(old, cur),
      onDelete: (pod) => this.#podDeleted(pod, true),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    const common = { workers: this.#ctx.settings.workers, logger: this.#ctx.logger, waitFor: [this.#jobs, this.#pods], signal };
    return Promise.all([
      runWorkers({ ...common, name: 'job', queue: this.#queue, reconcile: (k) => this.reconcile(k) }),
      runWorkers({ ...common, name: 'job-orphan-pods', queue: this.#orphans, reconcile: (k) => this.reconcileOrphanPod(k) }),
    ]).then(() => undefined);
  }

  /** The cached Job `pod`'s controller reference points at (same uid), if any. */
  #jobOf(pod: Pod): Job | undefined {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'Job') return undefined;
    const job = this.#jobs.store.getByName(pod.metadata?.namespace, ref.name);
    return job?.metadata?.uid === ref.uid ? job : undefined;
  }

  #batched(job: Job): void {
    this.#queue.addAfter(objectKey(job), SYNC_BATCH_MS);
  }

  /** Jobs whose selector matches an orphan pod (they may adopt it). */
  #matchingJobs(pod: Pod): Job[] {
    return this.#jobs.store.listByNamespace(pod.metadata?.namespace ?? '').filter((j) => {
      const sel = labelSelectorFromSpec(j.spec?.selector);
      return sel.ok && sel.value.matches(pod.metadata?.labels ?? {});
    });
  }

  #jobUpdated(old: Job, cur: Job): void {
    if (old.metadata?.generation === cur.metadata?.generation) this.#batched(cur);
    else this.#queue.add(objectKey(cur));
    // A finished Job's pods should have lost their finalizers already; this is the backstop.
    if (isJobFinished(cur)) this.#orphanTrackedPods(cur);
    const ads = cur.spec?.activeDeadlineSeconds;
    if (cur.status?.startTime && ads !== undefined && ads !== null && ads !== old.spec?.activeDeadlineSeconds) {
      this.#queue.addAfter(objectKey(cur), Date.parse(cur.status.startTime) + ads * 1000 - this.#ctx.clock.now());
    }
  }

  #orphanTrackedPods(job: Job): void {
    for (const p of this.#pods.store.listByNamespace(job.metadata?.namespace ?? '')) {
      if (hasTrackingFinalizer(p) && isControlledBy(p, job.metadata?.uid)) this.#orphans.add(podKey(p));
    }
  }

  #podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return this.#podDeleted(pod, false);
    if (controllerOf(pod)) {
      const job = this.#jobOf(pod);
      if (!job) {
        if (hasTrackingFinalizer(pod)) this.#orphans.add(podKey(pod));
        return;
      }
      this.#expectations.creationObserved(objectKey(job));
      return this.#batched(job);
    }
    if (hasTrackingFinalizer(pod)) this.#orphans.add(podKey(pod));
    for (const job of this.#matchingJobs(pod)) this.#batched(job);
  }

  #podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.#podDeleted(cur, false);
    const finalizerGone = !hasTrackingFinalizer(cur);
    const uid = cur.metadata?.uid ?? '';
    const refChanged = controllerOf(old)?.uid !== controllerOf(cur)?.uid;
    if (refChanged && controllerOf(old)) {
      const oldJob = this.#jobOf(old);
      if (oldJob) {
        if (finalizerGone) this.#finalizers.observed(objectKey(oldJob), uid);
        this.#batched(oldJob);
      }
    }
    if (controllerOf(cur)) {
      const job = this.#jobOf(cur);
      if (!job) return;
      if (finalizerGone) this.#finalizers.observed(objectKey(job), uid);
      return this.#batched(job);
    }
    if (hasTrackingFinalizer(cur)) this.#orphans.add(podKey(cur));
    if (refChanged || JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {})) {
      for (const job of this.#matchingJobs(cur)) this.#batched(job);
    }
  }

  /** A pod was deleted (`final`) or got its deletionTimestamp. */
  #podDeleted(pod: Pod, final: boolean): void {
    const tracked = hasTrackingFinalizer(pod);
    const job = controllerOf(pod) ? this.#jobOf(pod) : undefined;
    if (!job || isJobFinished(job)) {
      if (tracked && !final) this.#orphans.add(podKey(pod));
      return;
    }
    const key = objectKey(job);
    this.#expectations.deletionObserved(key, podKey(pod));
    if (final || !tracked) this.#finalizers.observed(key, pod.metadata?.uid ?? '');
    this.#batched(job);
  }

  /** Syncs the Job under `key`. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.#jobs.store.getByName(namespace, name);
    if (!cached) {
      this.#expectations.delete(key);
      this.#finalizers.delete(key);
      this.#written.forget(key);
      return;
    }
    // Our last status write is not in the cache yet; its update event brings the Job back.
    if (this.#written.isStale(key, cached.metadata?.resourceVersion)) return;
    if (isJobFinished(cached)) return;
    const managedBy = cached.spec?.managedBy;
    if (managedBy && managedBy !== JOB_CONTROLLER_NAME) return;
    const job = structuredClone(withKind(cached, resources.jobs));
    await syncJob(this.#deps, key, job, await this.#claimPods(job));
  }

  /** The Job's pods after adopting matching orphans (which get the tracking finalizer) and releasing non-matching ones. */
  async #claimPods(job: Job): Promise<Pod[]> {
    const sel = labelSelectorFromSpec(job.spec?.selector);
    if (!sel.ok) throw new Error(`job ${objectKey(job)}: invalid selector: ${sel.error}`);
    const uid = job.metadata?.uid;
    const candidates = this.#pods.store.listByNamespace(job.metadata?.namespace ?? '');
    const owned = new Set(candidates.filter((p) => isControlledBy(p, uid)).map((p) => p.metadata?.uid));
    const claimed = await claimObjects({
      owner: job,
      ownerResource: resources.jobs,
      selector: sel.value,
      candidates,
      client: this.#podClient,
      ownerClient: this.#jobClient,
    });
    const out: Pod[] = [];
    for (const p of claimed) {
      if (owned.has(p.metadata?.uid) || hasTrackingFinalizer(p)) {
        out.push(p);
        continue;
      }
      try {
        out.push(await this.#podClient.patch(p.metadata?.name ?? '', addFinalizerPatch(p), { type: 'json', namespace: p.metadata?.namespace }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return out;
  }

  /** Removes the tracking finalizer from a pod whose Job is gone or finished (upstream syncOrphanPod). */
  async reconcileOrphanPod(key: string): Promise<void> {
    const pod = this.#pods.store.get(key);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      let job = this.#jobOf(pod);
      if (!job) {
        // Not cached (yet): ask the API before releasing a pod a live Job still counts on.
        try {
          const fresh = await this.#jobClient.get(ref.name, { namespace: pod.metadata?.namespace });
          if (fresh.metadata?.uid === ref.uid) job = fresh;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      // Another controller manages that Job's pods; a live Job of ours still counts this one.
      if (job?.spec?.managedBy && job.spec.managedBy !== JOB_CONTROLLER_NAME) return;
      if (job && !isJobFinished(job)) return;
    }
    const patch = removeFinalizerPatch(pod);
    if (!patch) return;
    try {
      await this.#podClient.patch(pod.metadata?.name ?? '', patch, { type: 'json', namespace: pod.metadata?.namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** The Job controller's descriptor. */
export const jobController: ControllerDescriptor = { name: 'job', create: (ctx) => new JobController(ctx) };
