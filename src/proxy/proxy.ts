/**
 * The proxy's loop (kube-proxy's): watch Services and EndpointSlices, and program the node through
 * a backend. Changes are batched: a sync runs at most once per minSyncPeriod and covers every
 * change seen since the last one; a periodic full sync repairs rules someone else removed, and a
 * failed sync is retried in full after a back-off.
 */
import { sliceServiceKey } from '../api/endpointslices.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import type { Service } from '../api/generated/core/v1.js';
import { resources } from '../client/resources.js';
import { SharedInformers } from '../client/shared-informers.js';
import type { KubeObject, Transport } from '../client/types.js';
import type { Logger } from '../util/log.js';
import { sleep } from '../util/sleep.js';
import type { ProxyBackend } from './model.js';
import { ServiceChangeTracker } from './tracker.js';
import { errorText } from '../util/errors.js';

/** Options of {@link runProxy}. */
export interface ProxyOptions {
  transport: Transport;
  backend: ProxyBackend;
  /** This node's name: endpoints on it are local (externalTrafficPolicy/internalTrafficPolicy Local). */
  nodeName: string;
  /** Shortest time between two syncs (default 1 s, as kube-proxy's --iptables-min-sync-period). */
  minSyncPeriodMs?: number;
  /** A full resync this often, even with no change (default 15 min). */
  fullSyncPeriodMs?: number;
  logger: Logger;
  /** Called after each successful sync (tests, metrics). */
  onSync?: (info: { changed: number | 'all'; services: number; ms: number }) => void;
}

const SLICE_INDEX = 'service';

/** Runs until `signal` aborts; resolves once the informers have stopped and the backend is closed. */
export async function runProxy(o: ProxyOptions, signal: AbortSignal): Promise<void> {
  const minSync = o.minSyncPeriodMs ?? 1000;
  const fullSync = o.fullSyncPeriodMs ?? 15 * 60_000;
  const informers = new SharedInformers({ transport: o.transport, logger: o.logger });
  const services = informers.informer<Service & KubeObject>(resources.services);
  const slices = informers.informer<EndpointSlice & KubeObject>(resources.endpointslices);
  slices.store.addIndexers({ [SLICE_INDEX]: (s) => [sliceServiceKey(s) ?? ''] });
  const tracker = new ServiceChangeTracker(o.nodeName);

  let wake: (() => void) | undefined;
  const poke = (): void => {
    wake?.();
    wake = undefined;
  };
  const keyOf = (s: Service) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  services.addEventHandler({
    onAdd: (s) => (tracker.markService(keyOf(s)), poke()),
    onUpdate: (_, s) => (tracker.markService(keyOf(s)), poke()),
    onDelete: (s) => (tracker.markService(keyOf(s)), poke()),
  });
  slices.addEventHandler({
    onAdd: (s) => (tracker.markSlice(s), poke()),
    onUpdate: (old, s) => (tracker.markSlice(old), tracker.markSlice(s), poke()),
    onDelete: (s) => (tracker.markSlice(s), poke()),
  });
  const lookup = {
    getService: (ns: string, name: string) => services.store.getByName(ns, name),
    slicesOf: (ns: string, name: string) => slices.store.byIndex(SLICE_INDEX, `${ns}/${name}`),
    allServiceKeys: () => services.store.list().map(keyOf),
  };

  // The informers stop with the loop, whatever ends it (the signal, or an error escaping below).
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort();
    poke();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();
  informers.start(stop.signal);
  try {
    if (!(await informers.waitForSync(stop.signal))) return;
    o.logger.info('proxy caches synced', { mode: o.backend.mode, services: services.store.list().length });
    let lastSync = 0;
    let lastFull = Date.now();
    let failures = 0;
    while (!stop.signal.aborted) {
      if (!tracker.pending) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, Math.max(0, lastFull + fullSync - Date.now()));
        });
        clearTimeout(timer);
        wake = undefined;
        if (stop.signal.aborted) break;
        if (Date.now() - lastFull >= fullSync) tracker.markAll();
        if (!tracker.pending) continue;
      }
      const wait = lastSync + minSync - Date.now();
      if (wait > 0) await sleep(wait, stop.signal);
      if (stop.signal.aborted) break;
      lastSync = Date.now();
      try {
        const taken = tracker.take(lookup);
        const { changed } = taken;
        if (changed === 'all') lastFull = lastSync;
        await o.backend.sync(taken);
        failures = 0;
        const ms = Date.now() - lastSync;
        o.onSync?.({ changed: changed === 'all' ? 'all' : changed.size, services: taken.snapshot.services.size, ms });
        if (changed === 'all' || changed.size > 0) o.logger.info('proxy rules synced', { mode: o.backend.mode, changed: changed === 'all' ? 'all' : changed.size, servicePorts: taken.snapshot.services.size, ms });
      } catch (e) {
        failures++;
        tracker.markAll();
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
        o.logger.error('proxy sync failed; retrying in full', { mode: o.backend.mode, error: errorText(e), retryMs: delay });
        await sleep(delay, stop.signal);
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    poke();
    await informers.stopped();
    await o.backend.close();
  }
}
