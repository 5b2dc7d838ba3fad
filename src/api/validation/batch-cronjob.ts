// batch/v1 CronJob validation with kube-apiserver's rules and texts (upstream
// pkg/apis/batch/validation: validateCronJobSpec, validateScheduleFormat, validateTimeZone).
import type * as batchV1 from '../generated/batch/v1.js';
import { field } from '../errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { cronScheduleError, timeZoneLoadError } from './batch-cron.js';
import { jobSpecErrors } from './batch.js';
import { metaErrors, metaUpdateErrors, nonNegative, root, type FieldError, type FieldPath, type GroupValidationOptions } from './group-helpers.js';

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function scheduleErrors(schedule: string, allowTZ: boolean, timeZone: string | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const err = cronScheduleError(schedule);
  if (err !== undefined) errs.push(field.invalid(path, schedule, err));
  const hasTZ = schedule.includes('TZ');
  if (allowTZ && hasTZ && timeZone !== undefined) errs.push(field.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && hasTZ) errs.push(field.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

/** Upstream `validateTimeZone`. */
export function timeZoneErrors(tz: string | undefined, path: FieldPath): FieldError[] {
  if (tz === undefined) return [];
  if (tz === '') return [field.invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part)) return [field.invalid(path, tz, `unknown time zone ${tz}`)];
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(field.invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else {
    const err = timeZoneLoadError(tz);
    if (err !== undefined) errs.push(field.invalid(path, tz, err));
  }
  return errs;
}

/** Upstream `ValidateJobTemplateSpec`: job rules, and no selector of its own. */
function jobTemplateErrors(t: batchV1.JobTemplateSpec | undefined, path: FieldPath, opts: GroupValidationOptions): FieldError[] {
  const specPath = path.child('spec');
  const errs = jobSpecErrors(t?.spec, specPath, opts);
  if (t?.spec?.selector) errs.push(field.invalid(specPath.child('selector'), t.spec.selector, '`selector` will be auto-generated'));
  if (t?.spec?.manualSelector === true) errs.push(field.notSupported(specPath.child('manualSelector'), true, ['nil', 'false']));
  return errs;
}

function cronJobSpecErrors(spec: batchV1.CronJobSpec | undefined, old: batchV1.CronJobSpec | undefined, opts: GroupValidationOptions): FieldError[] {
  const path = root('spec');
  const s: Partial<batchV1.CronJobSpec> = spec ?? {};
  const errs: FieldError[] = [];
  const schedule = s.schedule ?? '';
  const tz = s.timeZone ?? undefined;
  if (schedule === '') errs.push(field.required(path.child('schedule')));
  else errs.push(...scheduleErrors(schedule, old !== undefined && (old.schedule ?? '').includes('TZ'), tz, path.child('schedule')));
  errs.push(...nonNegative(s.startingDeadlineSeconds, path.child('startingDeadlineSeconds')));
  if (old === undefined || (old.timeZone ?? undefined) !== tz) errs.push(...timeZoneErrors(tz, path.child('timeZone')));
  const cp = s.concurrencyPolicy ?? '';
  if (cp === '') errs.push(field.required(path.child('concurrencyPolicy')));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(field.notSupported(path.child('concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  errs.push(...jobTemplateErrors(s.jobTemplate, path.child('jobTemplate'), opts));
  errs.push(...nonNegative(s.successfulJobsHistoryLimit, path.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(s.failedJobsHistoryLimit, path.child('failedJobsHistoryLimit')));
  return errs;
}

/** Validates a CronJob on create (upstream `ValidateCronJobCreate`): names at most 52 characters. */
export function validateCronJob(cj: batchV1.CronJob, opts: GroupValidationOptions = {}): FieldError[] {
  const errs = [...metaErrors(cj.metadata, { namespaced: true, name: nameIsDNSSubdomain }), ...cronJobSpecErrors(cj.spec, undefined, opts)];
  const name = cj.metadata?.name ?? '';
  // Jobs are named `<cronjob>-<11 characters>` and must fit a 63-character label.
  if (name.length > 52) errs.push(field.invalid(root('metadata').child('name'), name, 'must be no more than 52 characters'));
  return errs;
}

/** Validates a CronJob on update (upstream `ValidateCronJobUpdate`; long old names stay allowed). */
export function validateCronJobUpdate(cj: batchV1.CronJob, old: batchV1.CronJob, opts: GroupValidationOptions = {}): FieldError[] {
  return [...metaUpdateErrors(cj.metadata, old.metadata), ...cronJobSpecErrors(cj.spec, old.spec ?? ({} as batchV1.CronJobSpec), opts)];
}
