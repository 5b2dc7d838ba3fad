/** Job facts the CronJob controller needs: finished or not, its reference, history pruning order, the scheduled-time annotation. */
import type { Job } from '../../api/generated/batch/v1.js';
import type { ObjectReference } from '../../api/generated/core/v1.js';
import type { Zone } from './zone.js';

/** `Complete` or `Failed` when the Job has that condition True, else undefined. */
export function finishedType(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** The ObjectReference kept in status.active. */
export function jobReference(job: Job): ObjectReference {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name, namespace: job.metadata?.namespace, uid: job.metadata?.uid, resourceVersion: job.metadata?.resourceVersion };
}

const startOf = (j: Job) => (j.status?.startTime ? Date.parse(j.status.startTime) : undefined);

/** Oldest first by status.startTime (Jobs that never started last), then by name (upstream byJobStartTime). */
export function byStartTime(a: Job, b: Job): number {
  const sa = startOf(a);
  const sb = startOf(b);
  if (sa === undefined || sb === undefined) return sa === sb ? 0 : sa === undefined ? 1 : -1;
  if (sa !== sb) return sa - sb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Deletes the oldest of `jobs` beyond `keep`; true when any was deleted. */
export async function removeOldestJobs(jobs: readonly Job[], keep: number, remove: (j: Job) => Promise<boolean>): Promise<boolean> {
  const extra = jobs.length - keep;
  if (extra <= 0) return false;
  let removed = false;
  for (const j of [...jobs].sort(byStartTime).slice(0, extra)) if (await remove(j)) removed = true;
  return removed;
}

/** Go's `t.In(zone).Format(time.RFC3339)`: `2025-01-01T09:00:00+09:00`, or `…Z` at offset zero. */
export function formatScheduledTimestamp(ms: number, zone: Zone): string {
  const w = zone.wall(ms);
  const off = Math.round(zone.offset(ms) / 60_000);
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  const suffix = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}${suffix}`;
}
