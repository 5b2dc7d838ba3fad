/**
 * Indexed Jobs (completionMode Indexed): each pod carries a completion index (annotation and label
 * `batch.kubernetes.io/job-completion-index`, env JOB_COMPLETION_INDEX, hostname `<job>-<i>`), and
 * status.completedIndexes lists the indexes done as intervals (`0-2,5`).
 */
import type { PodTemplateSpec, Pod } from '../../api/generated/core/v1.js';
import { byDeletionCost } from '../util/pods.js';

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
const ENV_NAME = 'JOB_COMPLETION_INDEX';

/** The pod's completion index (annotation, else label), or undefined when absent or malformed. */
export function completionIndex(p: Pod): number | undefined {
  const v = p.metadata?.annotations?.[COMPLETION_INDEX_KEY] ?? p.metadata?.labels?.[COMPLETION_INDEX_KEY];
  if (v === undefined || !/^(0|[1-9][0-9]*)$/.test(v)) return undefined;
  return Number(v);
}

/** Parses `0-2,5` into sorted indexes below `completions` (malformed parts are skipped). */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    for (let i = lo; i <= Math.min(hi, completions - 1); i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats sorted unique indexes as intervals: [0,1,2,5] → `0-2,5`. */
export function formatIndexes(indexes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    const start = indexes[i] ?? 0;
    let end = start;
    while (indexes[i + 1] === end + 1) {
      end++;
      i++;
    }
    parts.push(start === end ? String(start) : `${start}-${end}`);
    i++;
  }
  return parts.join(',');
}

/** The lowest `count` indexes that are neither done nor held by an active pod. */
export function firstPendingIndexes(done: ReadonlySet<number>, active: readonly Pod[], count: number, completions: number): number[] {
  const held = new Set(active.map(completionIndex).filter((i): i is number => i !== undefined));
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!done.has(i) && !held.has(i)) out.push(i);
  return out;
}

/** Active pods to remove because their index is missing, out of range or taken by a more advanced pod; and the rest. */
export function duplicateIndexPods(active: readonly Pod[], completions: number): { remove: Pod[]; left: Pod[] } {
  const remove: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of active) {
    const ix = completionIndex(p);
    if (ix === undefined || ix >= completions) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  const left: Pod[] = [];
  for (const pods of byIndex.values()) {
    // Keep the most advanced pod of an index (last in deletion order).
    const sorted = [...pods].sort(byDeletionCost);
    left.push(...sorted.slice(-1));
    remove.push(...sorted.slice(0, -1));
  }
  return { remove, left };
}

/** The pod template for one index: annotation, label, env JOB_COMPLETION_INDEX and hostname. */
export function templateForIndex(t: PodTemplateSpec, jobName: string, index: number): PodTemplateSpec {
  const out = structuredClone(t);
  const meta = (out.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), [COMPLETION_INDEX_KEY]: String(index) };
  meta.labels = { ...(meta.labels ?? {}), [COMPLETION_INDEX_KEY]: String(index) };
  const spec = (out.spec ??= { containers: [] });
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    if ((c.env ?? []).some((e) => e.name === ENV_NAME)) continue;
    c.env = [...(c.env ?? []), { name: ENV_NAME, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } } }];
  }
  spec.hostname = `${jobName}-${index}`;
  return out;
}
