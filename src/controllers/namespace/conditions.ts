/**
 * The status conditions a terminating Namespace carries (upstream's namespaceConditionUpdater), so
 * `kubectl describe ns` says why it is still there: discovery failures, content that failed to
 * delete, content remaining, and finalizers holding content. Each is always present, False with an
 * "all good" reason once the problem is gone.
 */
import type { NamespaceCondition } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';

/** What one pass of content deletion found. */
export interface DeletionReport {
  /** Group-versions discovery could not read. */
  discoveryFailures: string[];
  /** Resources whose deletion failed, with why. */
  deleteFailures: string[];
  /** Objects left, by group-resource (`pods`, `deployments.apps`). */
  remaining: Map<string, number>;
  /** Objects left, by finalizer. */
  finalizers: Map<string, number>;
}

const OK: Record<string, [reason: string, message: string]> = {
  NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: ['ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  NamespaceDeletionContentFailure: ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
};

const sortedCounts = (m: Map<string, number>, fmt: (k: string, n: number) => string) =>
  [...m.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => fmt(k, n));

/** The conditions a report calls for (without transition times). */
function wanted(r: DeletionReport): Map<string, [status: string, reason: string, message: string]> {
  const out = new Map<string, [string, string, string]>();
  for (const [type, [reason, message]] of Object.entries(OK)) out.set(type, ['False', reason, message]);
  if (r.discoveryFailures.length) {
    out.set('NamespaceDeletionDiscoveryFailure', ['True', 'DiscoveryFailed', `Discovery failed for some groups, ${r.discoveryFailures.length} failing: ${[...r.discoveryFailures].sort().join(', ')}`]);
  }
  if (r.deleteFailures.length) {
    out.set('NamespaceDeletionContentFailure', ['True', 'ContentDeletionFailed', `Failed to delete all resource types, ${r.deleteFailures.length} remaining: ${[...r.deleteFailures].sort().join(', ')}`]);
  }
  const remaining = sortedCounts(r.remaining, (k, n) => `${k} has ${n} resource instances`);
  if (remaining.length) out.set('NamespaceContentRemaining', ['True', 'SomeResourcesRemain', `Some resources are remaining: ${remaining.join(', ')}`]);
  const finalizers = sortedCounts(r.finalizers, (k, n) => `${k} in ${n} resource instances`);
  if (finalizers.length) out.set('NamespaceFinalizersRemaining', ['True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`]);
  return out;
}

/**
 * The namespace's conditions after a pass: an unchanged condition keeps its transition time;
 * conditions of other types are kept as they were. `changed` is false when nothing differs.
 */
export function updateConditions(current: readonly NamespaceCondition[], r: DeletionReport, now: number): { conditions: NamespaceCondition[]; changed: boolean } {
  const want = wanted(r);
  let changed = false;
  const conditions: NamespaceCondition[] = current.filter((c) => !want.has(c.type));
  for (const [type, [status, reason, message]] of want) {
    const old = current.find((c) => c.type === type);
    if (old && old.status === status && old.reason === reason && old.message === message) {
      conditions.push(old);
      continue;
    }
    changed = true;
    conditions.push({ type, status, reason, message, lastTransitionTime: rfc3339(now) });
  }
  return { conditions, changed };
}
