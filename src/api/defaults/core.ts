// Defaults for the core/v1 kinds as kube-apiserver applies them on create and update
// (pkg/apis/core/v1/defaults.go, declarative +default tags, and the few fields the kinds'
// strategies fill before validation), as one map from kind to a mutating function.
import type * as core from '../generated/core/v1.js';
import { defaultPod, defaultPodTemplateSpec } from './core-pod.js';

function defaultService(s: core.Service): void {
  const spec = (s.spec ??= {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const port of spec.ports ?? []) {
    if (!port.protocol) port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  const externallyAccessible = spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
  if (externallyAccessible && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  // The Service strategy keeps clusterIP and clusterIPs in step before validation (normalizeClusterIPs).
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [spec.clusterIP];
    else if (!spec.clusterIP && (spec.clusterIPs ?? []).length > 0) spec.clusterIP = spec.clusterIPs?.[0];
    // The IP allocator's family defaults on a single-stack IPv4 cluster.
    const headlessWithoutSelector = spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
    spec.ipFamilyPolicy ??= headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack';
    if ((spec.ipFamilies ?? []).length === 0) spec.ipFamilies = ['IPv4'];
  }
  s.status ??= {};
  s.status.loadBalancer ??= {};
}

function defaultReplicationController(rc: core.ReplicationController): void {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (Object.keys(spec.selector ?? {}).length === 0) spec.selector = { ...labels };
    if (Object.keys(rc.metadata?.labels ?? {}).length === 0) (rc.metadata ??= {}).labels = { ...labels };
  }
  spec.replicas ??= 1;
  defaultPodTemplateSpec(spec.template);
}

function defaultNamespace(ns: core.Namespace): void {
  const name = ns.metadata?.name;
  if (name) {
    const meta = (ns.metadata ??= {});
    meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': name };
  }
  // The Namespace strategy always sets the kubernetes finalizer on create.
  const spec = (ns.spec ??= {});
  if (!(spec.finalizers ?? []).includes('kubernetes')) spec.finalizers = [...(spec.finalizers ?? []), 'kubernetes'];
  ns.status ??= {};
  ns.status.phase ??= 'Active';
}

function defaultSecret(s: core.Secret): void {
  if (!s.type) s.type = 'Opaque';
  // v1 → internal conversion folds stringData into data; stringData is never stored.
  if (s.stringData) {
    s.data ??= {};
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete s.stringData;
  }
}

function defaultNode(n: core.Node): void {
  const status = (n.status ??= {});
  if (status.allocatable === undefined && status.capacity !== undefined) status.allocatable = { ...status.capacity };
}

function defaultPersistentVolume(pv: core.PersistentVolume): void {
  const spec = (pv.spec ??= {});
  if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
  spec.volumeMode ??= 'Filesystem';
  pv.status ??= {};
  pv.status.phase ??= 'Pending';
}

function defaultPersistentVolumeClaim(pvc: core.PersistentVolumeClaim): void {
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  pvc.status ??= {};
  pvc.status.phase ??= 'Pending';
}

function defaultEndpoints(ep: core.Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const port of ss.ports ?? []) if (!port.protocol) port.protocol = 'TCP';
}

function defaultLimitRange(lr: core.LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    const def = (item.default ??= {});
    const req = (item.defaultRequest ??= {});
    for (const [k, v] of Object.entries(item.max ?? {})) if (!Object.hasOwn(def, k)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!Object.hasOwn(req, k)) req[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!Object.hasOwn(req, k)) req[k] = v;
  }
}

/** One kind's defaulting: mutates the object in place. */
export type Defaulter<T> = (obj: T) => void;

const kind = <T>(fn: Defaulter<T>): Defaulter<never> => fn;

/** Core/v1 defaulters by kind (the map key of the defaults index for the core group). */
export const coreDefaulters: Readonly<Record<string, Defaulter<never>>> = {
  Pod: kind<core.Pod>(defaultPod),
  PodTemplate: kind<core.PodTemplate>((t) => defaultPodTemplateSpec(t.template)),
  ReplicationController: kind<core.ReplicationController>(defaultReplicationController),
  Service: kind<core.Service>(defaultService),
  Namespace: kind<core.Namespace>(defaultNamespace),
  Secret: kind<core.Secret>(defaultSecret),
  Node: kind<core.Node>(defaultNode),
  PersistentVolume: kind<core.PersistentVolume>(defaultPersistentVolume),
  PersistentVolumeClaim: kind<core.PersistentVolumeClaim>(defaultPersistentVolumeClaim),
  Endpoints: kind<core.Endpoints>(defaultEndpoints),
  LimitRange: kind<core.LimitRange>(defaultLimitRange),
};

export { applyPodAdmissionDefaults, defaultContainer, defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultPullPolicy, podQOSClass } from './core-pod.js';
