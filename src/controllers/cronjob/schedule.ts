/**
 * When a CronJob is due (upstream cronjob utils: mostRecentScheduleTime, nextScheduleTime,
 * nextScheduleTimeDuration): the most recent unmet activation since the last one it ran (or its
 * creation), how many it missed, and how long to wait for the next one.
 */
import type { CronJob } from '../../api/generated/batch/v1.js';
import type { CronSchedule } from './cron.js';

/** Activations walked one by one before estimating instead (a stale clock could mean millions). */
const EXACT_WALK_LIMIT = 1000;
/** Requeue a little after the activation so the clock has surely passed it (upstream's 100 ms). */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** What {@link mostRecentScheduleTime} finds. */
export interface Recent {
  /** Where the search started: lastScheduleTime, else creation, raised to now − startingDeadlineSeconds. */
  earliest: number;
  /** The latest activation in (earliest, now], if any. */
  mostRecent?: number;
  /** How many activations fell in (earliest, now] (estimated when there are very many). */
  missed: number;
  /** The schedule never fires, or fires less than a second apart. */
  error?: string;
}

const ms = (t: string | undefined) => (t ? Date.parse(t) : NaN);

/** The latest activation not after `now` since the CronJob last ran (upstream mostRecentScheduleTime). */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: CronSchedule, includeStartingDeadline: boolean): Recent {
  let earliest = ms(cj.status?.lastScheduleTime);
  if (Number.isNaN(earliest)) earliest = ms(cj.metadata?.creationTimestamp);
  if (Number.isNaN(earliest)) earliest = now;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
  const t1 = schedule.next(earliest);
  if (t1 !== undefined && now < t1) return { earliest, missed: 0 };
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const interval = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (t1 === undefined || interval < 1) return { earliest, missed: 0, error: 'time difference between two schedules is less than 1 second' };
  // Walk exactly while that is cheap; past the limit, jump near `now` by the t1→t2 interval.
  const estimate = Math.floor(Math.floor((now - t1) / 1000) / interval) + 1;
  const far = estimate > EXACT_WALK_LIMIT;
  let mostRecent: number | undefined;
  let missed = 0;
  for (let t = far ? schedule.next(t1 + (estimate - 3) * interval * 1000) : t1; t !== undefined && t <= now; t = schedule.next(t)) {
    mostRecent = t;
    missed++;
  }
  if (far) missed = estimate;
  return { earliest, mostRecent, missed };
}

/** How long from `now` until the CronJob should be looked at again (undefined: never fires again). */
export function nextScheduleDelay(cj: CronJob, now: number, schedule: CronSchedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  const from = r.error !== undefined ? now : (r.mostRecent ?? r.earliest);
  const next = schedule.next(from);
  return next === undefined ? undefined : Math.max(0, next + NEXT_SCHEDULE_DELTA_MS - now);
}
