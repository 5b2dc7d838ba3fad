/**
 * Informer events → cache and queue (upstream eventhandlers.go). Bound pods feed the cache;
 * pending pods of this scheduler feed the queue; changes that may let unschedulable pods fit are
 * passed on as cluster events. Terminal pods count as deleted, as upstream's pod informer (with
 * its `status.phase!=Succeeded,status.phase!=Failed` selector) sees them.
 */
import type { Namespace, Node, Pod } from '../api/generated/core/v1.js';
import type { EventHandler } from '../client/informer.js';
import type { SchedulerCache } from './cache/cache.js';
import type { ClusterEvent } from './framework/interface.js';
import { podKey, type PodInfo } from './framework/pod-info.js';
import type { PodNominator } from './queue/nominator.js';
import type { SchedulingQueue } from './queue/scheduling-queue.js';

/** What the handlers update. */
export interface HandlerTargets {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  nominator: PodNominator;
  schedulerName: string;
  podInfo(pod: Pod): PodInfo;
}

/** The handlers to register on the informers. */
export interface EventHandlers {
  pod: EventHandler<Pod>;
  node: EventHandler<Node>;
  namespace: EventHandler<Namespace>;
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const assigned = (p: Pod) => !!p.spec?.nodeName;

/** What changed on a node that may let pods fit. */
export function nodeUpdateEvents(old: Node, cur: Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!same(old.status?.allocatable, cur.status?.allocatable)) out.push('Node/UpdateAllocatable');
  if (!same(old.metadata?.labels, cur.metadata?.labels)) out.push('Node/UpdateLabel');
  if (!same(old.spec?.taints, cur.spec?.taints) || !!old.spec?.unschedulable !== !!cur.spec?.unschedulable) out.push('Node/UpdateTaint');
  const conds = (n: Node) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
  if (conds(old) !== conds(cur)) out.push('Node/UpdateCondition');
  return out;
}

/** Whether a bound pod's change can make room or change affinity matches (labels, requests). */
function assignedPodChanged(old: Pod, cur: Pod): boolean {
  return !same(old.metadata?.labels, cur.metadata?.labels) || !same(old.spec?.containers.map((c) => c.resources), cur.spec?.containers.map((c) => c.resources)) || !!old.metadata?.deletionTimestamp !== !!cur.metadata?.deletionTimestamp;
}

export function createEventHandlers(t: HandlerTargets): EventHandlers {
  const responsible = (p: Pod) => (p.spec?.schedulerName || 'default-scheduler') === t.schedulerName;

  const removeAssigned = (key: string) => {
    if (t.cache.removePod(key)) t.queue.moveAllToActiveOrBackoff('AssignedPod/Delete');
  };

  const pendingChanged = (pod: Pod) => {
    const key = podKey(pod);
    if (!responsible(pod) || pod.metadata?.deletionTimestamp || terminal(pod) || (pod.spec?.schedulingGates ?? []).length > 0) {
      t.queue.delete(key);
      t.nominator.delete(key);
      return;
    }
    // Our own status writes for a pod already assumed elsewhere change nothing.
    if (t.cache.isAssumed(key)) return;
    const pi = t.podInfo(pod);
    t.queue.update(pi);
    t.nominator.update(pi);
  };

  const pod: EventHandler<Pod> = {
    onAdd(p) {
      if (assigned(p)) {
        if (terminal(p)) return;
        t.cache.setPod(t.podInfo(p));
        t.queue.moveAllToActiveOrBackoff('AssignedPod/Add');
        return;
      }
      pendingChanged(p);
    },
    onUpdate(old, cur) {
      const key = podKey(cur);
      if (assigned(cur)) {
        if (!assigned(old)) {
          t.queue.delete(key);
          t.nominator.delete(key);
        }
        if (terminal(cur)) return removeAssigned(key);
        const wasKnown = t.cache.has(key) && !t.cache.isAssumed(key);
        t.cache.setPod(t.podInfo(cur));
        if (!wasKnown) t.queue.moveAllToActiveOrBackoff('AssignedPod/Add');
        else if (assignedPodChanged(old, cur)) t.queue.moveAllToActiveOrBackoff('AssignedPod/Update');
        return;
      }
      pendingChanged(cur);
    },
    onDelete(p) {
      const key = podKey(p);
      t.queue.delete(key);
      t.nominator.delete(key);
      removeAssigned(key);
    },
  };

  const node: EventHandler<Node> = {
    onAdd(n) {
      t.cache.setNode(n);
      t.queue.moveAllToActiveOrBackoff('Node/Add');
    },
    onUpdate(old, cur) {
      t.cache.setNode(cur);
      for (const e of nodeUpdateEvents(old, cur)) t.queue.moveAllToActiveOrBackoff(e);
    },
    onDelete(n) {
      t.cache.removeNode(n.metadata?.name ?? '');
    },
  };

  const namespace: EventHandler<Namespace> = {
    onUpdate(old, cur) {
      if (!same(old.metadata?.labels, cur.metadata?.labels)) t.queue.moveAllToActiveOrBackoff('Namespace/Update');
    },
  };

  return { pod, node, namespace };
}
