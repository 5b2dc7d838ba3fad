/**
 * DaemonSet history (upstream daemon/update.go constructHistory, snapshot, cleanupHistory): each
 * pod template gets a ControllerRevision `<ds>-<hash>` whose data is the strategic merge patch
 * `{"spec":{"template":{…,"$patch":"replace"}}}` that restores it — what `kubectl rollout
 * history/undo daemonset` read and apply — and whose `controller-revision-hash` label the pods of
 * that template carry.
 */
import { isAlreadyExists } from '../../api/errors.js';
import type { ControllerRevision, DaemonSet } from '../../api/generated/apps/v1.js';
import type { PodTemplateSpec } from '../../api/generated/core/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { labelSelectorFromSpec } from '../../api/selectors.js';
import { resources } from '../../client/resources.js';
import { claimObjects, newControllerRef } from '../util/owner.js';
import type { DsDeps } from './context.js';

export const REVISION_HASH_LABEL = 'controller-revision-hash';

/** JSON with object keys sorted, so equal values print equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The template's hash as upstream spells it: FNV-1a 32 over the template (and collisionCount), digits mapped to a vowel-free alphabet. */
export function templateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(canonicalJson(template ?? {}), 'utf8');
  const extra = collisionCount !== undefined && collisionCount !== null ? Buffer.from(Uint32Array.of(collisionCount).buffer) : Buffer.alloc(0);
  for (const b of [...bytes, ...extra]) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h >>> 0)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length] ?? '').join('');
}

/** The revision data: a patch replacing spec.template with the DaemonSet's (upstream getPatch). */
export function revisionData(ds: DaemonSet): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(ds.spec?.template ?? {}), $patch: 'replace' } } };
}

/** Whether `rev` records the DaemonSet's current template. */
export const revisionMatches = (ds: DaemonSet, rev: ControllerRevision) => canonicalJson(rev.data ?? {}) === canonicalJson(revisionData(ds));

/** The current revision (created if missing, deduplicated, renumbered to the newest) and the older ones. */
export async function constructHistory(d: DsDeps, ds: DaemonSet, candidates: readonly ControllerRevision[], pods: readonly Pod[]): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
  const sel = labelSelectorFromSpec(ds.spec?.selector);
  if (!sel.ok) throw new Error(`daemonset ${ds.metadata?.name ?? ''}: invalid selector: ${sel.error}`);
  const ns = ds.metadata?.namespace;
  const owned = await claimObjects({ owner: ds, ownerResource: resources.daemonsets, selector: sel.value, candidates, client: d.revisions, ownerClient: d.daemonSets });
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (let rev of owned) {
    if (!rev.metadata?.labels?.[REVISION_HASH_LABEL]) {
      // Older revisions without the label: the name stands in for the hash.
      rev = await d.revisions.patch(rev.metadata?.name ?? '', { metadata: { labels: { [REVISION_HASH_LABEL]: rev.metadata?.name ?? '' } } }, { namespace: ns });
    }
    (revisionMatches(ds, rev) ? current : old).push(rev);
  }
  const next = Math.max(0, ...old.map((r) => r.revision)) + 1;
  if (current.length === 0) return { cur: await snapshot(d, ds, next), old };
  const keep = current.reduce((a, b) => (b.revision >= a.revision ? b : a));
  const keepHash = keep.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
  if (current.length > 1) {
    for (const p of pods) {
      if (p.metadata?.labels?.[REVISION_HASH_LABEL] !== keepHash) await d.pods.patch(p.metadata?.name ?? '', { metadata: { labels: { [REVISION_HASH_LABEL]: keepHash } } }, { namespace: ns });
    }
    for (const r of current) if (r !== keep) await d.revisions.delete(r.metadata?.name ?? '', { namespace: ns });
  }
  if (keep.revision < next) return { cur: await d.revisions.update({ ...structuredClone(keep), revision: next }, { namespace: ns }), old };
  return { cur: keep, old };
}

/** Creates the revision of the current template; a name taken by another template bumps status.collisionCount and retries. */
async function snapshot(d: DsDeps, ds: DaemonSet, revision: number): Promise<ControllerRevision> {
  const ns = ds.metadata?.namespace;
  const hash = templateHash(ds.spec?.template, ds.status?.collisionCount);
  const name = `${ds.metadata?.name ?? ''}-${hash}`;
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: ns,
      labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata?.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds, resources.daemonsets)],
    },
    data: revisionData(ds),
    revision,
  };
  try {
    return await d.revisions.create(rev, { namespace: ns });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    const existing = await d.revisions.get(name, { namespace: ns });
    if (revisionMatches(ds, existing)) return existing;
    const fresh = await d.daemonSets.get(ds.metadata?.name ?? '', { namespace: ns });
    if ((fresh.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) throw new Error(`daemonset ${name}: stale collisionCount; retrying`);
    await d.daemonSets.updateStatus({ ...fresh, status: { ...(fresh.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 } }, { namespace: ns });
    throw e;
  }
}

/** Deletes the oldest revisions beyond revisionHistoryLimit that no live pod still runs. */
export async function cleanupHistory(d: DsDeps, ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): Promise<void> {
  let extra = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (extra <= 0) return;
  const live = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter((h): h is string => !!h));
  for (const rev of [...old].sort((a, b) => a.revision - b.revision)) {
    if (extra <= 0) break;
    if (live.has(rev.metadata?.labels?.[REVISION_HASH_LABEL] ?? '')) continue;
    await d.revisions.delete(rev.metadata?.name ?? '', { namespace: ds.metadata?.namespace });
    extra--;
  }
}
