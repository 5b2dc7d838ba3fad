/**
 * DaemonSet status (upstream updateDaemonSetStatus): per eligible node whether its oldest daemon
 * pod exists, is ready, available and of the current template; pods on ineligible nodes are
 * misscheduled. Written only when a number changed or the generation was not yet observed.
 */
import type { DaemonSetStatus } from '../../api/generated/apps/v1.js';
import { isPodAvailable, isPodReady, readySince } from '../util/pods.js';
import { byCreation, podsByNode, type DsDeps, type DsSync } from './context.js';
import { REVISION_HASH_LABEL } from './history.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './node-fit.js';

type Counts = Required<Pick<DaemonSetStatus, 'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberMisscheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable' | 'numberUnavailable'>>;

/** The status numbers for the sync's nodes and pods at `now`. */
export function computeCounts(s: DsSync, now: number): Counts {
  const byNode = podsByNode(s.pods, targetNodeName);
  const spec = s.ds.spec?.template.spec ?? { containers: [] };
  const minReady = s.ds.spec?.minReadySeconds ?? 0;
  const c: Counts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  for (const node of s.nodes) {
    const pods = byNode.get(node.metadata?.name ?? '') ?? [];
    if (!nodeShouldRunDaemonPod(spec, node).shouldRun) {
      if (pods.length > 0) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    const pod = [...pods].sort(byCreation)[0];
    if (!pod) continue;
    c.currentNumberScheduled++;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, minReady, now)) c.numberAvailable++;
    }
    if (pod.metadata?.labels?.[REVISION_HASH_LABEL] === s.hash) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/** Writes status if it changed; requeues for pods that are ready but not yet available for minReadySeconds. */
export async function updateStatus(d: DsDeps, s: DsSync, observeGeneration: boolean): Promise<void> {
  const now = d.now();
  const counts = computeCounts(s, now);
  const cur = s.ds.status;
  const generation = s.ds.metadata?.generation ?? 0;
  // A sync that may not observe the generation (expectations pending) would write the same status
  // again on every pass while observedGeneration lags: only changed counts are worth a write then.
  const same = (Object.keys(counts) as (keyof Counts)[]).every((k) => (cur?.[k] ?? 0) === counts[k]) && (!observeGeneration || (cur?.observedGeneration ?? 0) >= generation);
  if (!same) {
    const status: DaemonSetStatus = { ...(cur ?? {}), ...counts, ...(observeGeneration ? { observedGeneration: generation } : {}) };
    const before = s.ds.metadata?.resourceVersion;
    s.ds = await d.daemonSets.updateStatus({ ...s.ds, status }, { namespace: s.ds.metadata?.namespace });
    d.written.wrote(s.key, before, s.ds.metadata?.resourceVersion);
  }
  const minReady = s.ds.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && counts.numberReady !== counts.numberAvailable) {
    // Wake up when the earliest ready pod becomes available.
    const waits = s.pods.map((p) => readySince(p)).filter((t): t is number => t !== undefined && t + minReady * 1000 > now);
    d.requeue(s.key, waits.length > 0 ? Math.min(...waits) + minReady * 1000 - now : minReady * 1000);
  }
}
