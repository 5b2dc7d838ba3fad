/**
 * `rollout history` and `rollout undo` per kind (kubectl's HistoryViewer and Rollbacker): the
 * revision table or one revision's template, the objects behind each revision (for `-o`), and the
 * rollback itself — a JSON patch of the Deployment's template and annotations, or the
 * ControllerRevision's strategic patch for DaemonSets and StatefulSets.
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { PodTemplateSpec } from '../../api/generated/core/v1.js';
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';
import type { Factory, ResourceMapping } from '../types.js';
import type { DryRun } from './common.js';
import { sendPatch } from './patch.js';
import {
  applyRevision,
  CHANGE_CAUSE_ANNOTATION,
  controllerRevisions,
  deploymentReplicaSets,
  printTemplate,
  revisionOf,
  revisionTable,
  semanticEqual,
  withoutHash,
} from './revisions.js';

type Kind = 'Deployment' | 'DaemonSet' | 'StatefulSet';

/** Kinds kubectl's GroupKindElement visitor knows (others: "no visitor method exists"). */
const visitable = new Set(['apps/DaemonSet', 'extensions/DaemonSet', 'apps/Deployment', 'extensions/Deployment', 'batch/Job', '/Pod', 'apps/ReplicaSet', 'extensions/ReplicaSet', '/ReplicationController', 'apps/StatefulSet', 'batch/CronJob']);

/** The kind the history/rollback code handles, or the error kubectl gives for the others. */
export function historyKind(m: Pick<ResourceMapping, 'group' | 'kind'>, what: 'history' | 'rollbacker'): Kind {
  const gk = `${m.group}/${m.kind}`;
  const text = m.group ? `${m.kind}.${m.group}` : m.kind;
  if (!visitable.has(gk)) {
    throw new CliError(`error retrieving ${what === 'history' ? 'history' : 'rollbacker'} for "${text}", no visitor method exists for {${m.group} ${m.kind}}`);
  }
  if (m.kind === 'Deployment' || m.kind === 'DaemonSet' || (m.kind === 'StatefulSet' && m.group === 'apps')) return m.kind;
  throw new CliError(`no ${what === 'history' ? 'history viewer' : 'rollbacker'} has been implemented for "${text}"`);
}

const schemaOf = (kind: Kind): string => `io.k8s.api.apps.v1.${kind}`;

async function getOwner(f: Factory, kind: Kind, namespace: string, name: string): Promise<KubeObject> {
  const resource = { Deployment: 'deployments', DaemonSet: 'daemonsets', StatefulSet: 'statefulsets' }[kind];
  try {
    return await f.client().request<KubeObject>({ method: 'GET', path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}` });
  } catch (e) {
    const label = { Deployment: 'deployment', DaemonSet: 'DaemonSet', StatefulSet: 'Statefulset' }[kind];
    throw new CliError(`failed to retrieve ${label} ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** One revision: its number, change cause, template, and the object kubectl prints for it with `-o`. */
interface Revision {
  revision: number;
  changeCause: string;
  template: PodTemplateSpec | undefined;
  object: KubeObject;
}

async function revisions(f: Factory, kind: Kind, namespace: string, name: string): Promise<{ owner: KubeObject; list: Revision[]; histories: ControllerRevision[] }> {
  const owner = await getOwner(f, kind, namespace, name);
  if (kind === 'Deployment') {
    const { newRS, oldRSs } = await deploymentReplicaSets(f, owner);
    const all: ReplicaSet[] = newRS ? [...oldRSs, newRS] : oldRSs;
    const byRevision = new Map<number, Revision>();
    for (const rs of all) {
      const v = revisionOf(rs);
      if (v === undefined) continue;
      const template = structuredClone(rs.spec?.template ?? {});
      const cause = rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '';
      if (cause) template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [CHANGE_CAUSE_ANNOTATION]: cause } };
      byRevision.set(v, { revision: v, changeCause: template.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '', template, object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...rs } });
    }
    return { owner, list: [...byRevision.values()], histories: [] };
  }
  const histories = await controllerRevisions(f, owner);
  const byRevision = new Map<number, Revision>();
  for (const h of histories) {
    const applied = applyRevision(owner, h, schemaOf(kind)) as DaemonSet;
    byRevision.set(h.revision, { revision: h.revision, changeCause: h.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '', template: applied.spec?.template, object: applied });
  }
  return { owner, list: [...byRevision.values()], histories };
}

