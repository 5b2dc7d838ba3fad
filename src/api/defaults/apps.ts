// apps/v1 defaults (upstream pkg/apis/apps/v1/defaults.go): replicas, update strategies, history
// limits, and core's Pod-spec defaults inside each template. Defaulters fill absent fields in place.
import type * as appsV1 from '../generated/apps/v1.js';
import { defaultTemplate, type GroupDefaultingOptions } from './group-hooks.js';

/** Deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
export function defaultDeployment(d: appsV1.Deployment, opts: GroupDefaultingOptions = {}): appsV1.Deployment {
  if (!d.spec) return d;
  const s = d.spec;
  s.replicas ??= 1;
  s.strategy ??= {};
  const strategy = s.strategy;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= '25%';
    strategy.rollingUpdate.maxSurge ??= '25%';
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  defaultTemplate(s.template, opts);
  return d;
}

/** ReplicaSet: replicas 1. */
export function defaultReplicaSet(rs: appsV1.ReplicaSet, opts: GroupDefaultingOptions = {}): appsV1.ReplicaSet {
  if (!rs.spec) return rs;
  rs.spec.replicas ??= 1;
  defaultTemplate(rs.spec.template, opts);
  return rs;
}

/** DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. */
export function defaultDaemonSet(ds: appsV1.DaemonSet, opts: GroupDefaultingOptions = {}): appsV1.DaemonSet {
  if (!ds.spec) return ds;
  const s = ds.spec;
  s.updateStrategy ??= {};
  const strategy = s.updateStrategy;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= 1;
    strategy.rollingUpdate.maxSurge ??= 0;
  }
  s.revisionHistoryLimit ??= 10;
  defaultTemplate(s.template, opts);
  return ds;
}

/**
 * StatefulSet: OrderedReady, RollingUpdate with partition 0, PVC retention Retain/Retain,
 * replicas 1, revisionHistoryLimit 10, and an empty serviceName (serialized without omitempty).
 */
export function defaultStatefulSet(ss: appsV1.StatefulSet, opts: GroupDefaultingOptions = {}): appsV1.StatefulSet {
  if (!ss.spec) return ss;
  const s = ss.spec;
  if (!s.podManagementPolicy) s.podManagementPolicy = 'OrderedReady';
  s.updateStrategy ??= {};
  const strategy = s.updateStrategy;
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  // Only a rollingUpdate the user gave (or the one made just above) gets a partition.
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  s.persistentVolumeClaimRetentionPolicy ??= {};
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  s.replicas ??= 1;
  s.revisionHistoryLimit ??= 10;
  s.serviceName ??= '';
  defaultTemplate(s.template, opts);
  if (opts.defaultPersistentVolumeClaim) for (const pvc of s.volumeClaimTemplates ?? []) opts.defaultPersistentVolumeClaim(pvc);
  return ss;
}
