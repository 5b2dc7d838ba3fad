// Validators of the non-core groups by index key (`Kind.group`), wired to core's pod template
// validation. The index (../validation.ts) spreads this map next to core's.
import type * as appsV1 from '../generated/apps/v1.js';
import type * as autoscalingV1 from '../generated/autoscaling/v1.js';
import type * as autoscalingV2 from '../generated/autoscaling/v2.js';
import type * as batchV1 from '../generated/batch/v1.js';
import type * as policyV1 from '../generated/policy/v1.js';
import type * as rbacV1 from '../generated/rbac/v1.js';
import type * as schedulingV1 from '../generated/scheduling/v1.js';
import type * as storageV1 from '../generated/storage/v1.js';
import type { FieldError } from '../errors.js';
import { validatePodTemplateSpec, type KindValidator } from './core.js';
import type { GroupValidationOptions } from './group-helpers.js';
import * as apps from './apps.js';
import * as sets from './apps-sets.js';
import * as batch from './batch.js';
import * as cron from './batch-cronjob.js';
import * as hpa from './autoscaling.js';
import * as policy from './policy.js';
import * as rbac from './rbac.js';
import * as scheduling from './scheduling.js';
import * as storage from './storage.js';

const opts: GroupValidationOptions = { validatePodTemplate: (t, p) => validatePodTemplateSpec(t, p) };

const kind = <T>(create: (obj: T) => FieldError[], update: (obj: T, old: T) => FieldError[]): KindValidator<T> => ({ create, update });

type AnyHPA = autoscalingV1.HorizontalPodAutoscaler | autoscalingV2.HorizontalPodAutoscaler;
// One key serves both versions; the object's own apiVersion picks the rules.
const isV1 = (h: AnyHPA): h is autoscalingV1.HorizontalPodAutoscaler => h.apiVersion === 'autoscaling/v1';

/** Validators for apps, batch, autoscaling, policy, rbac, scheduling and storage kinds. */
export const groupValidators = {
  'Deployment.apps': kind<appsV1.Deployment>((o) => apps.validateDeployment(o, opts), (o, old) => apps.validateDeploymentUpdate(o, old, opts)),
  'ReplicaSet.apps': kind<appsV1.ReplicaSet>((o) => apps.validateReplicaSet(o, opts), (o, old) => apps.validateReplicaSetUpdate(o, old, opts)),
  'DaemonSet.apps': kind<appsV1.DaemonSet>((o) => sets.validateDaemonSet(o, opts), (o, old) => sets.validateDaemonSetUpdate(o, old, opts)),
  'StatefulSet.apps': kind<appsV1.StatefulSet>((o) => sets.validateStatefulSet(o, opts), (o, old) => sets.validateStatefulSetUpdate(o, old, opts)),
  'Job.batch': kind<batchV1.Job>((o) => batch.validateJob(o, opts), (o, old) => batch.validateJobUpdate(o, old, opts)),
  'CronJob.batch': kind<batchV1.CronJob>((o) => cron.validateCronJob(o, opts), (o, old) => cron.validateCronJobUpdate(o, old, opts)),
  'HorizontalPodAutoscaler.autoscaling': kind<AnyHPA>(
    (o) => (isV1(o) ? hpa.validateHorizontalPodAutoscalerV1(o) : hpa.validateHorizontalPodAutoscalerV2(o)),
    (o, old) =>
      isV1(o) && isV1(old)
        ? hpa.validateHorizontalPodAutoscalerV1Update(o, old)
        : hpa.validateHorizontalPodAutoscalerV2Update(o, old),
  ),
  'PodDisruptionBudget.policy': kind<policyV1.PodDisruptionBudget>(policy.validatePodDisruptionBudget, policy.validatePodDisruptionBudgetUpdate),
  'Role.rbac.authorization.k8s.io': kind<rbacV1.Role>(rbac.validateRole, rbac.validateRoleUpdate),
  'ClusterRole.rbac.authorization.k8s.io': kind<rbacV1.ClusterRole>(rbac.validateClusterRole, rbac.validateClusterRoleUpdate),
  'RoleBinding.rbac.authorization.k8s.io': kind<rbacV1.RoleBinding>(rbac.validateRoleBinding, rbac.validateRoleBindingUpdate),
  'ClusterRoleBinding.rbac.authorization.k8s.io': kind<rbacV1.ClusterRoleBinding>(rbac.validateClusterRoleBinding, rbac.validateClusterRoleBindingUpdate),
  'PriorityClass.scheduling.k8s.io': kind<schedulingV1.PriorityClass>(scheduling.validatePriorityClass, scheduling.validatePriorityClassUpdate),
  'StorageClass.storage.k8s.io': kind<storageV1.StorageClass>(storage.validateStorageClass, storage.validateStorageClassUpdate),
} satisfies Record<string, KindValidator<never>>;
