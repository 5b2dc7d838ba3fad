/**
 * The composition root: `k8ts server` (storage, API server, scheduler, controller manager and a
 * node agent) and `k8ts apiserver` (the API server alone, e.g. on etcd).
 * Components never import each other; only this layer puts them together.
 */
import { join } from 'node:path';
import { runApiServer, type ApiServerOptions } from '../apiserver/run.js';
import { loadKubeconfig } from '../client/config.js';
import type { KubeletOptions } from '../kubelet/config.js';
import { startKubelet } from '../kubelet/kubelet.js';
import { defaultControllerSettings, type ControllerSettings } from '../controllers/controller.js';
import { runControllerManagerProcess, runSchedulerProcess, serverIdentity } from './control-loops.js';
import { openStore } from '../storage/open.js';
import { startCompactor } from '../storage/serve.js';
import { createLogger, type Logger } from '../util/log.js';
import { proxyNames } from '../proxy/backends.js';
import type { ProxyMode } from '../proxy/model.js';
import { poolCIDRs, runClusterDns, runProxyProcess } from './node-network.js';

export interface ServerOptions extends Omit<ApiServerOptions, 'store' | 'log'> {
  etcdServers?: string[];
  log: Logger;
  /** The node agent to run beside the control plane, connected to it (absent: control plane only). */
  agent?: Omit<KubeletOptions, 'client'>;
  /** Run the scheduler beside the API server (default true; k3s's --disable-scheduler turns it off). */
  scheduler?: boolean;
  /** Run the controller manager (default true) with these controllers (default all). */
  controllerManager?: boolean;
  controllers?: string[];
  controllerSettings?: Partial<ControllerSettings>;
  /** The service proxy beside the node agent (default on, iptables mode); false turns it off. */
  proxy?: false | { mode?: ProxyMode };
  /** The cluster DNS beside the node agent, published as kube-system/kube-dns at this ClusterIP (absent: none). */
  dns?: { clusterIP: string };
}

export async function runServer(o: ServerOptions, signal: AbortSignal): Promise<void> {
  const { store, describe } = await openStore({ dataDir: o.dataDir, etcdServers: o.etcdServers });
  o.log.info('storage ready', { backend: describe, revision: await store.currentRevision() });
  try {
    startCompactor(store, { log: o.log }, signal);
    const loops: Promise<void>[] = [];
    await runApiServer(
      {
        ...o,
        store,
        onReady: (info) => {
          o.onReady?.(info);
          const config = loadKubeconfig(info.kubeconfig);
          const identity = serverIdentity(o.dataDir);
          const failed = (what: string) => (e: unknown) => o.log.error(`${what} failed`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
          if (o.scheduler !== false) loops.push(runSchedulerProcess({ config, identity }, signal).catch(failed('scheduler')));
          if (o.controllerManager !== false) {
            loops.push(runControllerManagerProcess({ config, identity, controllers: o.controllers, settings: o.controllerSettings }, signal).catch(failed('controller manager')));
          }
          if (!o.agent) return;
          const agent = o.agent;
          if (o.proxy !== false) {
            const proxy = {
              config,
              ...(o.proxy?.mode ? { mode: o.proxy.mode } : {}),
              nodeName: agent.nodeName,
              nodeIPs: [agent.nodeIP],
              clusterCIDR: agent.clusterCIDR,
              serviceCIDR: agent.serviceCIDR,
              names: proxyNames(agent.dataDir),
              dataDir: agent.dataDir,
              lbCIDRs: poolCIDRs(o.controllerSettings?.loadBalancerPool ?? defaultControllerSettings.loadBalancerPool),
              logger: createLogger('proxy'),
            };
            loops.push(runProxyProcess(proxy, signal).catch(failed('proxy')));
          }
          if (o.dns) {
            const dns = { config, nodeIP: agent.nodeIP, clusterIP: o.dns.clusterIP, clusterDomain: agent.clusterDomain, serviceCIDR: agent.serviceCIDR, clusterCIDR: agent.clusterCIDR, portFile: join(agent.dataDir, 'dns-port'), logger: createLogger('dns') };
            loops.push(runClusterDns(dns, signal).catch(failed('cluster DNS')));
          }
          loops.push(
            startKubelet({ ...agent, client: config }, signal)
              .then((k) => k.done)
              .catch(failed('node agent')),
          );
        },
      },
      signal,
    );
    await Promise.all(loops);
  } finally {
    await store.close();
    o.log.info('storage closed');
  }
}
