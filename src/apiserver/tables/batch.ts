// Tables of batch/v1: Job (Status, Completions, Duration) and CronJob.
import { arr, get, int, obj, objs, optBool, optInt, optStr, str, time } from '../../api/printing/access.js';
import { AGE, CONTAINERS, IMAGES, NAME, col, i, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { ageOf, boolPtr, containerCells, formatLabelSelector, humanDuration, nameOf, since } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

/** Whether the first condition of `type` is True (upstream `hasJobCondition`). */
function hasCondition(status: Record<string, unknown>, type: string): boolean {
  const c = objs(status, 'conditions').find((x) => str(x, 'type') === type);
  return c !== undefined && str(c, 'status') === 'True';
}

function jobStatus(job: Record<string, unknown>): string {
  const status = obj(job, 'status');
  if (hasCondition(status, 'Complete')) return 'Complete';
  if (hasCondition(status, 'Failed')) return 'Failed';
  if (get(job, 'metadata', 'deletionTimestamp') != null) return 'Terminating';
  if (hasCondition(status, 'Suspended')) return 'Suspended';
  if (hasCondition(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(job: Record<string, unknown>): string {
  const succeeded = int(job, 'status', 'succeeded');
  const wanted = optInt(job, 'spec', 'completions');
  if (wanted !== undefined) return `${succeeded}/${wanted}`;
  const parallelism = optInt(job, 'spec', 'parallelism') ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(job: Record<string, unknown>, now: Date): string {
  const start = time(job, 'status', 'startTime');
  if (start === undefined) return '';
  const end = time(job, 'status', 'completionTime') ?? now;
  return humanDuration(end.getTime() - start.getTime());
}

/** Job: Status ("Complete", "Running", "Failed", "Suspended"...), Completions "1/1", Duration. */
export const jobTable: TableConvertor = {
  columns: [
    NAME,
    s('Status', 'Status of the job.'),
    s('Completions', D.jobSucceeded),
    s('Duration', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    s('Selector', D.jobSelector, true),
  ],
  cells: (o, now) => [
    nameOf(o),
    jobStatus(o),
    completions(o),
    duration(o, now),
    ageOf(o, now),
    ...containerCells(get(o, 'spec', 'template', 'spec')),
    formatLabelSelector(get(o, 'spec', 'selector')),
  ],
};

/** CronJob: Schedule, Timezone, Suspend, Active, Last Schedule. */
export const cronJobTable: TableConvertor = {
  columns: [
    NAME,
    s('Schedule', D.cronSchedule),
    s('Timezone', D.cronTimeZone),
    col('Suspend', 'boolean', D.cronSuspend),
    i('Active', D.cronActive),
    s('Last Schedule', D.cronLastSchedule),
    AGE,
    CONTAINERS,
    IMAGES,
    s('Selector', D.jobSelector, true),
  ],
  cells: (o, now) => {
    const last = time(o, 'status', 'lastScheduleTime');
    return [
      nameOf(o),
      str(o, 'spec', 'schedule'),
      optStr(o, 'spec', 'timeZone') ?? '<none>',
      // v1 defaulting sets suspend=false; an undefaulted object prints as the defaulted one.
      boolPtr(optBool(o, 'spec', 'suspend') ?? false),
      arr(o, 'status', 'active').length,
      last === undefined ? '<none>' : since(last, now),
      ageOf(o, now),
      ...containerCells(get(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec')),
      formatLabelSelector(get(o, 'spec', 'jobTemplate', 'spec', 'selector')),
    ];
  },
};
