/** Chooses and opens the store a process runs on: embedded SQLite by default, etcd when given endpoints. */
import { join } from 'node:path';
import { openEtcdStore } from './etcd.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Data directory; the SQLite database lives at `<dataDir>/db/state.db`. */
  dataDir: string;
  /** etcd client URLs; when set, etcd is used instead of SQLite. */
  etcdServers?: string[];
}

export interface OpenedStore {
  store: Store;
  /** Human description of where state lives, for logs. */
  describe: string;
}

export async function openStore(cfg: StoreConfig): Promise<OpenedStore> {
  if (cfg.etcdServers && cfg.etcdServers.length > 0) {
    const store = openEtcdStore({ endpoints: cfg.etcdServers });
    try {
      await store.currentRevision(); // fail at start-up, not on the first request, when etcd is unreachable
    } catch (e) {
      await store.close();
      throw e;
    }
    return { store, describe: `etcd ${cfg.etcdServers.join(',')}` };
  }
  const path = join(cfg.dataDir, 'db', 'state.db');
  return { store: openSqliteStore({ path }), describe: `sqlite ${path}` };
}
