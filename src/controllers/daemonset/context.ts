/** What one DaemonSet sync works with, what the controller gives it, and the failed-pod backoff. */
import type { ControllerRevision, DaemonSet } from '../../api/generated/apps/v1.js';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import type { ResourceClient } from '../../client/resource.js';
import type { Logger } from '../../util/log.js';
import type { EventSink } from '../controller.js';
import type { Expectations } from '../util/expectations.js';
import type { WrittenVersions } from '../util/written-versions.js';

/** The controller's side of a sync. */
export interface DsDeps {
  now(): number;
  pods: ResourceClient<Pod>;
  daemonSets: ResourceClient<DaemonSet>;
  revisions: ResourceClient<ControllerRevision>;
  events: EventSink;
  /** Creations and deletions are tracked apart: one sync may ask for both. */
  creations: Expectations;
  deletions: Expectations;
  backoff: FailedPodBackoff;
  /** Versions our status writes replaced (a cache still showing one is stale). */
  written: WrittenVersions;
  requeue(key: string, afterMs: number): void;
  logger: Logger;
}

/** One sync: the DaemonSet (a mutable copy, kind set), all nodes, its claimed pods, and the current revision's hash. */
export interface DsSync {
  key: string;
  ds: DaemonSet;
  nodes: Node[];
  pods: Pod[];
  hash: string;
}

/** An int-or-percent of `total`, rounded up (upstream GetScaledValueFromIntOrPercent with roundUp). */
export function scaled(v: number | string | undefined, total: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return /^\d+$/.test(v) ? Number(v) : fallback;
}

/** maxSurge of a RollingUpdate DaemonSet for `desired` nodes (0 otherwise). */
export const surgeCount = (ds: DaemonSet, desired: number): number => (ds.spec?.updateStrategy?.type === 'RollingUpdate' ? scaled(ds.spec.updateStrategy.rollingUpdate?.maxSurge, desired, 0) : 0);

/** maxUnavailable of a RollingUpdate DaemonSet for `desired` nodes (default 1). */
export const unavailableCount = (ds: DaemonSet, desired: number): number => scaled(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, desired, 1);

/** Pods by the node they are for; deleted pods that already finished are left out unless asked for. */
export function podsByNode(pods: readonly Pod[], nodeOf: (p: Pod) => string | undefined, includeDeletedTerminal = false): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of pods) {
    const terminal = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    if (!includeDeletedTerminal && p.metadata?.deletionTimestamp && terminal) continue;
    const node = nodeOf(p);
    if (node === undefined) continue;
    out.set(node, [...(out.get(node) ?? []), p]);
  }
  return out;
}

/** Oldest first; scheduled pods before unscheduled ones; then by name (upstream podByCreationTimestampAndPhase). */
export function byCreation(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 0 : 1;
  const sb = b.spec?.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/**
 * Per DaemonSet and node, how long to wait before deleting the next failed daemon pod (1 s
 * doubling to 15 min, as upstream's failedPodsBackoff), so a kubelet that keeps rejecting the pod
 * does not make the controller kill and recreate it in a hot loop.
 */
export class FailedPodBackoff {
  readonly #entries = new Map<string, { delay: number; at: number }>();

  constructor(
    private readonly initialMs = 1000,
    private readonly maxMs = 15 * 60_000,
  ) {}

  /** Remaining wait for `key` at `now` (0 when not backing off). */
  remaining(key: string, now: number): number {
    const e = this.#entries.get(key);
    return e ? Math.max(0, e.at + e.delay - now) : 0;
  }

  /** Records a deletion at `now`: the next one waits twice as long (reset after a long quiet spell). */
  next(key: string, now: number): void {
    const e = this.#entries.get(key);
    const delay = !e || now - e.at > 2 * this.maxMs ? this.initialMs : Math.min(e.delay * 2, this.maxMs);
    // Entries quiet that long are reset anyway: drop them, so nodes that went keep no entry (upstream's Backoff.GC).
    for (const [k, x] of this.#entries) if (now - x.at > 2 * this.maxMs) this.#entries.delete(k);
    this.#entries.set(key, { delay, at: now });
  }

  /** Forgets every node's entry of the DaemonSet `dsKey` (`namespace/name`; it was deleted). */
  forgetDaemonSet(dsKey: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(`${dsKey}/`)) this.#entries.delete(k);
  }

  /** How many entries are kept (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
