/**
 * `runKubelet`: brings a node up in the order its parts depend on — the image registry and the
 * built-in images, its own containerd, the Node in the API (when connected) and the CNI network for
 * its pod CIDR — then runs the pod workers, the pod sources (API watch, manifest folder), the
 * kubelet API on :10250, node status and Lease heartbeats, log rotation and garbage collection,
 * until `signal` aborts. On the way out it stops containerd but leaves containers running, so a
 * restarted kubelet adopts them.
 */
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { ConfigMap, Pod, Secret, Service, ServiceAccountTokenProjection } from '../api/generated/core/v1.js';
import { isNotFound } from '../api/errors.js';
import { EventRecorder } from '../client/events.js';
import { Informer } from '../client/informer.js';
import { ResourceClient } from '../client/resource.js';
import { RestClient } from '../client/rest.js';
import { sleep } from '../util/sleep.js';
import { nodeLayout, type KubeletOptions } from './config.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { parseResolvConf, podDNSConfig } from './pod/dns.js';
import { ensureImages, ensureRegistry } from './images/registry.js';
import { LogRotator } from './logs/rotator.js';
import { NodeStatusReporter } from './node/node-status.js';
import type { EnvSources } from './pod/env.js';
import { TokenManager, type IssuedToken } from './token-manager.js';
import { VolumeManager } from './pod/volumes.js';
import { ProbeManager } from './probes/manager.js';
import type { ExecFn } from './probes/probe.js';
import { writeCniConfig, ensurePodNetworkSysctls } from './runtime/cni.js';
import { startContainerd } from './runtime/containerd.js';
import { startKubeletServer } from './server/server.js';
import { isMirrorPod, MirrorPods } from './sources/mirror.js';
import { watchStaticPods } from './sources/static.js';
import { collectGarbage } from './sync/gc.js';
import { ImagePuller } from './sync/image-puller.js';
import { podLogDir, PodSyncer } from './sync/pod-sync.js';
import { PodWorkers } from './sync/pod-workers.js';
import { RuntimeCache } from './sync/runtime.js';
import { StatusManager } from './sync/status-manager.js';
import { errorText } from '../util/errors.js';

const podsResource = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' } as const;
const servicesResource = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' } as const;
const configMapsResource = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' } as const;
const secretsResource = { group: '', version: 'v1', resource: 'secrets', namespaced: true, kind: 'Secret' } as const;

/** Repeats `fn` every `ms` until `signal` aborts; errors are logged, never fatal. */
function every(ms: number, signal: AbortSignal, fn: () => Promise<void>, onError: (e: unknown) => void): Promise<void> {
  return (async () => {
    while (!signal.aborted) {
      await fn().catch(onError);
      await sleep(ms, signal);
    }
  })();
}

export interface KubeletHandle {
  /** The kubelet API port actually bound. */
  port: number;
  /** Resolves when the kubelet has stopped (after `signal` aborted). */
  done: Promise<void>;
  workers: PodWorkers;
}

