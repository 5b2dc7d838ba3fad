/**
 * The composition root: `k8ts server` (storage + API server now; scheduler, controllers and the
 * node agent join as they land) and `k8ts apiserver` (the API server alone, e.g. on etcd).
 * Components never import each other; only this layer puts them together.
 */
import { runApiServer, type ApiServerOptions } from '../apiserver/run.js';
import { openStore } from '../storage/open.js';
import { startCompactor } from '../storage/serve.js';
import type { Logger } from '../util/log.js';

export interface ServerOptions extends Omit<ApiServerOptions, 'store' | 'log'> {
  etcdServers?: string[];
  log: Logger;
}

export async function runServer(o: ServerOptions, signal: AbortSignal): Promise<void> {
  const { store, describe } = await openStore({ dataDir: o.dataDir, etcdServers: o.etcdServers });
  o.log.info('storage ready', { backend: describe, revision: await store.currentRevision() });
  try {
    startCompactor(store, { log: o.log }, signal);
    await runApiServer({ ...o, store }, signal);
  } finally {
    await store.close();
    o.log.info('storage closed');
  }
}
