/** Taints and tolerations, matched as upstream's v1helper.TolerationsTolerateTaint. */
import type { Taint, Toleration } from '../../api/generated/core/v1.js';

/** Whether one toleration tolerates one taint (key, operator Exists/Equal, value, effect). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  // An empty key with operator Exists matches every taint.
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** Whether any of `tolerations` tolerates `taint`. */
export function anyTolerates(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

/** The first taint with an effect in `effects` that none of `tolerations` tolerates. */
export function firstUntolerated(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: ReadonlySet<string>): Taint | undefined {
  if (!taints) return undefined;
  for (const taint of taints) {
    if (!effects.has(taint.effect)) continue;
    if (!anyTolerates(tolerations, taint)) return taint;
  }
  return undefined;
}

/** NoSchedule and NoExecute: the effects that keep new pods off a node. */
export const HARD_EFFECTS: ReadonlySet<string> = new Set(['NoSchedule', 'NoExecute']);
