/** `kubectl describe job` and `describe cronjob`. */
import type { CronJob, Job, JobTemplateSpec } from '../../api/generated/batch/v1.js';
import { labelSelectorFromSpec } from '../../api/selectors.js';
import { resources } from '../../client/resources.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { boolPtr, humanDuration, printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './format.js';
import { controllerOf } from './pod.js';
import { describePodTemplate } from './pod-template.js';
import { LEVEL_0, tabbed, type PrefixWriter } from './writer.js';

type SelectorSpec = Parameters<typeof labelSelectorFromSpec>[0];

function selectorLine(w: PrefixWriter, spec: SelectorSpec): void {
  const r = labelSelectorFromSpec(spec);
  w.write(LEVEL_0, r.ok ? `Selector:\t${r.value.toString()}\n` : `Selector:\tFailed to get selector: ${r.error}\n`);
}

/** Completed indexes, cut after the first comma past `softLimit` characters (capIndexesListOrNone). */
export function capIndexes(indexes: string | undefined, softLimit = 50): string {
  if (!indexes) return '<none>';
  const comma = indexes.indexOf(',', softLimit);
  return comma < 0 ? indexes : `${indexes.slice(0, comma + 1)}...`;
}

const orUnset = (v: number | undefined, suffix = ''): string => (v === undefined ? '<unset>' : `${v}${suffix}`);

/** Describes one Job. */
export async function describeJob(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const job = await getObject<Job>(ctx, resources.jobs, namespace, name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(job, 'Job')) : undefined;
  return tabbed((w) => {
    const spec = job.spec;
    const status = job.status;
    w.write(LEVEL_0, `Name:\t${job.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${job.metadata?.namespace ?? ''}\n`);
    selectorLine(w, spec?.selector);
    printLabelsMultiline(w, 'Labels', job.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', job.metadata?.annotations);
    const controlledBy = controllerOf(job.metadata);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    if (spec?.parallelism !== undefined) w.write(LEVEL_0, `Parallelism:\t${spec.parallelism}\n`);
    w.write(LEVEL_0, `Completions:\t${orUnset(spec?.completions)}\n`);
    if (spec?.completionMode !== undefined) w.write(LEVEL_0, `Completion Mode:\t${spec.completionMode}\n`);
    if (spec?.suspend !== undefined) w.write(LEVEL_0, `Suspend:\t${spec.suspend}\n`);
    if (spec?.backoffLimit !== undefined) w.write(LEVEL_0, `Backoff Limit:\t${spec.backoffLimit}\n`);
    if (spec?.ttlSecondsAfterFinished !== undefined) w.write(LEVEL_0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
    if (status?.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
    if (status?.completionTime) w.write(LEVEL_0, `Completed At:\t${rfc1123z(status.completionTime)}\n`);
    if (status?.startTime && status.completionTime) {
      w.write(LEVEL_0, `Duration:\t${humanDuration(Date.parse(status.completionTime) - Date.parse(status.startTime))}\n`);
    }
    if (spec?.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
    const active = status?.active ?? 0;
    const done = `${status?.succeeded ?? 0} Succeeded / ${status?.failed ?? 0} Failed`;
    w.write(LEVEL_0, status?.ready === undefined ? `Pods Statuses:\t${active} Active / ${done}\n` : `Pods Statuses:\t${active} Active (${status.ready} Ready) / ${done}\n`);
    if (spec?.completionMode === 'Indexed') w.write(LEVEL_0, `Completed Indexes:\t${capIndexes(status?.completedIndexes)}\n`);
    describePodTemplate(spec?.template, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}

function describeJobTemplate(t: JobTemplateSpec | undefined, w: PrefixWriter): void {
  const spec = t?.spec;
  if (spec?.selector) selectorLine(w, spec.selector);
  else w.write(LEVEL_0, 'Selector:\t<unset>\n');
  w.write(LEVEL_0, `Parallelism:\t${orUnset(spec?.parallelism)}\n`);
  w.write(LEVEL_0, `Completions:\t${orUnset(spec?.completions)}\n`);
  if (spec?.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  describePodTemplate(spec?.template, w);
}

/** Describes one CronJob. */
export async function describeCronJob(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const cj = await getObject<CronJob>(ctx, resources.cronjobs, namespace, name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(cj, 'CronJob')) : undefined;
  return tabbed((w) => {
    const spec = cj.spec;
    w.write(LEVEL_0, `Name:\t${cj.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${cj.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cj.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', cj.metadata?.annotations);
    w.write(LEVEL_0, `Schedule:\t${spec?.schedule ?? ''}\n`);
    w.write(LEVEL_0, `Concurrency Policy:\t${spec?.concurrencyPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Suspend:\t${boolPtr(spec?.suspend)}\n`);
    w.write(LEVEL_0, `Successful Job History Limit:\t${orUnset(spec?.successfulJobsHistoryLimit)}\n`);
    w.write(LEVEL_0, `Failed Job History Limit:\t${orUnset(spec?.failedJobsHistoryLimit)}\n`);
    w.write(LEVEL_0, `Starting Deadline Seconds:\t${orUnset(spec?.startingDeadlineSeconds, 's')}\n`);
    describeJobTemplate(spec?.jobTemplate, w);
    const last = cj.status?.lastScheduleTime;
    w.write(LEVEL_0, `Last Schedule Time:\t${last ? rfc1123z(last) : '<unset>'}\n`);
    const active = cj.status?.active ?? [];
    w.write(LEVEL_0, 'Active Jobs:\t');
    if (active.length === 0) w.line('<none>');
    else {
      w.write(LEVEL_0, active.map((j) => j.name ?? '').join(', '));
      w.line('');
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}