/** `rollout history` text: the table, `No rollout history found.`, or one revision's template. */
export async function viewHistory(f: Factory, kind: Kind, namespace: string, name: string, revision: number): Promise<string> {
  const { list } = await revisions(f, kind, namespace, name);
  if (list.length === 0) return 'No rollout history found.';
  if (revision > 0) {
    const r = list.find((x) => x.revision === revision);
    if (!r) throw new CliError('unable to find the specified revision');
    return printTemplate(r.template);
  }
  return revisionTable(list);
}

/** The object behind each revision, by revision (for `rollout history -o`). */
export async function historyObjects(f: Factory, kind: Kind, namespace: string, name: string): Promise<Map<number, KubeObject>> {
  const { list } = await revisions(f, kind, namespace, name);
  return new Map([...list].sort((a, b) => a.revision - b.revision).map((r) => [r.revision, r.object]));
}

const revisionNotFound = (r: number) => new CliError(`unable to find specified revision ${r} in history`);

/** Annotations a Deployment keeps rather than take from the ReplicaSet it rolls back to. */
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

async function rollbackDeployment(f: Factory, mapping: ResourceMapping, d: Deployment, toRevision: number, dryRun: DryRun): Promise<string> {
  const name = d.metadata?.name ?? '';
  const { newRS, oldRSs } = await deploymentReplicaSets(f, d);
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  let target: ReplicaSet | undefined;
  if (toRevision > 0) {
    target = all.find((rs) => revisionOf(rs) === toRevision);
    if (!target) throw revisionNotFound(toRevision);
  } else {
    // The second newest revision.
    const ranked = all.filter((rs) => revisionOf(rs) !== undefined).sort((a, b) => (revisionOf(b) ?? 0) - (revisionOf(a) ?? 0));
    target = ranked[1];
    if (!target) throw new CliError(`no rollout history found for deployment "${name}"`);
  }
  if (dryRun === 'client') return printTemplate(target.spec?.template);
  if (d.spec?.paused) throw new CliError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  if (semanticEqual(withoutHash(target.spec?.template), withoutHash(d.spec?.template))) {
    return `skipped rollback (current template already matches revision ${toRevision})`;
  }
  const template = withoutHash(target.spec?.template);
  if (template.metadata?.labels && Object.keys(template.metadata.labels).length === 0) delete template.metadata.labels;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (annotationsToSkip.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata?.annotations ?? {})) if (!annotationsToSkip.has(k)) annotations[k] = v;
  const patch = [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  try {
    await sendPatch(f, { mapping, namespace: d.metadata?.namespace ?? '', name }, patch, { type: 'json', dryRun: dryRun === 'server' });
  } catch (e) {
    throw new CliError(`failed restoring revision ${toRevision}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return 'rolled back';
}

async function rollbackHistory(f: Factory, mapping: ResourceMapping, kind: Kind, owner: KubeObject, toRevision: number, dryRun: DryRun): Promise<string> {
  const histories = (await controllerRevisions(f, owner)).sort((a, b) => a.revision - b.revision);
  if (toRevision === 0 && histories.length <= 1) throw new CliError('no last revision to roll back to');
  const to = toRevision === 0 ? histories[histories.length - 2] : histories.find((h) => h.revision === toRevision);
  if (!to) throw revisionNotFound(toRevision);
  if (dryRun === 'client') {
    const applied = applyRevision(owner, to, schemaOf(kind)) as DaemonSet;
    return `will roll back to ${printTemplate(applied.spec?.template)}`;
  }
  const current = { spec: { template: { ...(owner as DaemonSet).spec?.template, $patch: 'replace' } } };
  if (semanticEqual(current, to.data)) return `skipped rollback (current template already matches revision ${toRevision})`;
  try {
    await sendPatch(f, { mapping, namespace: owner.metadata?.namespace ?? '', name: owner.metadata?.name ?? '' }, to.data ?? {}, { type: 'strategic', dryRun: dryRun === 'server' });
  } catch (e) {
    throw new CliError(`failed restoring revision ${toRevision}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return 'rolled back';
}

/** Rolls a workload back; returns the operation text kubectl prints after the object's name. */
export async function rollback(f: Factory, mapping: ResourceMapping, obj: KubeObject, toRevision: number, dryRun: DryRun): Promise<string> {
  const kind = historyKind(mapping, 'rollbacker');
  if (toRevision < 0) throw revisionNotFound(toRevision);
  const namespace = obj.metadata?.namespace ?? f.namespace().namespace;
  const name = obj.metadata?.name ?? '';
  const owner = await getOwner(f, kind, namespace, name);
  if (kind === 'Deployment') return rollbackDeployment(f, mapping, owner, toRevision, dryRun);
  return rollbackHistory(f, mapping, kind, owner, toRevision, dryRun);
}
