// Which convertor prints which built-in kind, keyed by API group and kind as kube-apiserver wires
// its printers; kinds without one (Role, ClusterRole, LimitRange, CRDs...) get the default table.
import { cronJobTable, jobTable } from './batch.js';
import {
  certificateSigningRequestTable,
  leaseTable,
  namespaceTable,
  nodeTable,
  persistentVolumeClaimTable,
  persistentVolumeTable,
  priorityClassTable,
  storageClassTable,
} from './cluster.js';
import { clusterRoleBindingTable, configMapTable, resourceQuotaTable, roleBindingTable, secretTable, serviceAccountTable } from './config.js';
import { defaultTable } from './crd.js';
import { eventTable } from './events.js';
import { horizontalPodAutoscalerTable } from './hpa.js';
import { apiServiceTable, componentStatusTable, podTemplateTable, runtimeClassTable, webhookConfigurationTable } from './misc.js';
import { endpointSliceTable, endpointsTable, ingressClassTable, ingressTable, networkPolicyTable, serviceTable } from './network.js';
import { podTable } from './pod.js';
import type { TableConvertor } from './types.js';
import {
  controllerRevisionTable,
  daemonSetTable,
  deploymentTable,
  podDisruptionBudgetTable,
  replicaSetTable,
  replicationControllerTable,
  statefulSetTable,
} from './workloads.js';

const PRINTERS: ReadonlyMap<string, TableConvertor> = new Map<string, TableConvertor>([
  ['/Pod', podTable],
  ['/PodTemplate', podTemplateTable],
  ['/ReplicationController', replicationControllerTable],
  ['/Service', serviceTable],
  ['/Endpoints', endpointsTable],
  ['/Node', nodeTable],
  ['/Namespace', namespaceTable],
  ['/ConfigMap', configMapTable],
  ['/Secret', secretTable],
  ['/ServiceAccount', serviceAccountTable],
  ['/Event', eventTable],
  ['/PersistentVolume', persistentVolumeTable],
  ['/PersistentVolumeClaim', persistentVolumeClaimTable],
  ['/ResourceQuota', resourceQuotaTable],
  ['/ComponentStatus', componentStatusTable],
  ['apps/Deployment', deploymentTable],
  ['apps/ReplicaSet', replicaSetTable],
  ['apps/StatefulSet', statefulSetTable],
  ['apps/DaemonSet', daemonSetTable],
  ['apps/ControllerRevision', controllerRevisionTable],
  ['batch/Job', jobTable],
  ['batch/CronJob', cronJobTable],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerTable],
  ['policy/PodDisruptionBudget', podDisruptionBudgetTable],
  ['networking.k8s.io/Ingress', ingressTable],
  ['networking.k8s.io/IngressClass', ingressClassTable],
  ['networking.k8s.io/NetworkPolicy', networkPolicyTable],
  ['discovery.k8s.io/EndpointSlice', endpointSliceTable],
  ['events.k8s.io/Event', eventTable],
  ['coordination.k8s.io/Lease', leaseTable],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingTable],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingTable],
  ['scheduling.k8s.io/PriorityClass', priorityClassTable],
  ['storage.k8s.io/StorageClass', storageClassTable],
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestTable],
  ['node.k8s.io/RuntimeClass', runtimeClassTable],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookConfigurationTable],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookConfigurationTable],
  ['apiregistration.k8s.io/APIService', apiServiceTable],
]);

/**
 * The convertor kube-apiserver 1.32 uses for a built-in kind (`group` is `''` for the core group);
 * the default Name/Created At convertor for kinds without a printer. Custom resources use
 * `crdTableConvertor` instead.
 */
export function tableConvertorFor(group: string, kind: string): TableConvertor {
  return PRINTERS.get(`${group}/${kind}`) ?? defaultTable;
}

/** Whether `group`/`kind` has a dedicated printer (false means the default table). */
export function hasPrinter(group: string, kind: string): boolean {
  return PRINTERS.has(`${group}/${kind}`);
}
