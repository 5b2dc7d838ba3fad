/**
 * The revisions of a workload, as kubectl reads them: a Deployment's ReplicaSets (owned by it,
 * selected by its selector, revision in `deployment.kubernetes.io/revision`), a DaemonSet's or
 * StatefulSet's ControllerRevisions (whose data is a strategic patch of the pod template).
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { PodTemplateSpec } from '../../api/generated/core/v1.js';
import type { LabelSelector } from '../../api/generated/meta/v1.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge.js';
import type { KubeList, KubeObject } from '../../client/types.js';
import { describePodTemplate } from '../describe/pod-template.js';
import type { PrefixWriter } from '../describe/writer.js';
import type { Factory } from '../types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const HASH_LABEL = 'pod-template-hash';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `metav1.LabelSelectorAsSelector(...).String()`: requirements sorted by key. */
export function selectorString(sel: LabelSelector | undefined): string {
  if (!sel) return '';
  const parts: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push({ key: k, text: `${k}=${v}` });
  for (const r of sel.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort();
    const text =
      r.operator === 'In' ? `${r.key} in (${values.join(',')})`
      : r.operator === 'NotIn' ? `${r.key} notin (${values.join(',')})`
      : r.operator === 'Exists' ? r.key
      : `!${r.key}`;
    parts.push({ key: r.key, text });
  }
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return parts.map((p) => p.text).join(',');
}

/** Is `obj` controlled by the owner with this UID (metav1.IsControlledBy)? */
export function isControlledBy(obj: KubeObject, ownerUid: string | undefined): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === ownerUid);
}

/** Drops Go zero values (`""`, 0, false, null, empty maps and lists) so two JSON forms compare as the structs would. */
export function semantic(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(semantic);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const s = semantic(x);
      if (s !== undefined) out[k] = s;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (v === '' || v === 0 || v === false || v === null) return undefined;
  return v;
}

/** Semantic equality of two JSON values (apiequality.Semantic.DeepEqual, zero values and nil alike). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(semantic(a))) === JSON.stringify(sortKeys(semantic(b)));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** A template without its `pod-template-hash` label (copy). */
export function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  return copy;
}

/** The revision number of an object (its annotation), or undefined when absent or not a number. */
export function revisionOf(obj: KubeObject): number | undefined {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** A Deployment's ReplicaSets: the new one (same template) and all the old ones (GetAllReplicaSets). */
export async function deploymentReplicaSets(f: Factory, d: Deployment): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
  const ns = d.metadata?.namespace ?? f.namespace().namespace;
  const list = await f.client().request<KubeList<ReplicaSet>>({
    method: 'GET',
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets`,
    query: { labelSelector: selectorString(d.spec?.selector) || undefined },
  });
  const owned = list.items.filter((rs) => isControlledBy(rs, d.metadata?.uid)).sort(byCreation);
  const template = withoutHash(d.spec?.template);
  const newRS = owned.find((rs) => semanticEqual(withoutHash(rs.spec?.template), template));
  return { newRS, oldRSs: owned.filter((rs) => rs !== newRS) };
}

/** A DaemonSet's or StatefulSet's ControllerRevisions (those it controls, by its selector). */
export async function controllerRevisions(f: Factory, owner: { metadata?: KubeObject['metadata']; spec?: { selector?: LabelSelector } }): Promise<ControllerRevision[]> {
  const ns = owner.metadata?.namespace ?? f.namespace().namespace;
  const list = await f.client().request<KubeList<ControllerRevision>>({
    method: 'GET',
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/controllerrevisions`,
    query: { labelSelector: selectorString(owner.spec?.selector) || undefined },
  });
  return list.items.filter((h) => isControlledBy(h, owner.metadata?.uid));
}

/** The owner as it was at a revision: its ControllerRevision's patch applied to it. */
export function applyRevision<T extends DaemonSet | KubeObject>(owner: T, history: ControllerRevision, schemaName: string): T {
  return applyStrategicMergePatch(owner, history.data ?? {}, { schemaName }) as T;
}

/** A PrefixWriter into a string, without tab alignment (kubectl's printTemplate). */
class PlainWriter implements PrefixWriter {
  text = '';
  write(level: number, text: string): void {
    this.text += '  '.repeat(level) + text;
  }
  line(...words: string[]): void {
    this.text += `${words.join(' ')}\n`;
  }
}

/** `Pod Template:` and the template's description, as `rollout history --revision` prints it. */
export function printTemplate(t: PodTemplateSpec | undefined): string {
  const w = new PlainWriter();
  describePodTemplate(t, w);
  return w.text;
}

/** The `REVISION  CHANGE-CAUSE` table (kubectl's tabwriter with padding 2). */
export function revisionTable(rows: { revision: number; changeCause: string }[]): string {
  const sorted = [...rows].sort((a, b) => a.revision - b.revision);
  const width = Math.max('REVISION'.length, ...sorted.map((r) => String(r.revision).length)) + 2;
  let out = `${'REVISION'.padEnd(width)}CHANGE-CAUSE\n`;
  for (const r of sorted) out += `${String(r.revision).padEnd(width)}${r.changeCause || '<none>'}\n`;
  return out;
}
