/**
 * The CronJob controller (upstream pkg/controller/cronjob, ControllerV2): for each CronJob, keep
 * status.active in step with its Jobs, delete finished Jobs beyond the history limits, and when an
 * activation is due create the Job `<cronjob>-<scheduled minutes since the epoch>` (the name is the
 * lock: two managers never create one activation twice), honouring suspend, timeZone,
 * startingDeadlineSeconds and concurrencyPolicy; then requeue for the next activation.
 */
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { CronJob, Job } from '../../api/generated/batch/v1.js';
import type { ObjectReference } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import type { Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { splitKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { controllerOf, isControlledBy, newControllerRef, withKind } from '../util/owner.js';
import { WrittenVersions } from '../util/written-versions.js';
import { parseCron, type CronSchedule } from './cron.js';
import { finishedType, formatScheduledTimestamp, jobReference, removeOldestJobs } from './jobs.js';
import { mostRecentScheduleTime, nextScheduleDelay } from './schedule.js';
import { Zone } from './zone.js';
import { errorText } from '../../util/errors.js';

/** The annotation with the activation a Job was created for (RFC 3339 in the CronJob's zone). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const TOO_MANY_MISSED = 100;

/** Options beyond the context: the zone schedules without timeZone use (default: this process's). */
export interface CronJobControllerOptions {
  defaultZone?: Zone;
}

/** The CronJob controller. */
export class CronJobController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #cronJobs: Informer<CronJob>;
  readonly #jobs: Informer<Job>;
  readonly #queue: WorkQueue<string>;
  readonly #cjClient: ResourceClient<CronJob>;
  readonly #jobClient: ResourceClient<Job>;
  readonly #events: EventSink;
  readonly #zone: Zone;
  readonly #written = new WrittenVersions();

  constructor(ctx: ControllerContext, options: CronJobControllerOptions = {}) {
    this.#ctx = ctx;
    this.#zone = options.defaultZone ?? Zone.local();
    this.#cronJobs = ctx.informers.informer<CronJob>(resources.cronjobs);
    this.#jobs = ctx.informers.informer<Job>(resources.jobs);
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#cjClient = clientFor<CronJob>(ctx, resources.cronjobs);
    this.#jobClient = clientFor<Job>(ctx, resources.jobs);
    this.#events = ctx.events('cronjob-controller');
    this.#cronJobs.addEventHandler({
      onAdd: (cj) => this.#enqueue(cj),
      onUpdate: (old, cur) => this.#cronJobUpdated(old, cur),
    });
    this.#jobs.addEventHandler({
      onAdd: (j) => this.#enqueueOwner(j),
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        if (controllerOf(old)?.uid !== controllerOf(cur)?.uid) this.#enqueueOwner(old);
        this.#enqueueOwner(cur);
      },
      onDelete: (j) => this.#enqueueOwner(j),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runWorkers({ name: 'cronjob', queue: this.#queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#cronJobs, this.#jobs], signal });
  }

  #enqueue(cj: CronJob, afterMs = 0): void {
    const key = `${cj.metadata?.namespace ?? ''}/${cj.metadata?.name ?? ''}`;
    if (afterMs > 0) this.#queue.addAfter(key, afterMs);
    else this.#queue.add(key);
  }

  #enqueueOwner(job: Job): void {
    const ref = controllerOf(job);
    if (ref?.kind !== 'CronJob') return;
    const cj = this.#cronJobs.store.getByName(job.metadata?.namespace, ref.name);
    if (cj && cj.metadata?.uid === ref.uid) this.#enqueue(cj);
  }

  /** A changed schedule or zone waits for its next activation (no late start for the new schedule); anything else syncs now. */
  #cronJobUpdated(old: CronJob, cur: CronJob): void {
    if (old.spec?.schedule === cur.spec?.schedule && old.spec?.timeZone === cur.spec?.timeZone) return this.#enqueue(cur);
    const schedule = this.#schedule(cur);
    if (!schedule.ok) {
      this.#events.record(withKind(cur, resources.cronjobs), 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec?.schedule ?? ''}`);
      return;
    }
    const delay = nextScheduleDelay(cur, this.#ctx.clock.now(), schedule.value);
    if (delay !== undefined) this.#enqueue(cur, delay);
  }

  /** The schedule with spec.timeZone applied (a TZ in the schedule itself wins, as upstream formatSchedule). */
  #schedule(cj: CronJob): { ok: true; value: CronSchedule } | { ok: false; error: string } {
    const spec = cj.spec?.schedule ?? '';
    const tz = cj.spec?.timeZone;
    if (!spec.includes('TZ') && tz !== undefined && tz !== null && Zone.load(tz)) return parseCron(`TZ=${tz} ${spec}`, this.#zone);
    return parseCron(spec, this.#zone);
  }

  /** Syncs one CronJob and requeues it for its next activation. */
  async reconcile(key: string): Promise<void> {
    const delay = await this.sync(key);
    if (delay !== undefined) this.#queue.addAfter(key, delay);
  }

  /** Upstream `sync`: clean up history, sync, write status once; returns when to look again (ms), if ever. */
  async sync(key: string): Promise<number | undefined> {
    const { namespace, name } = splitKey(key);
    const cached = this.#cronJobs.store.getByName(namespace, name);
    if (!cached) {
      this.#written.forget(key);
      return undefined;
    }
    // Our last status write is not in the cache yet (its watch event brings the CronJob back).
    if (this.#written.isStale(key, cached.metadata?.resourceVersion)) return undefined;
    const cj = structuredClone(withKind(cached, resources.cronjobs));
    const jobs = this.#jobs.store.listByNamespace(namespace).filter((j) => isControlledBy(j, cj.metadata?.uid));
    const cleaned = await removeFinishedBeyondLimits(cj, jobs, this.#jobClient, this.#events);
    const { requeueAfter, updateStatus } = await this.#syncCronJob(cj, jobs);
    if (cleaned || updateStatus) {
      const before = cj.metadata?.resourceVersion;
      const written = await this.#cjClient.updateStatus(cj, { namespace });
      this.#written.wrote(key, before, written.metadata?.resourceVersion);
    }
    return requeueAfter;
  }

  /** Upstream `syncCronJob`: mutates `cj.status` (the caller writes it) and says when to requeue. */
  async #syncCronJob(cj: CronJob, jobs: readonly Job[]): Promise<{ requeueAfter?: number; updateStatus: boolean }> {
    const now = this.#ctx.clock.now();
    const ns = cj.metadata?.namespace ?? '';
    const status = (cj.status ??= {});
    let updateStatus = false;
    const record = (type: 'Normal' | 'Warning', reason: string, message: string) => this.#events.record(cj, type, reason, message);
    const inActive = (uid: string | undefined) => (status.active ?? []).some((r) => r.uid === uid);
    const dropActive = (uid: string | undefined) => {
      status.active = (status.active ?? []).filter((r) => r.uid !== uid);
    };

    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata?.uid ?? '');
      const found = inActive(j.metadata?.uid);
      const finished = finishedType(j);
      if (!found && !finished) {
        // Maybe our own status write is not in the cache yet: check the fresh CronJob first.
        const fresh = await this.#cjClient.get(cj.metadata?.name ?? '', { namespace: ns });
        if ((fresh.status?.active ?? []).some((r) => r.uid === j.metadata?.uid)) {
          Object.assign(cj, structuredClone(withKind(fresh, resources.cronjobs)));
          cj.status ??= {};
          return this.#syncCronJob(cj, jobs);
        }
        record('Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name ?? ''}`);
      } else if (found && finished) {
        dropActive(j.metadata?.uid);
        record('Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name ?? ''}, condition: ${finished}`);
        updateStatus = true;
      }
      if (finished === 'Complete' && j.status?.completionTime) {
        const last = status.lastSuccessfulTime ? Date.parse(status.lastSuccessfulTime) : -Infinity;
        if (Date.parse(j.status.completionTime) > last) {
          status.lastSuccessfulTime = j.status.completionTime;
          updateStatus = true;
        }
      }
    }

    // Active references whose Job is gone (asked of the API, not the cache, which may lag).
    for (const ref of [...(status.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.#jobClient.get(ref.name ?? '', { namespace: ref.namespace ?? ns });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        record('Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
        dropActive(ref.uid);
        updateStatus = true;
      }
    }

    if (cj.metadata?.deletionTimestamp) return { updateStatus };
    const tz = cj.spec?.timeZone;
    if (tz !== undefined && tz !== null && !Zone.load(tz)) {
      record('Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`);
      return { updateStatus };
    }
    if (cj.spec?.suspend === true) return { updateStatus };
    if ((cj.spec?.schedule ?? '').includes('TZ')) {
      record('Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule "${cj.spec?.schedule ?? ''}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    const parsed = this.#schedule(cj);
    if (!parsed.ok) {
      record('Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule ?? ''}" : ${parsed.error}`);
      return { updateStatus };
    }
    const schedule = parsed.value;
    const requeue = () => nextScheduleDelay(cj, now, schedule);
    const recent = mostRecentScheduleTime(cj, now, schedule, true);
    if (recent.error !== undefined) {
      record('Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule ?? ''} : ${recent.error}`);
      return { updateStatus };
    }
    if (recent.missed > TOO_MANY_MISSED) {
      record('Warning', 'TooManyMissedTimes', `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = recent.mostRecent;
    if (scheduled === undefined) return { requeueAfter: requeue(), updateStatus };

    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
      record('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRfc1123z(scheduled)}`);
      return { requeueAfter: requeue(), updateStatus };
    }
    const jobName = `${cj.metadata?.name ?? ''}-${Math.floor(scheduled / 60_000)}`;
    const lastScheduled = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;
    if ((status.active ?? []).some((r) => r.name === jobName && r.namespace === ns) || lastScheduled === scheduled) {
      return { requeueAfter: requeue(), updateStatus };
    }
    if (cj.spec?.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      record('Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { requeueAfter: requeue(), updateStatus };
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        let job: Job;
        try {
          job = await this.#jobClient.get(ref.name ?? '', { namespace: ref.namespace ?? ns });
        } catch (e) {
          record('Warning', 'FailedGet', `Get job: ${errorText(e)}`);
          throw e;
        }
        if (!(await deleteJob(cj, job, this.#jobClient, this.#events))) throw new Error(`could not replace job ${ns}/${job.metadata?.name ?? ''}`);
        updateStatus = true;
      }
    }

    let created: Job;
    try {
      created = await this.#jobClient.create(this.#jobFor(cj, jobName, scheduled), { namespace: ns });
      record('Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name ?? jobName}`);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        record('Warning', 'FailedCreate', `Error creating job: ${errorText(e)}`);
        throw e;
      }
      // Created before (by us, before a crash or a lost status write, or by another manager).
      created = await this.#jobClient.get(jobName, { namespace: ns });
      if (!isControlledBy(created, cj.metadata?.uid) || inActive(created.metadata?.uid)) return { updateStatus };
      this.#ctx.logger.info('cronjob: job already exists', { cronjob: `${ns}/${cj.metadata?.name ?? ''}`, job: jobName });
    }
    status.active = [...(status.active ?? []), jobReference(created)];
    status.lastScheduleTime = rfc3339(scheduled);
    return { requeueAfter: requeue(), updateStatus: true };
  }

  /** The Job for one activation (upstream getJobFromTemplate2). */
  #jobFor(cj: CronJob, name: string, scheduled: number): Job {
    const tmpl = cj.spec?.jobTemplate;
    const tz = cj.spec?.timeZone;
    const zone = (tz !== undefined && tz !== null ? Zone.load(tz) : undefined) ?? Zone.UTC;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata?.namespace,
        labels: { ...(tmpl?.metadata?.labels ?? {}) },
        annotations: { ...(tmpl?.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatScheduledTimestamp(scheduled, zone) },
        ownerReferences: [newControllerRef(cj, resources.cronjobs)],
      },
      spec: structuredClone(tmpl?.spec ?? { template: { spec: { containers: [] } } }),
    };
  }
}

/** Deletes `job` (Background propagation) and drops it from `cj`'s active list; false (with an Event) on failure. */
export async function deleteJob(cj: CronJob, job: Job, client: ResourceClient<Job>, events: EventSink): Promise<boolean> {
  const name = job.metadata?.name ?? '';
  try {
    await client.delete(name, { namespace: job.metadata?.namespace, propagationPolicy: 'Background' });
  } catch (e) {
    if (!isNotFound(e)) {
      events.record(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorText(e)}`);
      return false;
    }
  }
  if (cj.status?.active) cj.status.active = cj.status.active.filter((r: ObjectReference) => r.uid !== job.metadata?.uid);
  events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  return true;
}

/** Upstream cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs. */
async function removeFinishedBeyondLimits(cj: CronJob, jobs: readonly Job[], client: ResourceClient<Job>, events: EventSink): Promise<boolean> {
  const s = cj.spec;
  const del = (job: Job) => deleteJob(cj, job, client, events);
  let changed = false;
  const okLimit = s?.successfulJobsHistoryLimit;
  const failLimit = s?.failedJobsHistoryLimit;
  if (okLimit !== undefined && okLimit !== null && (await removeOldestJobs(jobs.filter((j) => finishedType(j) === 'Complete'), okLimit, del))) changed = true;
  if (failLimit !== undefined && failLimit !== null && (await removeOldestJobs(jobs.filter((j) => finishedType(j) === 'Failed'), failLimit, del))) changed = true;
  return changed;
}

/** Go's time.RFC1123Z in UTC, as the MissSchedule event prints it. */
function formatRfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()] ?? ''}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The CronJob controller's descriptor. */
export const cronJobController: ControllerDescriptor = { name: 'cronjob', create: (ctx) => new CronJobController(ctx) };
