/**
 * Taints against tolerations, as the taint-eviction controller reads them (core/v1 helper's
 * ToleratesTaint and GetMatchingTolerations, tainteviction's getMinTolerationTime).
 */
import type { Taint, Toleration } from '../../api/generated/core/v1.js';

/** True when `t` tolerates `taint`: same effect (or any), same key (or any), value equal or operator Exists. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/**
 * Whether every taint is tolerated, and the toleration that tolerates each (the first matching
 * one, per taint). No taints: tolerated, with none used.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { tolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { tolerated: false, used: [] };
    used.push(t);
  }
  return { tolerated: true, used };
}

/**
 * How long (ms) the used tolerations let a pod stay: the smallest tolerationSeconds (≤ 0 means
 * not at all), or -1 when none of them sets one (tolerated forever). No tolerations: 0.
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** The NoExecute taints of a taint list. */
export const noExecuteTaints = (taints: readonly Taint[] | undefined): Taint[] => (taints ?? []).filter((t) => t.effect === 'NoExecute');
