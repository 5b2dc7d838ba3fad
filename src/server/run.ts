/**
 * The composition root: `k8ts server` (storage + API server now; scheduler, controllers and the
 * node agent join as they land) and `k8ts apiserver` (the API server alone, e.g. on etcd).
 * Components never import each other; only this layer puts them together.
 */
import { runApiServer, type ApiServerOptions } from '../apiserver/run.js';
import { loadKubeconfig } from '../client/config.js';
import type { KubeletOptions } from '../kubelet/config.js';
import { startKubelet } from '../kubelet/kubelet.js';
import { openStore } from '../storage/open.js';
import { startCompactor } from '../storage/serve.js';
import type { Logger } from '../util/log.js';

export interface ServerOptions extends Omit<ApiServerOptions, 'store' | 'log'> {
  etcdServers?: string[];
  log: Logger;
  /** The node agent to run beside the control plane, connected to it (absent: control plane only). */
  agent?: Omit<KubeletOptions, 'client'>;
}

export async function runServer(o: ServerOptions, signal: AbortSignal): Promise<void> {
  const { store, describe } = await openStore({ dataDir: o.dataDir, etcdServers: o.etcdServers });
  o.log.info('storage ready', { backend: describe, revision: await store.currentRevision() });
  try {
    startCompactor(store, { log: o.log }, signal);
    const agents: Promise<void>[] = [];
    await runApiServer(
      {
        ...o,
        store,
        onReady: (info) => {
          o.onReady?.(info);
          if (!o.agent) return;
          const agent = o.agent;
          agents.push(
            startKubelet({ ...agent, client: loadKubeconfig(info.kubeconfig) }, signal)
              .then((k) => k.done)
              .catch((e: unknown) => agent.log.error('node agent failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) })),
          );
        },
      },
      signal,
    );
    await Promise.all(agents);
  } finally {
    await store.close();
    o.log.info('storage closed');
  }
}