export async function startKubelet(o: KubeletOptions, signal: AbortSignal): Promise<KubeletHandle> {
  const log = o.log;
  // Every loop and informer listens for the same abort; that is by design, not a leak.
  setMaxListeners(50, signal);
  const layout = nodeLayout(o.dataDir, o.bridge);
  const { logRoot, podsDir, cniConfDir } = layout;
  for (const d of [o.dataDir, logRoot, podsDir, o.runDir]) mkdirSync(d, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const errorLogger = (what: string) => (e: unknown) => log.warn(what, { error: errorText(e) });

  try {
    // Images first: containerd pulls every image (pause included) from this registry.
    let registryUrl = o.registryUrl;
    if (!registryUrl) {
      const reg = await ensureRegistry({ address: o.registryAddress, ...(o.registryStorageDir ? { storageDir: o.registryStorageDir } : {}), log }, signal);
      registryUrl = reg.url;
      cleanups.push(() => reg.stop());
    }
    if (!o.skipImages) await ensureImages({ registryUrl, log });

    const containerd = await startContainerd(
      { stateDir: layout.containerdDir, runDir: o.runDir, cniConfDir, registryMirror: registryUrl, sandboxImage: 'registry.k8s.io/pause:3.9', log },
      signal,
    );
    cleanups.push(() => containerd.stop());
    const cri = containerd.cri;
    const version = await cri.version({});
    const runtimeVersion = `${version.runtime_name}://${version.runtime_version}`;
    log.info('container runtime ready', { runtime: runtimeVersion, startupMs: containerd.startupMs, reused: containerd.reused });

    const runtime = new RuntimeCache(cri);
    const rest = o.client ? new RestClient(o.client, { qps: 50, burst: 100, userAgent: `k8ts-kubelet/${o.nodeName}` }) : undefined;
    if (rest) cleanups.push(() => Promise.resolve(rest.close()));
    let reporter: NodeStatusReporter | undefined;
    let kubeletPort = o.port;

    // The kubelet API needs the pod workers; they are created below and read through this holder.
    const ref: { workers?: PodWorkers } = {};

    const server = await startKubeletServer(
      {
        address: o.address,
        port: o.port,
        certDir: layout.certDir,
        ...(o.client?.caPem ? { clientCA: o.client.caPem } : {}),
        nodeIPs: [o.nodeIP],
        log,
        provider: {
          nodeName: o.nodeName,
          cri,
          pods: () => ref.workers?.pods() ?? [],
          sandboxId: (ns, name) => {
            const pod = ref.workers?.find(ns, name);
            return pod ? runtime.pod(pod.metadata!.uid!)?.sandboxes.find((s) => s.ready)?.id : undefined;
          },
          container: (ns, name, container) => {
            const pod = ref.workers?.find(ns, name);
            if (!pod) return { error: { code: 404, reason: 'NotFound', message: `pod "${name}" not found` } };
            const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
            const cname = container ?? pod.spec?.containers?.[0]?.name ?? '';
            if (!specs.some((c) => c.name === cname)) return { error: { code: 400, reason: 'BadRequest', message: `container ${cname} is not valid for pod ${name}` } };
            const rc = runtime.pod(pod.metadata!.uid!)?.containers.find((c) => c.name === cname);
            return {
              pod,
              container: cname,
              ...(rc ? { containerId: rc.id, sandboxId: rc.sandboxId } : {}),
              logDir: join(podLogDir(logRoot, pod), cname),
              restartCount: rc?.restartCount ?? 0,
              running: rc?.state === 'running',
            };
          },
        },
      },
      signal,
    );
    kubeletPort = server.port;
    cleanups.push(() => server.close());

    let podCIDR = o.podCIDR;
    let registered: Promise<boolean> = Promise.resolve(true);
    if (rest) {
      reporter = new NodeStatusReporter({
        client: rest,
        nodeName: o.nodeName,
        nodeIP: o.nodeIP,
        dataDir: o.dataDir,
        kubeletPort,
        runtimeVersion,
        leaseDurationSeconds: o.leaseDurationSeconds,
        images: async () => (await cri.listImages({})).images.map((i) => ({ names: [...i.repo_digests, ...i.repo_tags], sizeBytes: Number(i.size) })),
        log,
      });
      // The API server may not be up yet (agents start in any order): keep trying in the
      // background. The node's own pods (static ones, and those it already runs) do not wait.
      const rep = reporter;
      registered = (async () => {
        for (let delay = 500; !signal.aborted; delay = Math.min(delay * 2, 5_000)) {
          try {
            await rep.register(signal);
            await rep.awaitPodCIDR(2_000, signal);
            return true;
          } catch (e) {
            if (signal.aborted) break;
            log.warn('node registration failed; retrying', { error: errorText(e) });
            await sleep(delay, signal);
          }
        }
        return false;
      })();
      // It usually answers at once: give it a moment so the first network config has the Node's podCIDR.
      await Promise.race([registered, sleep(3_000, signal)]);
      if (reporter.podCIDR) podCIDR = reporter.podCIDR;
    }
    ensurePodNetworkSysctls();
    const configureNetwork = (cidr: string) => {
      writeCniConfig({
        confDir: cniConfDir,
        networkName: o.bridge,
        bridge: o.bridge,
        podCIDR: cidr,
        routes: [...new Set([o.clusterCIDR, o.serviceCIDR, `${o.nodeIP}/32`])],
        ipamDataDir: layout.ipamDir,
      });
      log.info('pod network configured', { podCIDR: cidr, bridge: o.bridge });
    };
    configureNetwork(podCIDR);
    // The Node names another pod CIDR (registered late, or NodeIPAM assigned one since): new pods get addresses from it.
    const followPodCIDR = () => {
      if (reporter?.podCIDR && reporter.podCIDR !== podCIDR) {
        podCIDR = reporter.podCIDR;
        configureNetwork(podCIDR);
      }
    };
    void registered.then(followPodCIDR);

    const recorder = rest ? new EventRecorder({ client: rest, component: 'kubelet', host: o.nodeName }) : undefined;
    const events = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) =>
      recorder?.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message);

    const serviceInformer = rest ? new Informer<Service>({ source: new ResourceClient<Service>(rest, servicesResource), logger: log }) : undefined;
    const configMaps = rest ? new ResourceClient<ConfigMap>(rest, configMapsResource) : undefined;
    const secrets = rest ? new ResourceClient<Secret>(rest, secretsResource) : undefined;
    const getOrUndefined = async <T>(f: (() => Promise<T>) | undefined): Promise<T | undefined> => {
      if (!f) return undefined;
      try {
        return await f();
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    };
    const env: EnvSources = {
      configMap: (ns, name) => getOrUndefined(configMaps && (() => configMaps.get(name, { namespace: ns }))),
      secret: (ns, name) => getOrUndefined(secrets && (() => secrets.get(name, { namespace: ns }))),
      services: (ns) => (serviceInformer?.store.list() ?? []).filter((s) => s.metadata?.namespace === ns || (s.metadata?.namespace === 'default' && s.metadata?.name === 'kubernetes')),
    };

    // Projected ServiceAccount tokens: TokenRequests bound to the pod, renewed by the token manager.
    const tokens = rest
      ? new TokenManager(async (ns, sa, spec) => {
          const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`;
          const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec };
          const out = await rest.request<{ status?: Partial<IssuedToken> }>({ method: 'POST', path, body });
          return { token: out.status?.token ?? '', expirationTimestamp: out.status?.expirationTimestamp ?? '' };
        })
      : undefined;
    const volumes = new VolumeManager({ podsDir, sources: { ...env, ...(tokens ? { serviceAccountToken: (pod: Pod, p: ServiceAccountTokenProjection) => tokens.token(pod, p) } : {}) }, log });
    const images = new ImagePuller({ cri, events });
    const hostDns = parseResolvConf((() => {
      try {
        return readFileSync('/etc/resolv.conf', 'utf8');
      } catch {
        return '';
      }
    })());
    // One exec for probes and lifecycle hooks: CRI ExecSync, stdout and stderr together.
    const exec: ExecFn = async (containerId, cmd, timeoutSeconds) => {
      const r = await cri.execSync({ container_id: containerId, cmd, timeout: timeoutSeconds }, { timeoutMs: (timeoutSeconds + 5) * 1000 });
      return { exitCode: r.exit_code, output: Buffer.concat([r.stdout, r.stderr]).toString() };
    };
    const syncer = new PodSyncer({
      cri,
      exec,
      runtime,
      volumes,
      images,
      env,
      events,
      nodeName: o.nodeName,
      nodeIP: o.nodeIP,
      logRoot,
      cgroupRoot: layout.cgroupRoot,
      dns: (pod) => podDNSConfig(pod, { clusterDNS: o.clusterDNS, clusterDomain: o.clusterDomain, host: hostDns }),
      log,
    });
    const statusManager = rest ? new StatusManager({ client: rest, log }) : undefined;
    const probes = new ProbeManager({
      exec,
      onChange: (uid) => workers.schedule(uid),
      onLivenessFailure: (_pod, _name, containerId, message) => {
        syncer.livenessFailed(containerId, message);
        workers.schedule(_pod.metadata!.uid!);
      },
      onEvent: (pod, reason, message) => events(pod, 'Warning', reason, message),
    });
    cleanups.push(() => Promise.resolve(probes.stop()));
    const workers: PodWorkers = new PodWorkers({
      syncer,
      runtime,
      probes,
      nodeIP: o.nodeIP,
      log,
      ...(statusManager
        ? {
            status: {
              report: (pod, status) => statusManager.set({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, uid: mirrorUid(pod) }, status),
              finalDelete: (pod) => statusManager.finalDelete(pod),
            },
          }
        : {}),
    });
    ref.workers = workers;

    // Static pods report through their mirror pods: the uid the API knows is the mirror's.
    const mirrorUids = new Map<string, string>();
    const mirrorUid = (pod: Pod): string => mirrorUids.get(`${pod.metadata!.namespace}/${pod.metadata!.name}`) ?? pod.metadata!.uid!;

    await runtime.relist();
    const loops: Promise<void>[] = [workers.run(signal)];

    if (o.podManifestPath) {
      watchStaticPods({ dir: o.podManifestPath, nodeName: o.nodeName, log, onChange: (pods) => workers.setStaticPods(pods) }, signal);
    }
    workers.sourceReady('static');

    if (rest && reporter) {
      const mirrors = new MirrorPods({ client: rest, log });
      const podInformer = new Informer<Pod>({ source: new ResourceClient<Pod>(rest, podsResource), fieldSelector: `spec.nodeName=${o.nodeName}`, logger: log });
      podInformer.addEventHandler({
        onAdd: (p) => (isMirrorPod(p) ? undefined : workers.setApiPod(p)),
        onUpdate: (_old, p) => (isMirrorPod(p) ? undefined : workers.setApiPod(p)),
        onDelete: (p) => (isMirrorPod(p) ? undefined : workers.deleteApiPod(p)),
      });
      loops.push(podInformer.run(signal), serviceInformer!.run(signal));
      void podInformer.waitForSync(signal).then((ok) => ok && workers.sourceReady('api'));
      const rep = reporter;
      const heartbeats = async (): Promise<void> => {
        if (!(await registered)) return;
        await Promise.all([
          every(10_000, signal, () => rep.renewLease(signal), errorLogger('lease renewal failed')),
          every(10_000, signal, async () => {
            // Ready only while the runtime and its pod network say so (CRI Status), as the kubelet.
            const runtimeReady = async () => {
              const conditions = await cri.status({}).then((r) => r.status?.conditions ?? [], () => undefined);
              return conditions !== undefined && ['RuntimeReady', 'NetworkReady'].every((t) => conditions.some((c) => c.type === t && c.status));
            };
            // containerd notices a new CNI config within a moment: look again soon rather than report NotReady for 10 s.
            let ready = await runtimeReady();
            for (let i = 0; i < 10 && !ready && !signal.aborted; i++) {
              await sleep(500, signal);
              ready = await runtimeReady();
            }
            await rep.sync(ready, signal);
            followPodCIDR();
          }, errorLogger('node status update failed')),
          every(2_000, signal, async () => {
            if (!podInformer.hasSynced()) return;
            const ours = podInformer.store.list().filter(isMirrorPod);
            for (const m of ours) mirrorUids.set(`${m.metadata!.namespace}/${m.metadata!.name}`, m.metadata!.uid!);
            await mirrors.reconcile(workers.staticPods(), ours, { name: o.nodeName, ...(rep.uid ? { uid: rep.uid } : {}) });
          }, errorLogger('mirror pod sync failed')),
        ]);
      };
      loops.push(heartbeats());
    } else {
      workers.sourceReady('api');
    }

    const rotator = new LogRotator({ cri, maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5, log });
    loops.push(
      every(10_000, signal, () => rotator.check(runtime.pods().flatMap((p) => p.containers.filter((c) => c.state === 'running' && c.logPath).map((c) => ({ containerId: c.id, logPath: c.logPath })))), errorLogger('log rotation failed')),
      every(60_000, signal, async () => {
        // Before every source is read, a running pod can look unwanted: collect nothing yet.
        if (!workers.sourcesReady()) return;
        await collectGarbage({ cri, runtime, logRoot, volumes, desired: () => workers.pods(), log });
      }, errorLogger('garbage collection failed')),
    );
    log.info('kubelet running', { node: o.nodeName, port: kubeletPort, standalone: !rest });

    const done = (async () => {
      await Promise.allSettled(loops);
      await recorder?.flush();
      for (const c of cleanups.reverse()) await c().catch(errorLogger('shutdown step failed'));
      log.info('kubelet stopped');
    })();
    return { port: kubeletPort, done, workers };
  } catch (e) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw e;
  }
}

/** Runs the kubelet until `signal` aborts. */
export async function runKubelet(o: KubeletOptions, signal: AbortSignal): Promise<void> {
  const k = await startKubelet(o, signal);
  await k.done;
}
