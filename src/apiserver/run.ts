/**
 * Runs the API server: PKI, watch caches over the given store, bootstrap objects, HTTPS on the
 * secure port, the admin kubeconfig; stops when the signal aborts.
 */
import { createServer } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../storage/store.js';
import type { Logger } from '../util/log.js';
import { ClusterAdmission } from './admission.js';
import { DefaultAuthorizer, ensurePki, pkiAuthenticator, tlsServerOptions, withAuthenticatedGroup, writeKubeconfig } from './auth.js';
import { ServiceAccountTokens, type ObjectLookup } from './auth/sa-tokens.js';
import { ClusterAuthorizer, RbacAuthorizer, type BindingLike, type RbacSource, type RoleLike } from './auth/rbac.js';
import type { TokenReviewer } from './rest/reviews.js';
import { bootstrap } from './bootstrap.js';
import { CacheSet } from './cache/cache-set.js';
import { hooksFor } from './hooks.js';
import { ApiMetrics } from './metrics.js';
import { OpenApiV3 } from './openapi.js';
import { OpenApiV2 } from './openapi-v2.js';
import { Registry } from './registry.js';
import { registerConverters } from './conversion.js';
import { RestHandler } from './rest/handler.js';
import { createRequestListener, VERSION_INFO, type FrontDeps } from './server.js';
import { createUpgradeListener } from './upgrade.js';
import { CrdController } from './crd.js';
import { METRICS_GROUP } from './metrics-api/resources.js';
import { startMetricsPipeline } from './metrics-api/start.js';
import { primaryIPv4 } from '../util/net.js';
import { errorText } from '../util/errors.js';

export interface ApiServerOptions {
  store: Store;
  dataDir: string;
  log: Logger;
  bindAddress?: string;
  securePort?: number;
  serviceClusterIpRange?: string;
  /** Address pods use to reach the API server (the `kubernetes` Endpoints). */
  advertiseAddress?: string;
  /** Where to write the admin kubeconfig (default `<dataDir>/kubeconfig.yaml`). */
  kubeconfigPath?: string;
  /** How often the metrics API scrapes the kubelets (metrics-server's --metric-resolution; default 15 s). */
  metricResolutionMs?: number;
  /** `iss` of the ServiceAccount tokens this server signs and accepts (default DEFAULT_ISSUER). */
  serviceAccountIssuer?: string;
  /** Audiences a token must carry to be accepted by the API (default: the issuer). */
  apiAudiences?: string[];
  /** Called once serving, with the kubeconfig path and the URL. */
  onReady?: (info: { kubeconfig: string; url: string; adminToken: string; caPem: string }) => void;
}

