/**
 * `rollout status` verdicts (kubectl's StatusViewers): from a Deployment's, DaemonSet's or
 * StatefulSet's status, the progress line kubectl prints and whether the rollout is done.
 * A failed rollout or an unusable object is a thrown CliError.
 */
import type { DaemonSet, Deployment, StatefulSet } from '../../api/generated/apps/v1.js';
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';
import { revisionOf } from './revisions.js';

/** What a viewer says about one observed state. */
export interface RolloutStatus {
  message: string;
  done: boolean;
}

/** Reads a status; `revision` > 0 pins the expected revision (Deployments only). */
export type StatusViewer = (obj: KubeObject, revision: number) => RolloutStatus;

function deploymentStatus(obj: KubeObject, revision: number): RolloutStatus {
  const d = obj as Deployment;
  const name = d.metadata?.name ?? '';
  if (revision > 0) {
    const current = revisionOf(d);
    if (current === undefined) throw new CliError(`cannot get the revision of deployment "${name}": strconv.ParseInt: parsing "": invalid syntax`);
    if (current !== revision) throw new CliError(`desired revision (${revision}) is different from the running revision (${current})`);
  }
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
  const progressing = (s.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`deployment "${name}" exceeded its progress deadline`);
  const updated = s.updatedReplicas ?? 0;
  const replicas = d.spec?.replicas;
  if (replicas !== undefined && updated < replicas) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
  }
  if ((s.replicas ?? 0) > updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
  }
  if ((s.availableReplicas ?? 0) < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
}

function daemonSetStatus(obj: KubeObject): RolloutStatus {
  const ds = obj as DaemonSet;
  const name = ds.metadata?.name ?? '';
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    throw new CliError('rollout status is only available for RollingUpdate strategy type');
  }
  const s = ds.status;
  if ((ds.metadata?.generation ?? 0) > (s?.observedGeneration ?? 0)) return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
  const desired = s?.desiredNumberScheduled ?? 0;
  const updated = s?.updatedNumberScheduled ?? 0;
  if (updated < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...\n`, done: false };
  const available = s?.numberAvailable ?? 0;
  if (available < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...\n`, done: false };
  return { message: `daemon set "${name}" successfully rolled out\n`, done: true };
}

function statefulSetStatus(obj: KubeObject): RolloutStatus {
  const sts = obj as StatefulSet;
  const strategy = sts.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError('rollout status is only available for RollingUpdate strategy type');
  const s = sts.status;
  const observed = s?.observedGeneration ?? 0;
  if (observed === 0 || (sts.metadata?.generation ?? 0) > observed) return { message: 'Waiting for statefulset spec update to be observed...\n', done: false };
  const replicas = sts.spec?.replicas;
  const ready = s?.readyReplicas ?? 0;
  if (replicas !== undefined && ready < replicas) return { message: `Waiting for ${replicas - ready} pods to be ready...\n`, done: false };
  const updated = s?.updatedReplicas ?? 0;
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return { message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...\n`, done: false };
    }
    return { message: `partitioned roll out complete: ${updated} new pods have been updated...\n`, done: true };
  }
  if (s?.updateRevision !== s?.currentRevision) {
    return { message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${s?.updateRevision ?? ''}...\n`, done: false };
  }
  return { message: `statefulset rolling update complete ${s?.currentReplicas ?? 0} pods at revision ${s?.currentRevision ?? ''}...\n`, done: true };
}

/** The viewer for a group/kind, or a CliError worded as kubectl's StatusViewerFor. */
export function statusViewerFor(group: string, kind: string): StatusViewer {
  const apps = group === 'apps' || group === 'extensions';
  if (apps && kind === 'Deployment') return deploymentStatus;
  if (apps && kind === 'DaemonSet') return daemonSetStatus;
  if (group === 'apps' && kind === 'StatefulSet') return statefulSetStatus;
  throw new CliError(`no status viewer has been implemented for ${group ? `${kind}.${group}` : kind}`);
}
