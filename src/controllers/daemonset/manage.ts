/**
 * One daemon pod per eligible node (upstream daemon_controller manage, podsShouldBeOnNode,
 * syncNodes): create pods on eligible nodes that have none, delete pods on nodes that may no
 * longer run them, excess pods on a node (keeping the oldest; with maxSurge one old and one new),
 * failed pods (with a per-node backoff), and unscheduled pods aimed at nodes that are gone.
 */
import { isNotFound } from '../../api/errors.js';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { newControllerRef } from '../util/owner.js';
import { createPodFromTemplate, isPodAvailable, isPodReady } from '../util/pods.js';
import { slowStartBatch } from '../util/batch.js';
import { byCreation, podsByNode, surgeCount, type DsDeps, type DsSync } from './context.js';
import { REVISION_HASH_LABEL } from './history.js';
import { daemonPodSpec, nodeShouldRunDaemonPod, targetNodeName } from './node-fit.js';
import { errorText } from '../../util/errors.js';

/** Creations and deletions per sync at most (upstream BurstReplicas). */
export const BURST_REPLICAS = 250;

const message = (e: unknown) => errorText(e);

/** What should change on one node: nodes needing a pod, pod names to delete, and failed pods seen. */
interface NodePlan {
  create: string[];
  remove: string[];
  failed: number;
}

function podsShouldBeOnNode(d: DsDeps, s: DsSync, node: Node, pods: readonly Pod[] | undefined, allowSurge: boolean): NodePlan {
  const plan: NodePlan = { create: [], remove: [], failed: 0 };
  const name = node.metadata?.name ?? '';
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(s.ds.spec?.template.spec ?? { containers: [] }, node);
  const exists = pods !== undefined && pods.length > 0;
  if (shouldRun && !exists) {
    plan.create.push(name);
    return plan;
  }
  if (!shouldContinueRunning) {
    if (exists) plan.remove.push(...pods.map((p) => p.metadata?.name ?? ''));
    return plan;
  }
  const running: Pod[] = [];
  for (const p of pods ?? []) {
    if (p.metadata?.deletionTimestamp) continue;
    if (p.status?.phase !== 'Failed') {
      running.push(p);
      continue;
    }
    // A kubelet rejecting the pod would have us kill and recreate it in a loop: back off per node.
    plan.failed++;
    const backoffKey = `${s.key}/${name}`;
    const wait = d.backoff.remaining(backoffKey, d.now());
    if (wait > 0) {
      d.requeue(s.key, wait);
      continue;
    }
    d.backoff.next(backoffKey, d.now());
    const msg = `Found failed daemon pod ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} on node ${name}, will try to kill it`;
    d.events.record(s.ds, 'Warning', 'FailedDaemonPod', msg);
    plan.remove.push(p.metadata?.name ?? '');
  }
  if (!allowSurge) {
    // More than one running: keep the oldest.
    plan.remove.push(...running.sort(byCreation).slice(1).map((p) => p.metadata?.name ?? ''));
    return plan;
  }
  if (running.length <= 1) {
    if (running.length === 0 && shouldRun) plan.create.push(name);
    return plan;
  }
  // Surging: keep the oldest pod of the current template and the oldest of an older one; the old
  // one goes once it is not ready or the new one is available.
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const p of running.sort(byCreation)) {
    const isNew = p.metadata?.labels?.[REVISION_HASH_LABEL] === s.hash;
    if (isNew && !oldestNew) oldestNew = p;
    else if (!isNew && !oldestOld) oldestOld = p;
    else plan.remove.push(p.metadata?.name ?? '');
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, s.ds.spec?.minReadySeconds ?? 0, d.now()))) {
    plan.remove.push(oldestOld.metadata?.name ?? '');
  }
  return plan;
}

/** Creates and deletes what the nodes need; returns how many failed pods were found (the caller retries with backoff). */
export async function manage(d: DsDeps, s: DsSync): Promise<number> {
  const byNode = podsByNode(s.pods, targetNodeName);
  const allowSurge = surgeCount(s.ds, 1) > 0;
  const create: string[] = [];
  const remove: string[] = [];
  let failed = 0;
  for (const node of s.nodes) {
    const plan = podsShouldBeOnNode(d, s, node, byNode.get(node.metadata?.name ?? ''), allowSurge);
    create.push(...plan.create);
    remove.push(...plan.remove);
    failed += plan.failed;
  }
  // Unscheduled pods aimed at nodes that no longer exist would wait forever (PodGC only reaps bound pods).
  const known = new Set(s.nodes.map((n) => n.metadata?.name));
  for (const [node, pods] of byNode) {
    if (!known.has(node)) remove.push(...pods.filter((p) => !p.spec?.nodeName).map((p) => p.metadata?.name ?? ''));
  }
  await syncNodes(d, s, remove, create);
  return failed;
}

/** Deletes `podNames` and creates a daemon pod on each of `nodeNames` (slow-start batches), under expectations. */
export async function syncNodes(d: DsDeps, s: DsSync, podNames: readonly string[], nodeNames: readonly string[]): Promise<void> {
  const ns = s.ds.metadata?.namespace ?? '';
  const toCreate = nodeNames.slice(0, BURST_REPLICAS);
  const toDelete = podNames.slice(0, BURST_REPLICAS);
  d.creations.expectCreations(s.key, toCreate.length);
  d.deletions.expectDeletions(s.key, toDelete.map((n) => `${ns}/${n}`));
  const errors: unknown[] = [];
  const template = s.ds.spec?.template ?? {};
  const owner = newControllerRef(s.ds, resources.daemonsets);
  const { successes, error } = await slowStartBatch(toCreate, async (node) => {
    try {
      const pod = await createPodFromTemplate({
        pods: d.pods,
        namespace: ns,
        template,
        owner,
        generateName: `${s.ds.metadata?.name ?? ''}-`,
        labels: { [REVISION_HASH_LABEL]: s.hash },
        spec: daemonPodSpec(template.spec ?? { containers: [] }, node),
      });
      d.events.record(s.ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`);
    } catch (e) {
      d.events.record(s.ds, 'Warning', 'FailedCreate', `Error creating: ${message(e)}`);
      throw e;
    }
  });
  // Pods that failed or were never tried will not show up in the informer: stop waiting for them.
  for (let i = successes; i < toCreate.length; i++) d.creations.creationObserved(s.key);
  if (error !== undefined) errors.push(error);
  await Promise.all(
    toDelete.map(async (name) => {
      try {
        await d.pods.delete(name, { namespace: ns });
        d.events.record(s.ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (e) {
        d.deletions.deletionObserved(s.key, `${ns}/${name}`);
        if (isNotFound(e)) return;
        d.events.record(s.ds, 'Warning', 'FailedDelete', `Error deleting: ${message(e)}`);
        errors.push(e);
      }
    }),
  );
  const [first] = errors;
  if (first !== undefined) throw first instanceof Error ? first : new Error(message(first));
}
