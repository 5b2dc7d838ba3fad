/**
 * What kube-apiserver creates for itself at start: the namespaces default, kube-system,
 * kube-public and kube-node-lease, the built-in PriorityClasses system-node-critical and
 * system-cluster-critical, and the `kubernetes` Service in default with its Endpoints and its
 * EndpointSlice (what the proxy reads) pointing at the API server.
 */
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import type { Logger } from '../util/log.js';
import { defaultClusterRoleBindings, defaultClusterRoles } from './rbac-bootstrap.js';
import type { Registry } from './registry.js';
import type { RestHandler } from './rest/handler.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The PriorityClasses every cluster has (upstream scheduling/bootstrap-system-priority-classes). */
export const SYSTEM_PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

export interface BootstrapOptions {
  clusterIp: string;
  /** The API server's address and port as pods should reach it. */
  advertiseAddress: string;
  securePort: number;
}

export async function bootstrap(registry: Registry, rest: RestHandler, o: BootstrapOptions, log: Logger): Promise<void> {
  const res = (plural: string) => {
    const r = registry.lookup('', 'v1', plural);
    if (!r) throw new Error(`core resource ${plural} missing`);
    return rest.storeFor(r);
  };
  const ensure = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      log.info('created', { object: what });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  };
  const namespaces = res('namespaces');
  for (const name of SYSTEM_NAMESPACES) {
    if (!namespaces.cache().get(namespaces.key('', name))) await ensure(`namespace/${name}`, () => namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  }
  const pcRes = registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
  if (pcRes) {
    const classes = rest.storeFor(pcRes);
    for (const pc of SYSTEM_PRIORITY_CLASSES) {
      if (classes.cache().get(classes.key('', pc.name))) continue;
      await ensure(`priorityclass/${pc.name}`, () =>
        classes.create('', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value, description: pc.description, preemptionPolicy: 'PreemptLowerPriority' }),
      );
    }
  }
  // The default RBAC policy (cluster-admin, admin/edit/view, discovery and self-review roles).
  const rbac = (plural: string) => {
    const r = registry.lookup('rbac.authorization.k8s.io', 'v1', plural);
    return r && rest.storeFor(r);
  };
  for (const [plural, objects] of [['clusterroles', defaultClusterRoles()], ['clusterrolebindings', defaultClusterRoleBindings()]] as const) {
    const store = rbac(plural);
    if (!store) continue;
    for (const obj of objects) {
      if (!store.cache().get(store.key('', obj.metadata.name))) await ensure(`${plural}/${obj.metadata.name}`, () => store.create('', obj));
    }
  }
  const services = res('services');
  if (!services.cache().get(services.key('default', 'kubernetes'))) {
    await ensure('service/kubernetes', () =>
      services.create('default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: o.clusterIp, sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: o.securePort }] },
      }),
    );
  }
  if (o.advertiseAddress.startsWith('127.')) {
    log.warn('no non-loopback address to advertise: the kubernetes Endpoints are not written', { address: o.advertiseAddress });
    return;
  }
  const endpoints = res('endpoints');
  const want = { subsets: [{ addresses: [{ ip: o.advertiseAddress }], ports: [{ name: 'https', port: o.securePort, protocol: 'TCP' }] }] };
  const current = endpoints.cache().get(endpoints.key('default', 'kubernetes'));
  if (!current) {
    await ensure('endpoints/kubernetes', () => endpoints.create('default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, ...want }));
  } else if (JSON.stringify(current['subsets']) !== JSON.stringify(want.subsets)) {
    await endpoints.guaranteedUpdate('default', 'kubernetes', {}, (cur) => ({ ...cur, ...want }));
  }
  await ensureKubernetesSlice(registry, rest, o, ensure);
}

/** Where the `kubernetes` EndpointSlice lives, and what makes it the Service's. */
export const KUBERNETES_SLICE = { namespace: 'default', name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } };

/**
 * The `kubernetes` EndpointSlice, as kube-apiserver's endpoint reconciler writes it: named after
 * the Service, labelled only with its name (no managed-by label, so the EndpointSlice controller,
 * which also skips Services without a selector, leaves it alone), no owner (the garbage collector
 * keeps it), one ready endpoint, port `https`. Rewritten when the address or port changed; a
 * slice of the other address family is replaced, its addressType being immutable.
 */
async function ensureKubernetesSlice(registry: Registry, rest: RestHandler, o: BootstrapOptions, ensure: (what: string, fn: () => Promise<unknown>) => Promise<void>): Promise<void> {
  const res = registry.lookup('discovery.k8s.io', 'v1', 'endpointslices');
  if (!res) throw new Error('discovery.k8s.io/v1 endpointslices missing');
  const slices = rest.storeFor(res);
  const { namespace, name, labels } = KUBERNETES_SLICE;
  const want = {
    addressType: o.advertiseAddress.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [o.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: o.securePort, protocol: 'TCP' }],
  };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  let current = slices.cache().get(slices.key(namespace, name));
  if (current && current['addressType'] !== want.addressType) {
    try {
      await slices.delete(namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    current = undefined;
  }
  if (!current) {
    await ensure('endpointslice/kubernetes', () => slices.create(namespace, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, labels }, ...want }));
  } else if (!same(current['endpoints'], want.endpoints) || !same(current['ports'], want.ports) || !same(current.metadata.labels, labels)) {
    await slices.guaranteedUpdate(namespace, name, {}, (cur) => ({ ...cur, ...want, metadata: { ...cur.metadata, labels } }));
  }
}
