// Defaulters of the non-core groups by index key (`Kind.group`), wired to core's Pod-spec
// defaults for workload templates. The index (../defaults.ts) spreads this map next to core's.
import type * as autoscalingV1 from '../generated/autoscaling/v1.js';
import type * as autoscalingV2 from '../generated/autoscaling/v2.js';
import { defaultPodSpec, type Defaulter } from './core.js';
import type { GroupDefaultingOptions } from './group-hooks.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import { defaultCronJob, defaultJob } from './batch.js';
import { defaultHorizontalPodAutoscalerV1, defaultHorizontalPodAutoscalerV2 } from './autoscaling.js';
import { defaultEndpointSlice } from './discovery.js';
import { defaultNetworkPolicy } from './networking.js';
import { defaultClusterRoleBinding, defaultRoleBinding } from './rbac.js';
import { defaultPriorityClass } from './scheduling.js';
import { defaultStorageClass } from './storage.js';

const opts: GroupDefaultingOptions = { defaultPodSpec };

// Wrapping each defaulter keeps its parameter type out of the map's `never` signature.
const d = <T>(fn: (obj: T) => unknown): Defaulter<never> => (obj: never) => void fn(obj);

type AnyHPA = autoscalingV1.HorizontalPodAutoscaler | autoscalingV2.HorizontalPodAutoscaler;

/** Defaulters for apps, batch, autoscaling, networking, discovery, rbac, scheduling and storage kinds. */
export const groupDefaulters: Readonly<Record<string, Defaulter<never>>> = {
  'Deployment.apps': d((o: Parameters<typeof defaultDeployment>[0]) => defaultDeployment(o, opts)),
  'ReplicaSet.apps': d((o: Parameters<typeof defaultReplicaSet>[0]) => defaultReplicaSet(o, opts)),
  'DaemonSet.apps': d((o: Parameters<typeof defaultDaemonSet>[0]) => defaultDaemonSet(o, opts)),
  'StatefulSet.apps': d((o: Parameters<typeof defaultStatefulSet>[0]) => defaultStatefulSet(o, opts)),
  'Job.batch': d((o: Parameters<typeof defaultJob>[0]) => defaultJob(o, opts)),
  'CronJob.batch': d((o: Parameters<typeof defaultCronJob>[0]) => defaultCronJob(o, opts)),
  'HorizontalPodAutoscaler.autoscaling': d((o: AnyHPA) =>
    o.apiVersion === 'autoscaling/v1' ? defaultHorizontalPodAutoscalerV1(o as autoscalingV1.HorizontalPodAutoscaler) : defaultHorizontalPodAutoscalerV2(o),
  ),
  'NetworkPolicy.networking.k8s.io': d(defaultNetworkPolicy),
  'EndpointSlice.discovery.k8s.io': d(defaultEndpointSlice),
  'RoleBinding.rbac.authorization.k8s.io': d(defaultRoleBinding),
  'ClusterRoleBinding.rbac.authorization.k8s.io': d(defaultClusterRoleBinding),
  'PriorityClass.scheduling.k8s.io': d(defaultPriorityClass),
  'StorageClass.storage.k8s.io': d(defaultStorageClass),
};
