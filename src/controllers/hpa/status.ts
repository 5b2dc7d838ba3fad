/** HPA status bookkeeping: conditions set as upstream's setCondition does, and status equality. */
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus } from '../../api/generated/autoscaling/v2.js';
import { rfc3339 } from '../../api/time.js';
import type { ConditionUpdate } from './behavior.js';

/** Sets (or adds) a condition; lastTransitionTime moves only when the status changes. */
export function setCondition(status: HorizontalPodAutoscalerStatus, c: ConditionUpdate, now: number): void {
  const list: HorizontalPodAutoscalerCondition[] = (status.conditions ??= []);
  let cond = list.find((x) => x.type === c.type);
  if (!cond) {
    cond = { type: c.type, status: '' };
    list.push(cond);
  }
  if (cond.status !== c.status) cond.lastTransitionTime = rfc3339(now);
  cond.status = c.status;
  cond.reason = c.reason;
  cond.message = c.message;
}

/** Deep equality of two statuses as JSON values (key order ignored). */
export function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}
