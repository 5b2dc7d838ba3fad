/**
 * Descriptors of the built-in resources the components talk to, in one place, so a controller,
 * the scheduler or kubectl never spells out `{ group: 'apps', version: 'v1', … }` itself.
 */
import type { ResourceDescriptor } from './paths.js';

/** A built-in resource: its kind is always known. */
export type BuiltInResource = ResourceDescriptor & { kind: string };

const core = (resource: string, kind: string, namespaced = true): BuiltInResource => ({ group: '', version: 'v1', resource, kind, namespaced });
const of = (group: string, version: string, resource: string, kind: string, namespaced = true): BuiltInResource => ({ group, version, resource, kind, namespaced });

/** The built-in resources, by the name components use for them. */
export const resources = {
  pods: core('pods', 'Pod'),
  nodes: core('nodes', 'Node', false),
  namespaces: core('namespaces', 'Namespace', false),
  services: core('services', 'Service'),
  endpoints: core('endpoints', 'Endpoints'),
  events: core('events', 'Event'),
  configmaps: core('configmaps', 'ConfigMap'),
  secrets: core('secrets', 'Secret'),
  serviceaccounts: core('serviceaccounts', 'ServiceAccount'),
  replicationcontrollers: core('replicationcontrollers', 'ReplicationController'),
  persistentvolumeclaims: core('persistentvolumeclaims', 'PersistentVolumeClaim'),
  limitranges: core('limitranges', 'LimitRange'),
  resourcequotas: core('resourcequotas', 'ResourceQuota'),
  podtemplates: core('podtemplates', 'PodTemplate'),
  replicasets: of('apps', 'v1', 'replicasets', 'ReplicaSet'),
  deployments: of('apps', 'v1', 'deployments', 'Deployment'),
  daemonsets: of('apps', 'v1', 'daemonsets', 'DaemonSet'),
  statefulsets: of('apps', 'v1', 'statefulsets', 'StatefulSet'),
  controllerrevisions: of('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  jobs: of('batch', 'v1', 'jobs', 'Job'),
  cronjobs: of('batch', 'v1', 'cronjobs', 'CronJob'),
  endpointslices: of('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  leases: of('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  horizontalpodautoscalers: of('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  priorityclasses: of('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false),
  poddisruptionbudgets: of('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  networkpolicies: of('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  ingresses: of('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  csistoragecapacities: of('storage.k8s.io', 'v1', 'csistoragecapacities', 'CSIStorageCapacity'),
  podmetrics: of('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics'),
  nodemetrics: of('metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', false),
} as const satisfies Record<string, BuiltInResource>;

/** A name of {@link resources}. */
export type ResourceName = keyof typeof resources;
