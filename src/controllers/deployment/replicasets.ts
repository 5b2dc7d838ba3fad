/**
 * Facts about a Deployment's ReplicaSets (upstream deployment/util and controller_utils): the
 * annotation and label names, revisions, which ReplicaSet is the new one (its template equals the
 * Deployment's, ignoring pod-template-hash) and which are old, replica sums, and the orders
 * rollouts walk them in. Pure functions over cached objects.
 */
import type { Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import { equalIgnoreHash } from './hash.js';

/** The revision a ReplicaSet (and its Deployment) is at. */
export const REVISION = 'deployment.kubernetes.io/revision';
/** Earlier revisions of a ReplicaSet that was rolled back to. */
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
/** spec.replicas of the Deployment when the ReplicaSet was last scaled. */
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
/** spec.replicas + maxSurge of the Deployment when the ReplicaSet was last scaled. */
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** The label that tells one ReplicaSet's pods from another's. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** spec.replicas (the API defaults it to 1). */
export const replicasOf = (rs: ReplicaSet): number => rs.spec?.replicas ?? 1;
/** The Deployment's spec.replicas (default 1). */
export const desiredOf = (d: Deployment): number => d.spec?.replicas ?? 1;

/** The revision annotation as a number (0 when absent or unparsable). */
export function revisionOf(rs: ReplicaSet): number {
  const v = Number(rs.metadata?.annotations?.[REVISION] ?? '');
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/** The highest revision among `rss` (0 for none). */
export const maxRevision = (rss: readonly ReplicaSet[]): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

const created = (rs: ReplicaSet): number => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;

/** Oldest first; equal timestamps by name (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  if (created(a) !== created(b)) return created(a) - created(b);
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Lower revision first, then oldest first (ReplicaSetsByRevision). */
export const byRevision = (a: ReplicaSet, b: ReplicaSet): number => revisionOf(a) - revisionOf(b) || byCreation(a, b);

/** Larger first; equal sizes newer first (ReplicaSetsBySizeNewer, for scaling up). */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(b, a);

/** Larger first; equal sizes older first (ReplicaSetsBySizeOlder, for scaling down). */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(a, b);

/** ReplicaSets with spec.replicas > 0. */
export const filterActive = (rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);

const sum = (rss: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number): number => rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);
/** Sum of spec.replicas. */
export const specReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, replicasOf);
/** Sum of status.replicas (pods that exist). */
export const actualReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
/** Sum of status.readyReplicas. */
export const readyReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
/** Sum of status.availableReplicas. */
export const availableReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** The oldest ReplicaSet whose template is the Deployment's (ignoring pod-template-hash). */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const current = findNewReplicaSet(d, rss);
  return current ? rss.filter((rs) => rs.metadata?.name !== current.metadata?.name) : [...rss];
}

/**
 * The one ReplicaSet to scale when only one is active (or, with none active, the newest): a plain
 * scaling event. Undefined when several are active (scale proportionally).
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet runs all of the Deployment's replicas, and they are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS] ?? 'x');
  return replicasOf(rs) === desiredOf(d) && desired === desiredOf(d) && (rs.status?.availableReplicas ?? 0) === desiredOf(d);
}
