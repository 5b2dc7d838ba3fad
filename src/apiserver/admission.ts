/**
 * Admission, in the order kube-apiserver runs the plugins that matter here: NamespaceLifecycle
 * (no new objects in missing or terminating namespaces), ServiceAccount, DefaultTolerationSeconds
 * and Priority for pods, and the Service REST's address allocation (ClusterIP, NodePort).
 */
import { randomInt } from 'node:crypto';
import { field, forbidden, invalid, notFound, statusError } from '../api/errors.js';
import type { CacheSet } from './cache/cache-set.js';
import { IpAllocator, PortAllocator } from './allocator.js';
import { isObject, str, type StoredObject } from './object.js';
import type { Registry, Resource } from './registry.js';
import type { Admission, AdmissionOutcome } from './rest/resource-store.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (isObject(v) ? v : {});

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
  protocol?: string;
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const TOKEN_VOLUME_PREFIX = 'kube-api-access';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The alphabet of Kubernetes' random name suffixes (no vowels, no look-alike digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (): string => Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');

/** The projected volume the ServiceAccount plugin adds, with its defaults spelled out as upstream does. */
function tokenVolume(name: string): Rec {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

const needsNodePorts = (type: unknown) => type === 'NodePort' || type === 'LoadBalancer';

export class ClusterAdmission implements Admission {
  readonly ips: IpAllocator;
  readonly ports = new PortAllocator();

  constructor(
    private readonly registry: Registry,
    private readonly caches: CacheSet,
    serviceCidr: string,
  ) {
    this.ips = new IpAllocator(serviceCidr);
  }

  /** Rebuilds allocations from the stored Services (at start). */
  rebuild(): void {
    const svc = this.registry.lookup('', 'v1', 'services');
    const cache = svc && this.caches.get(svc.prefix);
    if (!cache) return;
    for (const [, s] of cache.list()) {
      const spec = rec(s['spec']);
      for (const ip of (spec['clusterIPs'] as string[] | undefined) ?? [spec['clusterIP']]) if (typeof ip === 'string') this.ips.claim(ip);
      for (const p of (spec['ports'] as ServicePort[] | undefined) ?? []) if (p.nodePort) this.ports.claim(p.nodePort);
    }
  }

  private namespaceLifecycle(res: Resource, obj: StoredObject): void {
    if (!res.namespaced) return;
    const nsRes = this.registry.lookup('', 'v1', 'namespaces');
    const ns = obj.metadata.namespace ?? '';
    const found = nsRes && this.caches.get(nsRes.prefix)?.get(`${nsRes.prefix}${ns}`);
    if (!found) throw notFound({ group: '', resource: 'namespaces' }, ns);
    if (found.metadata.deletionTimestamp && !(res.group === '' && res.kind === 'Event')) {
      // The NamespaceTerminating cause lets controllers recognise (and drop) creates that cannot succeed.
      throw statusError(403, 'Forbidden', `${res.plural} "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        name: obj.metadata.name,
        kind: res.plural,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  create(res: Resource, obj: StoredObject, _dryRun: boolean): (() => void) | void {
    this.namespaceLifecycle(res, obj);
    if (res.group === 'apiextensions.k8s.io' && res.kind === 'CustomResourceDefinition') this.admitCrd(obj);
    if (res.group === '' && res.kind === 'Pod') this.admitPod(obj);
    if (res.group === '' && res.kind === 'Service') return this.allocateService(obj, undefined).undo;
  }

  update(res: Resource, obj: StoredObject, old: StoredObject, _dryRun: boolean): AdmissionOutcome | void {
    if (res.group === '' && res.kind === 'Service') return this.allocateService(obj, old);
  }

  deleted(res: Resource, obj: StoredObject): void {
    if (res.group !== '' || res.kind !== 'Service') return;
    const spec = rec(obj['spec']);
    for (const ip of (spec['clusterIPs'] as string[] | undefined) ?? []) this.ips.release(ip);
    for (const p of (spec['ports'] as ServicePort[] | undefined) ?? []) if (p.nodePort) this.ports.release(p.nodePort);
  }

  /** A CRD is named <plural>.<group>, and keeps its custom resources until they are cleaned up. */
  private admitCrd(crd: StoredObject): void {
    const spec = rec(crd['spec']);
    const plural = str(rec(spec['names'])['plural']);
    const group = str(spec['group']);
    const name = crd.metadata.name ?? '';
    if (name !== `${plural}.${group}`) {
      throw invalid({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, name, [field.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group')]);
    }
    const versions = Array.isArray(spec['versions']) ? (spec['versions'] as Rec[]) : [];
    if (versions.length === 0) throw invalid({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, name, [field.required('spec.versions', 'must have exactly one version marked as storage version')]);
    if (versions.filter((v) => v['storage'] === true).length !== 1) {
      throw invalid({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, name, [field.invalid('spec.versions', versions.map((v) => v['name']), 'must have exactly one version marked as storage version')]);
    }
    const fin = new Set(crd.metadata.finalizers ?? []);
    fin.add('customresourcecleanup.apiextensions.k8s.io');
    crd.metadata.finalizers = [...fin];
  }

  private admitPod(pod: StoredObject): void {
    const spec = rec(pod['spec']);
    // ServiceAccount admission: every pod runs as an account, `default` unless named.
    const sa = (spec['serviceAccountName'] as string | undefined) || (spec['serviceAccount'] as string | undefined) || 'default';
    spec['serviceAccountName'] = sa;
    spec['serviceAccount'] = sa;
    this.mountServiceAccountToken(pod, spec, sa);
    // DefaultTolerationSeconds: pods ride out 300 s of not-ready/unreachable nodes before eviction.
    const tolerations = ((spec['tolerations'] as Rec[] | undefined) ?? []).slice();
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      const has = tolerations.some((t) => (t['key'] === key || (t['operator'] === 'Exists' && t['key'] === undefined)) && (t['effect'] === undefined || t['effect'] === 'NoExecute'));
      if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    spec['tolerations'] = tolerations;
    this.admitPriority(pod, spec);
    pod['spec'] = spec;
  }

  /**
   * The ServiceAccount plugin's token mount: unless the pod or its account turns automounting off,
   * every container and init container gets `/var/run/secrets/kubernetes.io/serviceaccount` (read
   * only) from a `kube-api-access-xxxxx` projected volume (a token for the account, the cluster CA
   * from `kube-root-ca.crt`, the namespace). A container already mounting something there is left
   * alone; a `kube-api-access-*` volume the pod already has is reused. Mirror pods are skipped.
   * Upstream refuses a pod whose account does not exist. Here that holds for a named account; a
   * pod of the `default` account is admitted without a token while that account is missing, so a
   * cluster built step by step runs pods before its controller manager makes accounts.
   */
  private mountServiceAccountToken(pod: StoredObject, spec: Rec, saName: string): void {
    if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
    const res = this.registry.lookup('', 'v1', 'serviceaccounts');
    const account = res && this.caches.get(res.prefix)?.get(`${res.prefix}${pod.metadata.namespace ?? ''}/${saName}`);
    if (!account) {
      if (saName === 'default') return;
      const ns = pod.metadata.namespace ?? '';
      throw forbidden(`pods "${pod.metadata.name ?? ''}" is forbidden: error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
    }
    const own = spec['automountServiceAccountToken'];
    const automount = typeof own === 'boolean' ? own : account['automountServiceAccountToken'] !== false;
    if (!automount) return;
    const volumes = Array.isArray(spec['volumes']) ? (spec['volumes'] as Rec[]) : [];
    const existing = volumes.find((v) => typeof v['name'] === 'string' && v['name'].startsWith(`${TOKEN_VOLUME_PREFIX}-`));
    const volumeName = existing ? String(existing['name']) : `${TOKEN_VOLUME_PREFIX}-${randomSuffix()}`;
    let needed = false;
    for (const list of [spec['initContainers'], spec['containers']]) {
      if (!Array.isArray(list)) continue;
      for (const c of list as Rec[]) {
        const mounts = Array.isArray(c['volumeMounts']) ? (c['volumeMounts'] as Rec[]) : [];
        if (mounts.some((m) => m['mountPath'] === TOKEN_MOUNT_PATH)) continue;
        c['volumeMounts'] = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
        needed = true;
      }
    }
    if (!existing && needed) spec['volumes'] = [...volumes, tokenVolume(volumeName)];
  }

  /**
   * Priority admission: spec.priority and preemptionPolicy come from the PriorityClass named in
   * priorityClassName, else from the global default class (which is then named), else 0 and
   * PreemptLowerPriority. A pod may not bring values of its own that differ.
   */
  private admitPriority(pod: StoredObject, spec: Rec): void {
    const res = this.registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
    const cache = res && this.caches.get(res.prefix);
    const who = `pods "${pod.metadata.name ?? ''}" is forbidden`;
    const named = typeof spec['priorityClassName'] === 'string' ? spec['priorityClassName'] : '';
    let pc: Rec | undefined;
    if (named) {
      pc = res && cache?.get(`${res.prefix}${named}`);
      if (!pc) throw forbidden(`${who}: no PriorityClass with name ${named} was found`);
    } else {
      // More than one global default can exist after a race; upstream takes the lowest value.
      for (const [, c] of cache?.list() ?? []) if (c['globalDefault'] === true && (!pc || Number(c['value']) < Number(pc['value']))) pc = c;
      if (pc) spec['priorityClassName'] = str(rec(pc['metadata'])['name']);
    }
    const priority = pc ? Number(pc['value'] ?? 0) : 0;
    const policy = pc ? str(pc['preemptionPolicy']) || 'PreemptLowerPriority' : 'PreemptLowerPriority';
    if (spec['priority'] !== undefined && spec['priority'] !== priority) {
      throw forbidden(`${who}: the integer value of priority (${JSON.stringify(spec['priority'])}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    if (spec['preemptionPolicy'] !== undefined && spec['preemptionPolicy'] !== policy) {
      throw forbidden(`${who}: the string value of PreemptionPolicy (${str(spec['preemptionPolicy'])}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec['priority'] = priority;
    spec['preemptionPolicy'] = policy;
  }

  /**
   * Allocates ClusterIP and NodePorts. `undo` releases what this call took (the write did not
   * happen); `commit` releases what the old object held and the new one does not (after the write).
   */
  private allocateService(svc: StoredObject, old: StoredObject | undefined): Required<AdmissionOutcome> {
    const spec = rec(svc['spec']);
    const oldSpec = old ? rec(old['spec']) : undefined;
    const taken: { ips: string[]; ports: number[] } = { ips: [], ports: [] };
    const undo = () => {
      for (const ip of taken.ips) this.ips.release(ip);
      for (const p of taken.ports) this.ports.release(p);
    };
    const fail = (errs: ReturnType<typeof field.invalid>[]) => {
      undo();
      throw invalid({ group: '', kind: 'Service' }, svc.metadata.name ?? '', errs);
    };
    const type = spec['type'] ?? 'ClusterIP';
    const release: { ips: string[]; ports: number[] } = { ips: [], ports: [] };
    // Leaving NodePort/LoadBalancer: fields that only made sense there go, unless the update set them.
    if (oldSpec && needsNodePorts(oldSpec['type']) && !needsNodePorts(type)) {
      for (const f of ['externalTrafficPolicy', 'healthCheckNodePort', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'loadBalancerIP', 'loadBalancerSourceRanges']) {
        if (JSON.stringify(spec[f]) === JSON.stringify(oldSpec[f])) delete spec[f];
      }
    }
    if (type === 'ExternalName') {
      // An ExternalName service has no cluster address: what it held goes back after the write.
      for (const ip of (oldSpec?.['clusterIPs'] as string[] | undefined) ?? []) if (ip !== 'None') release.ips.push(ip);
      for (const f of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) delete spec[f];
    } else {
      const oldIp = oldSpec?.['clusterIP'];
      const want = (spec['clusterIP'] as string | undefined) || ((spec['clusterIPs'] as string[] | undefined) ?? [])[0] || '';
      if (oldSpec && typeof oldIp === 'string' && oldIp) {
        if (want && want !== oldIp) fail([field.invalid('spec.clusterIPs[0]', want, 'may not change once set')]);
        spec['clusterIP'] = oldIp;
      } else if (want === 'None') {
        spec['clusterIP'] = 'None';
      } else if (want) {
        if (!this.ips.contains(want)) fail([field.invalid('spec.clusterIPs', [want], `failed to allocate IP ${want}: the provided IP (${want}) is not in the valid range. The range of valid IPs is ${this.ips.cidr}`)]);
        if (!this.ips.claim(want)) fail([field.invalid('spec.clusterIPs', [want], `failed to allocate IP ${want}: provided IP is already allocated`)]);
        taken.ips.push(want);
        spec['clusterIP'] = want;
      } else {
        const ip = this.ips.allocate();
        if (!ip) fail([field.invalid('spec.clusterIPs', [], `failed to allocate a serviceIP: range is full`)]);
        if (ip) taken.ips.push(ip);
        spec['clusterIP'] = ip;
      }
      spec['clusterIPs'] = [spec['clusterIP']];
      if (spec['clusterIP'] !== 'None' || !spec['ipFamilies']) {
        spec['ipFamilies'] ??= ['IPv4'];
        spec['ipFamilyPolicy'] ??= 'SingleStack';
      }
    }
    const ports = ((spec['ports'] as ServicePort[] | undefined) ?? []).map((p) => ({ ...p }));
    const oldPorts = ((oldSpec?.['ports'] as ServicePort[] | undefined) ?? []).filter((p) => p.nodePort);
    if (needsNodePorts(type)) {
      ports.forEach((p, i) => {
        const kept = oldPorts.find((o) => o.nodePort === p.nodePort || (!p.nodePort && o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP')));
        if (p.nodePort && kept?.nodePort === p.nodePort) return;
        if (!p.nodePort && kept?.nodePort) {
          p.nodePort = kept.nodePort;
          return;
        }
        if (p.nodePort) {
          if (!this.ports.contains(p.nodePort)) fail([field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${this.ports.min}-${this.ports.max}`)]);
          if (!this.ports.claim(p.nodePort)) fail([field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated')]);
          taken.ports.push(p.nodePort);
        } else {
          const np = this.ports.allocate();
          if (np === undefined) fail([field.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')]);
          if (np !== undefined) taken.ports.push(np);
          p.nodePort = np;
        }
      });
    } else {
      for (const p of ports) delete p.nodePort;
    }
    spec['ports'] = ports;
    svc['spec'] = spec;
    for (const o of oldPorts) if (o.nodePort && !ports.some((p) => p.nodePort === o.nodePort)) release.ports.push(o.nodePort);
    const commit = () => {
      for (const ip of release.ips) this.ips.release(ip);
      for (const p of release.ports) this.ports.release(p);
    };
    return { undo, commit };
  }
}
