/**
 * Picking the node to preempt on (upstream pickOneNodeForPreemption): fewest PDB violations, then
 * the lowest highest-priority victim, the smallest sum of priorities, the fewest victims, the
 * latest start among the highest-priority victims; then the first.
 */
import type { PodInfo } from '../framework/pod-info.js';

/** A node where preemption would let the pod fit. */
export interface Candidate {
  node: string;
  /** Most important first. */
  victims: PodInfo[];
  pdbViolations: number;
}

const INT32_OFFSET = 2 ** 31;

/** The earliest start among the victims that share the highest priority. */
function earliestStartOfTop(victims: readonly PodInfo[]): number {
  const top = victims[0]?.priority;
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const v of victims) if (v.priority === top && v.startTime < earliest) earliest = v.startTime;
  return earliest;
}

const scoreFuncs: ((c: Candidate) => number)[] = [
  (c) => -c.pdbViolations,
  (c) => -(c.victims[0]?.priority ?? 0),
  // Offsetting by 2^31 keeps a few negative-priority victims from beating fewer of them.
  (c) => -c.victims.reduce((s, v) => s + v.priority + INT32_OFFSET, 0),
  (c) => -c.victims.length,
  (c) => earliestStartOfTop(c.victims),
];

/** The best candidate, or undefined when there is none. */
export function pickOneNode(candidates: readonly Candidate[]): Candidate | undefined {
  let remaining = [...candidates];
  for (const f of scoreFuncs) {
    if (remaining.length <= 1) break;
    let best = -Infinity;
    let next: Candidate[] = [];
    for (const c of remaining) {
      const s = f(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) {
        next.push(c);
      }
    }
    remaining = next;
  }
  return remaining[0];
}
