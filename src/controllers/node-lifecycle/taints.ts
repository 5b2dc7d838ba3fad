/**
 * The taints the node lifecycle controller manages: the NoExecute not-ready / unreachable pair
 * that follows the Ready condition, and TaintNodesByCondition's NoSchedule taints (conditions and
 * spec.unschedulable, which is how a cordon shows up to DaemonSets and the scheduler). Writes are
 * resourceVersion-guarded merge patches of spec.taints, retried on a fresh read after a conflict.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Node, Taint } from '../../api/generated/core/v1.js';
import type { ResourceClient } from '../../client/resource.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** The NoExecute taint of a node whose Ready condition is False. */
export const notReadyNoExecute: Readonly<Taint> = { key: TAINT_NOT_READY, effect: 'NoExecute' };
/** The NoExecute taint of a node whose Ready condition is Unknown. */
export const unreachableNoExecute: Readonly<Taint> = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };

/** condition type → condition status → NoSchedule taint key (upstream's nodeConditionToTaintKeyStatusMap). */
const conditionToTaint: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const managedNoScheduleKeys = new Set([...Object.values(conditionToTaint).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);

/** Same taint for taint-set purposes: key and effect (upstream's MatchTaint; the value does not count). */
export const sameTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;

/** The NoSchedule taints the node's conditions and spec.unschedulable call for. */
export function conditionTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionToTaint[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/** The NoSchedule taints this controller owns on the node now (others' taints are never touched). */
export const managedNoScheduleTaints = (node: Node): Taint[] => (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && managedNoScheduleKeys.has(t.key));

/** Which of `want` are missing from `have`, and which of `have` are not wanted. */
export function taintDiff(want: readonly Taint[], have: readonly Taint[]): { add: Taint[]; remove: Taint[] } {
  return { add: want.filter((w) => !have.some((h) => sameTaint(h, w))), remove: have.filter((h) => !want.some((w) => sameTaint(h, w))) };
}

/**
 * `current` with `remove` taken out and `add` put in (stamped `timeAdded`, as upstream stamps
 * taints it adds), or undefined when that changes nothing. A taint already present stays as is.
 */
export function swapTaints(current: readonly Taint[], add: readonly Taint[], remove: readonly Taint[], now: string): Taint[] | undefined {
  const kept = current.filter((t) => !remove.some((r) => sameTaint(r, t)));
  const added = add.filter((a) => !kept.some((t) => sameTaint(t, a))).map((a) => ({ ...a, timeAdded: now }));
  if (kept.length === current.length && added.length === 0) return undefined;
  return [...kept.map((t) => ({ ...t })), ...added];
}

const MAX_TRIES = 5;

/**
 * Adds and removes taints on a node, starting from `node` (usually the cached copy) and re-reading
 * it after a conflict. Resolves the node as written (or as found when nothing had to change), or
 * undefined when the node is gone.
 */
export async function updateNodeTaints(nodes: ResourceClient<Node>, node: Node, add: readonly Taint[], remove: readonly Taint[], now: string): Promise<Node | undefined> {
  const name = node.metadata?.name ?? '';
  let cur = node;
  for (let attempt = 1; ; attempt++) {
    const next = swapTaints(cur.spec?.taints ?? [], add, remove, now);
    if (!next) return cur;
    try {
      // The resourceVersion makes the patch conditional: taints others wrote meanwhile are never lost.
      return await nodes.patch(name, { metadata: { resourceVersion: cur.metadata?.resourceVersion }, spec: { taints: next.length > 0 ? next : null } });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      if (!isConflict(e) || attempt >= MAX_TRIES) throw e;
    }
    try {
      cur = await nodes.get(name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
