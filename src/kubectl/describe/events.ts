/**
 * The Events section: finding an object's events (by involvedObject field selector, as kubectl's
 * searchEvents) and printing them as kubectl's table, oldest last-seen first, repeats as
 * `4m (x3 over 10m)`.
 */
import { FieldSelector } from '../../api/selectors.js';
import type { Event } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { listAll, type DescribeContext } from './context.js';
import { since, type Now } from './format.js';
import { goSort } from './gosort.js';
import { LEVEL_0, LEVEL_1, type PrefixWriter } from './writer.js';

/** Which object the events are about; an absent field is left out of the selector. */
export interface EventTarget {
  name: string;
  /** '' for cluster-scoped objects: then events are searched in every namespace. */
  namespace: string;
  kind?: string;
  uid?: string;
}

/**
 * Lists the events about `target`. Errors are swallowed (kubectl shows what it has: an empty
 * list prints `Events: <none>`), except for ConfigMaps, whose describer passes `throwErrors`.
 */
export async function searchEvents(ctx: DescribeContext, target: EventTarget, o: { throwErrors?: boolean } = {}): Promise<Event[]> {
  const set: Record<string, string> = { 'involvedObject.name': target.name, 'involvedObject.namespace': target.namespace };
  if (target.kind) set['involvedObject.kind'] = target.kind;
  if (target.uid) set['involvedObject.uid'] = target.uid;
  try {
    return await listAll<Event>(ctx, resources.events, { namespace: target.namespace, fieldSelector: FieldSelector.fromSet(set).toString() });
  } catch (e) {
    if (o.throwErrors) throw e;
    return [];
  }
}

/** The events of an object as read back from the API (kind, namespace, name, uid of its metadata). */
export function targetOf(obj: { kind?: string; metadata?: { name?: string; namespace?: string; uid?: string } }, kind?: string): EventTarget {
  return { name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace ?? '', kind: kind ?? obj.kind, uid: obj.metadata?.uid };
}

const lastSeen = (e: Event): number => (e.lastTimestamp ? Date.parse(e.lastTimestamp) : Number.NEGATIVE_INFINITY);

/** The Age column: first seen, or `last (xN over first)` for repeated events. */
export function eventAge(e: Event, now: Now): string {
  const first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
  if (e.series) return `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.count ?? 0) > 1) return `${since(e.lastTimestamp, now)} (x${e.count ?? 0} over ${first})`;
  return first;
}

/** Writes the Events section (`Events:  <none>` when there are none). */
export function describeEvents(events: readonly Event[], w: PrefixWriter, now: Now): void {
  if (events.length === 0) return w.write(LEVEL_0, 'Events:\t<none>\n');
  // Ordered by last-seen time (events without one first), ties as Go's unstable sort leaves them.
  const sorted = goSort([...events], (a, b) => lastSeen(a) < lastSeen(b));
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const from = e.source?.component || e.reportingComponent || '';
    w.write(LEVEL_1, `${e.type ?? ''}\t${e.reason ?? ''}\t${eventAge(e, now)}\t${from}\t${(e.message ?? '').trim()}\n`);
  }
}