export async function runApiServer(o: ApiServerOptions, signal: AbortSignal): Promise<void> {
  const t0 = Date.now();
  const port = o.securePort ?? 6443;
  const bind = o.bindAddress ?? '127.0.0.1';
  const cidr = o.serviceClusterIpRange ?? '10.43.0.0/16';
  const registry = new Registry();
  registerConverters(registry);
  const caches = new CacheSet(o.store, o.log);
  const admission = new ClusterAdmission(registry, caches, cidr);
  const advertise = o.advertiseAddress ?? defaultAdvertiseAddress(bind);
  const pki = await ensurePki(join(o.dataDir, 'pki'), { ips: [admission.ips.first, advertise], hostnames: [hostname()] });
  if (pki.generated.length) o.log.info('generated cluster PKI', { dir: pki.dir, parts: pki.generated.join(',') });
  const ac = new AbortController();
  const stop = () => ac.abort();
  signal.addEventListener('abort', stop, { once: true });
  const following = await caches.start(registry.stored().map((r) => r.prefix), ac.signal);
  try {
    await serve();
  } finally {
    // Whatever ended serving (the signal, or a start-up failure), the cache loop ends with it.
    ac.abort();
    await following.done;
    signal.removeEventListener('abort', stop);
  }

  async function serve(): Promise<void> {
  admission.rebuild();
  // metrics.k8s.io, served from kubelet samples scraped in the background until shutdown.
  const metricsApi = startMetricsPipeline({ registry, caches, clientCert: pki.kubeletClient, resolutionMs: o.metricResolutionMs, log: o.log }, ac.signal);
  const saTokens = new ServiceAccountTokens(pki.serviceAccount, { issuer: o.serviceAccountIssuer, audiences: o.apiAudiences });
  const lookup = cacheLookup(registry, caches);
  const saAuthn = saTokens.authenticator(lookup);
  const reviewToken: TokenReviewer = (token, audiences) => {
    const auds = audiences.length > 0 ? audiences : [...saTokens.audiences];
    const sa = saTokens.check(token, lookup, auds);
    if (sa) return 'user' in sa ? { user: withAuthenticatedGroup(sa.user), audiences: sa.audiences } : { error: sa.error };
    // Static tokens know no audiences: they serve only the API server's own.
    const user = pki.tokens.lookup(token);
    const shared = auds.filter((a) => saTokens.audiences.includes(a));
    if (user && shared.length > 0) return { user: withAuthenticatedGroup(user), audiences: shared };
    return { error: '[invalid bearer token, service account token is not valid for this server]' };
  };
  const authz = new ClusterAuthorizer(new RbacAuthorizer(cacheRbacSource(registry, caches)), new DefaultAuthorizer());
  const rest = new RestHandler({ registry, store: o.store, caches, admission, hooksFor, kubeletClient: pki.kubeletClient, log: o.log, external: new Map([[METRICS_GROUP, metricsApi.api]]), serviceAccountTokens: saTokens, reviewToken, authz });
  await bootstrap(registry, rest, { clusterIp: admission.ips.first, advertiseAddress: advertise, securePort: port }, o.log);
  const crds = new CrdController(registry, caches, rest, o.store, o.log).run(ac.signal).catch((e: unknown) => o.log.error('CRD controller stopped', { error: String(e) }));
  const metrics = new ApiMetrics();
  let ready = false;
  const openapi = new OpenApiV3(registry);
  const front: FrontDeps = {
    registry,
    rest,
    openapi,
    openapiV2: new OpenApiV2(openapi, VERSION_INFO.gitVersion, o.log),
    authn: pkiAuthenticator(pki, { extraTokens: [saAuthn] }),
    serviceAccountIssuer: { tokens: saTokens, jwksUri: `https://${advertise.includes(':') ? `[${advertise}]` : advertise}:${port}/openid/v1/jwks` },
    authz,
    metrics,
    log: o.log,
    serverAddress: `${advertise}:${port}`,
    ready: () => ready,
    extraMetrics: () => ({ apiserver_storage_revision: caches.revision }),
  };
  const listener = createRequestListener(front);
  const upgrades = createUpgradeListener(front, listener, ac.signal);
  const listenOn = async (address: string) => {
    const s = createServer({ ...tlsServerOptions(pki) }, listener);
    // exec, attach and portforward upgrades, spliced to the pod's kubelet.
    s.on('upgrade', upgrades);
    s.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, address, () => resolve());
    });
    return s;
  };
  const servers = [await listenOn(bind)];
  // The `kubernetes` Service leads to the advertised address: unless an address to bind was given,
  // serve there too, so pods reach the API (kube-apiserver itself binds every address by default).
  if (o.bindAddress === undefined && isLoopback(bind) && !isLoopback(advertise) && isLocalAddress(advertise)) {
    try {
      servers.push(await listenOn(advertise));
    } catch (e) {
      o.log.warn('cannot serve on the advertised address; pods will not reach the API', { address: `${advertise}:${port}`, error: errorText(e) });
    }
  }
  try {
    const url = `https://${bind === '0.0.0.0' ? '127.0.0.1' : bind}:${port}`;
    const kubeconfig = o.kubeconfigPath ?? join(o.dataDir, 'kubeconfig.yaml');
    await writeKubeconfig(kubeconfig, { server: url, caPem: pki.ca.certPem, clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem });
    ready = true;
    o.log.info('API server ready', { url, listening: servers.map((x) => { const a = x.address(); return typeof a === 'object' && a ? `${a.address}:${a.port}` : String(a); }).join(','), kubeconfig, startupMs: Date.now() - t0, revision: caches.revision });
    o.onReady?.({ kubeconfig, url, adminToken: pki.adminToken, caPem: pki.ca.certPem });
    await new Promise<void>((resolve) => (ac.signal.aborted ? resolve() : ac.signal.addEventListener('abort', () => resolve(), { once: true })));
  } finally {
    ready = false;
    const closed = servers.map((s) => {
      s.closeIdleConnections();
      return new Promise<void>((resolve) => s.close(() => resolve()));
    });
    // Watches are long-lived requests: end them so close() can finish.
    setTimeout(() => servers.forEach((s) => s.closeAllConnections()), 2000).unref();
    await Promise.all(closed);
  }
  await crds;
  await metricsApi.done;
  o.log.info('API server stopped');
  }
}

/** The RBAC objects, read from the watch caches on each decision. */
function cacheRbacSource(registry: Registry, caches: CacheSet): RbacSource {
  const cache = (plural: string) => {
    const res = registry.lookup('rbac.authorization.k8s.io', 'v1', plural);
    return res ? { prefix: res.prefix, cache: caches.get(res.prefix) } : undefined;
  };
  function* all<T>(plural: string, under = ''): Generator<T> {
    const c = cache(plural);
    if (!c?.cache) return;
    for (const [, o] of c.cache.list(`${c.prefix}${under}`)) yield o as unknown as T;
  }
  const one = <T>(plural: string, key: string): T | undefined => {
    const c = cache(plural);
    return c?.cache?.get(`${c.prefix}${key}`) as unknown as T | undefined;
  };
  return {
    clusterRoles: () => all<RoleLike>('clusterroles'),
    clusterRole: (name) => one<RoleLike>('clusterroles', name),
    role: (ns, name) => one<RoleLike>('roles', `${ns}/${name}`),
    clusterRoleBindings: () => all<BindingLike>('clusterrolebindings'),
    roleBindings: (ns) => all<BindingLike>('rolebindings', `${ns}/`),
  };
}

/** Reads the objects a ServiceAccount token names from the watch caches, as upstream's token getter reads informers. */
function cacheLookup(registry: Registry, caches: CacheSet): ObjectLookup {
  const plural = { ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets', Node: 'nodes' } as const;
  return (kind, namespace, name) => {
    const res = registry.lookup('', 'v1', plural[kind]);
    if (!res) return undefined;
    const o = caches.get(res.prefix)?.get(res.namespaced ? `${res.prefix}${namespace}/${name}` : `${res.prefix}${name}`);
    return o && { uid: o.metadata.uid, deletionTimestamp: o.metadata.deletionTimestamp };
  };
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1' || ip === 'localhost';
const isLocalAddress = (ip: string): boolean => Object.values(networkInterfaces()).some((addrs) => (addrs ?? []).some((a) => a.address === ip));

/** Like kube-apiserver: the bind address unless it is a wildcard or loopback, else the host's first non-loopback IPv4. */
function defaultAdvertiseAddress(bind: string): string {
  if (bind !== '0.0.0.0' && !bind.startsWith('127.')) return bind;
  return primaryIPv4();
}
