/**
 * Which describer prints which kind, by API group and kind as kubectl's describer map; any other
 * kind (custom resources included) gets the generic describer. Not yet here, so printed by the
 * generic one unlike kubectl: Ingress, IngressClass, NetworkPolicy, EndpointSlice, CSR, CSINode,
 * VolumeAttributesClass, ServiceCIDR, IPAddress.
 */
import type { ResourceDescriptor } from '../../client/paths.js';
import { describeDaemonSet, describeStatefulSet } from './apps.js';
import { describePodDisruptionBudget, describePriorityClass, describeStorageClass } from './cluster.js';
import { describeConfigMap, describeSecret, describeServiceAccount } from './config.js';
import type { Describer } from './context.js';
import { describeDeployment } from './deployment.js';
import { describeGeneric } from './generic.js';
import { describeHorizontalPodAutoscaler } from './hpa.js';
import { describeCronJob, describeJob } from './job.js';
import { describeLimitRange, describeNamespace, describeResourceQuota } from './namespace.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describePersistentVolume } from './pv.js';
import { describePersistentVolumeClaim } from './pvc.js';
import { describeClusterRole, describeClusterRoleBinding, describeRole, describeRoleBinding } from './rbac.js';
import { describeReplicaSet, describeReplicationController } from './replicas.js';
import { describeEndpoints, describeService } from './service.js';

export type { DescribeContext, DescriberSettings, Describer } from './context.js';

const describers: Record<string, Describer> = {
  '/Pod': describePod,
  '/ReplicationController': describeReplicationController,
  '/Service': describeService,
  '/Endpoints': describeEndpoints,
  '/Node': describeNode,
  '/Namespace': describeNamespace,
  '/ConfigMap': describeConfigMap,
  '/Secret': describeSecret,
  '/ServiceAccount': describeServiceAccount,
  '/PersistentVolumeClaim': describePersistentVolumeClaim,
  '/ResourceQuota': describeResourceQuota,
  '/LimitRange': describeLimitRange,
  '/PersistentVolume': describePersistentVolume,
  'apps/Deployment': describeDeployment,
  'apps/ReplicaSet': describeReplicaSet,
  'apps/DaemonSet': describeDaemonSet,
  'apps/StatefulSet': describeStatefulSet,
  'batch/Job': describeJob,
  'batch/CronJob': describeCronJob,
  'autoscaling/HorizontalPodAutoscaler': describeHorizontalPodAutoscaler,
  'policy/PodDisruptionBudget': describePodDisruptionBudget,
  'scheduling.k8s.io/PriorityClass': describePriorityClass,
  'storage.k8s.io/StorageClass': describeStorageClass,
  'rbac.authorization.k8s.io/Role': describeRole,
  'rbac.authorization.k8s.io/ClusterRole': describeClusterRole,
  'rbac.authorization.k8s.io/RoleBinding': describeRoleBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': describeClusterRoleBinding,
};

/** The describer for a resource type (kubectl's own for built-in kinds, else the generic one). */
export function describerFor(mapping: ResourceDescriptor & { kind: string }): Describer {
  return describers[`${mapping.group}/${mapping.kind}`] ?? ((ctx, namespace, name) => describeGeneric(ctx, mapping, namespace, name));
}
