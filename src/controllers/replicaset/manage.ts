/**
 * Making the pod count right (upstream ReplicaSetController.manageReplicas): create the missing
 * pods in slow-start batches (1, 2, 4, …; a failing batch stops the rest, so a quota or admission
 * error costs one request, not hundreds), or delete the surplus, cheapest victims first. At most
 * {@link BURST_REPLICAS} pods move per sync. Expectations are raised before the writes and
 * lowered for writes that failed or were never tried, so informer lag never doubles a create.
 */
import { hasStatusCause, isNotFound } from '../../api/errors.js';
import type { Pod } from '../../api/generated/core/v1.js';
import type { ResourceClient } from '../../client/resource.js';
import type { EventSink } from '../controller.js';
import type { Expectations } from '../util/expectations.js';
import { newControllerRef, withKind } from '../util/owner.js';
import { byDeletionCost, createPodFromTemplate, isPodActive, isPodReady, phaseRank, podKey } from '../util/pods.js';
import { slowStartBatch } from '../util/batch.js';
import { desiredReplicas, type ReplicaKind, type ReplicaOwner } from './kinds.js';

/** Pods created or deleted per sync at most (upstream's burstReplicas). */
export const BURST_REPLICAS = 500;
/** The first slow-start batch. */
export const SLOW_START_INITIAL_BATCH = 1;
/** The annotation that ranks pods for scale-down (lower goes first). */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const deletionCost = (p: Pod): number => {
  const v = Number(p.metadata?.annotations?.[POD_DELETION_COST]);
  return Number.isInteger(v) ? v : 0;
};

/**
 * The `n` pods to delete (upstream getPodsToDelete with ActivePodsWithRanks): unscheduled,
 * Pending, not-ready pods first; then lower pod-deletion-cost; then pods doubled up on a node
 * with more of the owner's related pods; then the rest of {@link byDeletionCost}.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], n: number): Pod[] {
  if (n >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const rank = (p: Pod) => onNode.get(p.spec?.nodeName ?? '') ?? 0;
  const order = (a: Pod, b: Pod): number => {
    const na = a.spec?.nodeName ?? '';
    const nb = b.spec?.nodeName ?? '';
    if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
    if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
    if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    return byDeletionCost(a, b);
  };
  return [...pods].sort(order).slice(0, n);
}

/** What {@link manageReplicas} works with. */
export interface ManageOptions {
  kind: ReplicaKind;
  owner: ReplicaOwner;
  /** The owner's queue key (`namespace/name`). */
  key: string;
  /** The active pods the owner controls. */
  pods: readonly Pod[];
  /** Pods of the owner's siblings (same controller), for the doubled-up ranking; default `pods`. */
  related?: readonly Pod[];
  client: ResourceClient<Pod>;
  events: EventSink;
  expectations: Expectations;
}

/** The outcome: `diff` is active pods minus desired (negative: missing); `error` the first failure. */
export interface ManageResult {
  diff: number;
  error?: Error;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(JSON.stringify(e)));
const message = (e: unknown): string => asError(e).message;

/** Creates or deletes pods so the owner has `spec.replicas` of them (see the module header). */
export async function manageReplicas(o: ManageOptions): Promise<ManageResult> {
  const diff = o.pods.length - desiredReplicas(o.owner);
  const ns = o.owner.metadata?.namespace ?? '';
  const target = withKind(o.owner, o.kind.resource);
  if (diff < 0) {
    const n = Math.min(-diff, BURST_REPLICAS);
    o.expectations.expectCreations(o.key, n);
    const template = o.owner.spec?.template ?? {};
    const ref = newControllerRef(o.owner, o.kind.resource);
    const { successes, error } = await slowStartBatch(Array.from({ length: n }), async () => {
      try {
        const pod = await createPodFromTemplate({ pods: o.client, namespace: ns, template, owner: ref, generateName: `${o.owner.metadata?.name ?? ''}-` });
        o.events.record(target, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`);
      } catch (e) {
        // Every create in a terminating namespace fails; nothing to report or retry.
        if (hasStatusCause(e, 'NamespaceTerminating')) return;
        o.events.record(target, 'Warning', 'FailedCreate', `Error creating: ${message(e)}`);
        throw e;
      }
    }, SLOW_START_INITIAL_BATCH);
    // Pods that failed or were never tried will not show up in the informer: stop waiting for them.
    for (let i = successes; i < n; i++) o.expectations.creationObserved(o.key);
    return { diff, error: error === undefined ? undefined : asError(error) };
  }
  if (diff > 0) {
    const victims = podsToDelete(o.pods, o.related ?? o.pods, Math.min(diff, BURST_REPLICAS));
    o.expectations.expectDeletions(o.key, victims.map(podKey));
    const errors = await Promise.all(
      victims.map(async (p) => {
        const name = p.metadata?.name ?? '';
        try {
          await o.client.delete(name, { namespace: ns });
          o.events.record(target, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
          return undefined;
        } catch (e) {
          o.expectations.deletionObserved(o.key, podKey(p));
          if (isNotFound(e)) return undefined;
          o.events.record(target, 'Warning', 'FailedDelete', `Error deleting: ${message(e)}`);
          return asError(e);
        }
      }),
    );
    return { diff, error: errors.find((e) => e !== undefined) };
  }
  return { diff };
}
