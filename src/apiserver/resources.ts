/**
 * The built-in resources the API server serves, as kube-apiserver 1.32 serves them: group, version,
 * kind, plural, scope, short names, categories and subresources. Discovery, routing, the watch
 * cache and storage keys all come from this table (one entry per resource, as kube's registry).
 */

export interface SubresourceDef {
  name: string;
  /** The kind the subresource speaks, when it is not the parent's (scale → autoscaling/v1 Scale). */
  kind?: { group: string; version: string; kind: string };
  verbs: string[];
}

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  /** Lowercase plural used in URLs and storage keys. */
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources: SubresourceDef[];
  /** Storage prefix resource name when it differs from the plural (Kubernetes keeps some legacy names). */
  storageResource?: string;
  /** Which group/version is stored when several versions share one storage (the others convert). */
  storageVersion?: string;
  /** The stored group when it is not this one (events.k8s.io Events are stored as core Events). */
  storageGroup?: string;
  /**
   * Served by a handler of its own instead of the REST store, and never stored (metrics.k8s.io,
   * which kube-apiserver proxies to metrics-server): listed in discovery, no watch cache.
   */
  external?: boolean;
}

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE_ONLY = ['create'];
const GPU = ['get', 'patch', 'update'];
const status = (): SubresourceDef => ({ name: 'status', verbs: GPU });
const scale = (): SubresourceDef => ({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: GPU });

function r(
  gv: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<Omit<ResourceDef, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'>> = {},
): ResourceDef {
  const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, verbs: ALL, subresources: [], ...extra };
}

export const BUILTIN_RESOURCES: ResourceDef[] = [
  // core/v1
  r('v1', 'Binding', 'bindings', true, { verbs: CREATE_ONLY }),
  r('v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints', storageResource: 'services/endpoints' }),
  r('v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  r('v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'finalize', verbs: ['update'] }, status()],
  }),
  r('v1', 'Node', 'nodes', false, { shortNames: ['no'], storageResource: 'minions', subresources: [{ name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, status()] }),
  r('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: [status()] }),
  r('v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: [status()] }),
  r('v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'attach', kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
      { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: CREATE_ONLY },
      { name: 'ephemeralcontainers', verbs: GPU },
      { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: CREATE_ONLY },
      { name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
      { name: 'log', verbs: ['get'] },
      { name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
      { name: 'proxy', kind: { group: '', version: 'v1', kind: 'PodProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      status(),
    ],
  }),
  r('v1', 'PodTemplate', 'podtemplates', true),
  r('v1', 'ReplicationController', 'replicationcontrollers', true, { shortNames: ['rc'], categories: ['all'], storageResource: 'controllers', subresources: [scale(), status()] }),
  r('v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: [status()] }),
  r('v1', 'Secret', 'secrets', true),
  r('v1', 'ServiceAccount', 'serviceaccounts', true, {
    shortNames: ['sa'],
    subresources: [{ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: CREATE_ONLY }],
  }),
  r('v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    storageResource: 'services/specs',
    subresources: [{ name: 'proxy', kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] }, status()],
  }),
  // apps/v1
  r('apps/v1', 'ControllerRevision', 'controllerrevisions', true),
  r('apps/v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: [status()] }),
  r('apps/v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: [scale(), status()] }),
  r('apps/v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: [scale(), status()] }),
  r('apps/v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: [scale(), status()] }),
  // autoscaling: v2 is stored and preferred; v1 converts
  r('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: [status()], storageVersion: 'v2' }),
  r('autoscaling/v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: [status()], storageVersion: 'v2' }),
  // batch/v1
  r('batch/v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], subresources: [status()] }),
  r('batch/v1', 'Job', 'jobs', true, { categories: ['all'], subresources: [status()] }),
  // others
  r('coordination.k8s.io/v1', 'Lease', 'leases', true),
  r('discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true),
  r('events.k8s.io/v1', 'Event', 'events', true, { shortNames: ['ev'], storageResource: 'events', storageGroup: '', storageVersion: 'v1' }),
  r('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false),
  r('networking.k8s.io/v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: [status()] }),
  r('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  r('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: [status()] }),
  r('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  r('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  r('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  r('storage.k8s.io/v1', 'CSIDriver', 'csidrivers', false),
  r('storage.k8s.io/v1', 'CSINode', 'csinodes', false),
  r('storage.k8s.io/v1', 'CSIStorageCapacity', 'csistoragecapacities', true),
  r('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  r('storage.k8s.io/v1', 'VolumeAttachment', 'volumeattachments', false, { subresources: [status()] }),
  r('scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  r('node.k8s.io/v1', 'RuntimeClass', 'runtimeclasses', false),
  r('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], subresources: [status()] }),
  r('certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, {
    shortNames: ['csr'],
    subresources: [{ name: 'approval', verbs: GPU }, status()],
  }),
  r('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  r('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  r('authentication.k8s.io/v1', 'TokenReview', 'tokenreviews', false, { verbs: CREATE_ONLY }),
  r('authentication.k8s.io/v1', 'SelfSubjectReview', 'selfsubjectreviews', false, { verbs: CREATE_ONLY }),
  r('authorization.k8s.io/v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true, { verbs: CREATE_ONLY }),
  r('authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { verbs: CREATE_ONLY }),
  r('authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, { verbs: CREATE_ONLY }),
  r('authorization.k8s.io/v1', 'SubjectAccessReview', 'subjectaccessreviews', false, { verbs: CREATE_ONLY }),
];

/** Resources that are only virtual (create returns a result, nothing is stored). */
export const isVirtual = (d: ResourceDef) => d.verbs.length === 1 && d.verbs[0] === 'create';

export const groupVersion = (d: { group: string; version: string }) => (d.group ? `${d.group}/${d.version}` : d.version);
