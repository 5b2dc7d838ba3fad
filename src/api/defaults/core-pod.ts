// Defaults for PodSpec and everything inside it (pkg/apis/core/v1/defaults.go plus the fields
// defaulted declaratively), shared by Pods, PodTemplates, ReplicationControllers and workloads.
import { Quantity } from '../quantity.js';
import type { Container, EnvVar, HTTPGetAction, Pod, PodSpec, PodTemplateSpec, Probe, Volume } from '../generated/core/v1.js';

/** `Always` for `:latest` or an untagged, undigested image; `IfNotPresent` otherwise (parsers.ParseImageName). */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > lastSlash ? name.slice(colon + 1) : '';
  if (tag === 'latest') return 'Always';
  return tag === '' && at < 0 ? 'Always' : 'IfNotPresent';
}

function defaultHTTPGet(h: HTTPGetAction | undefined): void {
  if (!h) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p.httpGet);
}

function defaultEnv(env: EnvVar[] | undefined): void {
  for (const e of env ?? []) {
    const ref = e.valueFrom?.fieldRef;
    if (ref && !ref.apiVersion) ref.apiVersion = 'v1';
    const res = e.valueFrom?.resourceFieldRef;
    // resource.Quantity is a struct in Go: its zero value is written out as "0".
    if (res && res.divisor === undefined) res.divisor = '0';
  }
}

/** SetDefaults_Container and the defaults of what a container holds. */
export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(c.image ?? '');
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of c.ports ?? []) if (!port.protocol) port.protocol = 'TCP';
  defaultEnv(c.env);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHTTPGet(c.lifecycle?.postStart?.httpGet);
  defaultHTTPGet(c.lifecycle?.preStop?.httpGet);
}

const VOLUME_SOURCE_KEYS = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'fc',
  'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi', 'nfs', 'persistentVolumeClaim',
  'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
] as const;

/** SetDefaults_Volume and the per-source defaults (file modes 0644, hostPath type, token expiry). */
export function defaultVolume(v: Volume): void {
  if (VOLUME_SOURCE_KEYS.every((k) => v[k] === undefined || v[k] === null)) v.emptyDir = {};
  if (v.secret && v.secret.defaultMode === undefined) v.secret.defaultMode = 0o644;
  if (v.configMap && v.configMap.defaultMode === undefined) v.configMap.defaultMode = 0o644;
  if (v.downwardAPI) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = 0o644;
    for (const item of v.downwardAPI.items ?? []) if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
  }
  if (v.projected) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = 0o644;
    for (const src of v.projected.sources ?? []) {
      if (src.serviceAccountToken && src.serviceAccountToken.expirationSeconds === undefined) src.serviceAccountToken.expirationSeconds = 3600;
      for (const item of src.downwardAPI?.items ?? []) if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
    }
  }
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = '';
  if (v.image && !v.image.pullPolicy) v.image.pullPolicy = defaultPullPolicy(v.image.reference ?? '');
  if (v.iscsi && v.iscsi.iscsiInterface === undefined) v.iscsi.iscsiInterface = 'default';
  if (v.rbd) {
    v.rbd.pool ??= 'rbd';
    v.rbd.user ??= 'admin';
    v.rbd.keyring ??= '/etc/ceph/keyring';
  }
  if (v.azureDisk) {
    v.azureDisk.cachingMode ??= 'ReadWrite';
    v.azureDisk.fsType ??= 'ext4';
    v.azureDisk.readOnly ??= false;
    v.azureDisk.kind ??= 'Shared';
  }
}

/** SetDefaults_PodSpec plus its containers and volumes: what every PodSpec (template or not) gets. */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Defaults a pod template's spec (templates get the PodSpec defaults, not the Pod-only ones). */
export function defaultPodTemplateSpec(t: PodTemplateSpec | undefined): void {
  if (t?.spec) defaultPodSpec(t.spec);
}

function defaultRequestsFromLimits(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    const limits = c.resources?.limits;
    if (!limits || !c.resources) continue;
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) if (!Object.hasOwn(c.resources.requests, k)) c.resources.requests[k] = v;
  }
}

/**
 * ComputePodQOS: BestEffort without any positive cpu/memory request or limit; Guaranteed when every
 * container (init ones too) limits both and the summed requests equal the summed limits, compared
 * as quantities ("1" equals "1000m"); Burstable otherwise.
 */
export function podQOSClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  const add = (m: Map<string, Quantity>, name: string, q: Quantity) => m.set(name, m.get(name)?.add(q) ?? q);
  // Defaulting runs before validation: a malformed quantity counts as absent here and is refused there.
  const positive = (raw: string | undefined): Quantity | undefined => {
    let q: Quantity | undefined;
    try {
      q = raw === undefined ? undefined : Quantity.parse(raw);
    } catch {
      q = undefined;
    }
    return q && q.sign() > 0 ? q : undefined;
  };
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const r of ['cpu', 'memory']) {
      const rq = positive(c.resources?.requests?.[r]);
      const lm = positive(c.resources?.limits?.[r]);
      if (rq) add(requests, r, rq);
      if (lm) add(limits, r, lm);
      else guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) if (limits.get(name)?.cmp(req) !== 0) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * SetDefaults_Pod and the PodSpec defaults, plus what the Pod strategy sets on create:
 * `status.phase: Pending` and `status.qosClass`.
 */
export function defaultPod(pod: Pod): void {
  const spec = pod.spec;
  if (!spec) return;
  defaultRequestsFromLimits(spec.containers);
  defaultRequestsFromLimits(spec.initContainers);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork === true) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const port of c.ports ?? []) if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
  defaultPodSpec(spec);
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= podQOSClass(spec);
}

/**
 * What kube-apiserver's default admission plugins add to a new Pod (ServiceAccount, Priority,
 * DefaultTolerationSeconds): not defaulting proper, so callers opt in. Does not mount the
 * service-account token volume (that needs the API).
 */
export function applyPodAdmissionDefaults(pod: Pod): void {
  const spec = pod.spec;
  if (!spec) return;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (!spec.priorityClassName) spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}
