/**
 * The cluster DNS server (`k8ts dns`): Service and EndpointSlice informers feed the record index,
 * UDP and TCP sockets answer from it, and other names go to the node's upstream resolvers. It owns
 * its informers, sockets and forwarder; all stop when the signal aborts.
 */
import type { Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import { resources } from '../client/resources.js';
import { SharedInformers } from '../client/shared-informers.js';
import type { Transport } from '../client/types.js';
import { createLogger, type Logger } from '../util/log.js';
import { Forwarder, parseUpstream, readResolvConf, type Upstream } from './forward.js';
import { DnsHandler } from './handler.js';
import { listenDns } from './listen.js';
import { canonical } from './names.js';
import { RecordIndex } from './record-index.js';
import { RecursionAcl } from './recursion.js';
import { Resolver } from './resolve.js';
import { syncIndex } from './sync.js';

/** Options of {@link startDns}. */
export interface DnsOptions {
  transport: Transport;
  /** Listen address (default 0.0.0.0). */
  address?: string;
  /** UDP and TCP port (default 53; 0 picks a free one). */
  port?: number;
  /** Default cluster.local. */
  clusterDomain?: string;
  /** Upstream resolvers (`IP`, `IP:PORT`); default the nameservers of `resolvConf`. */
  upstreams?: readonly string[];
  /** Default /etc/resolv.conf. */
  resolvConf?: string;
  /** Addresses never used as upstreams (the kube-dns ClusterIP: forwarding there would loop back here). */
  excludeUpstreams?: readonly string[];
  /** Time budget of one forwarded query (default 2000 ms). */
  forwardTimeoutMs?: number;
  /** IPv4 CIDRs (service, pod) whose unknown reverse names answer NXDOMAIN instead of going upstream. */
  reverseCidrs?: readonly string[];
  /**
   * IPv4 CIDRs whose clients may recurse (names outside the cluster zone, an ExternalName chased
   * outside); others get REFUSED, except this machine's own addresses. Absent: anyone may.
   */
  recursionFrom?: readonly string[];
  /** How long to wait for the first list before serving anyway (default 5000 ms, as CoreDNS). */
  syncTimeoutMs?: number;
  /** Called once the sockets are bound, with their port. */
  onListening?: (port: number) => void;
  logger?: Logger;
}

/** A started server: its port, and a promise settled when it has stopped. */
export interface RunningDns {
  port: number;
  done: Promise<void>;
}

function upstreamsOf(o: DnsOptions, address: string, port: number): Upstream[] {
  if (o.upstreams) return o.upstreams.map(parseUpstream);
  const excluded = new Set(o.excludeUpstreams ?? []);
  // Never forward to ourselves: our own address on the DNS port (or a loopback one when we listen on every address).
  const self = (u: Upstream) => excluded.has(u.host) || (u.port === port && (u.host === address || (address === '0.0.0.0' && u.host.startsWith('127.'))));
  return readResolvConf(o.resolvConf, self);
}

/** Starts the server; resolves once it serves (after the first sync, or the sync timeout). */
export async function startDns(o: DnsOptions, signal: AbortSignal): Promise<RunningDns> {
  const logger = o.logger ?? createLogger('dns');
  const address = o.address ?? '0.0.0.0';
  const zone = canonical(o.clusterDomain ?? 'cluster.local');
  const informers = new SharedInformers({ transport: o.transport, logger });
  const index = new RecordIndex(zone);
  const detach = syncIndex(index, informers.informer<Service>(resources.services), informers.informer<EndpointSlice>(resources.endpointslices));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  informers.start(stop.signal);
  const cleanupInformers = async () => {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    detach();
    await informers.stopped();
  };
  const forwarder = new Forwarder({ upstreams: upstreamsOf(o, address, o.port ?? 53), timeoutMs: o.forwardTimeoutMs });
  try {
    const timeout = AbortSignal.any([stop.signal, AbortSignal.timeout(o.syncTimeoutMs ?? 5000)]);
    if (!(await informers.waitForSync(timeout)) && !signal.aborted) logger.warn('serving before the Service and EndpointSlice caches synced');
    if (forwarder.upstreams.length === 0) logger.warn('no upstream resolvers: names outside the cluster answer SERVFAIL');
    const recursion = o.recursionFrom ? new RecursionAcl({ cidrs: o.recursionFrom }) : undefined;
    const handler = new DnsHandler({ resolver: new Resolver({ index, reverseCidrs: o.reverseCidrs }), forwarder, recursion });
    const listener = await listenDns({ address, port: o.port ?? 53, handle: (m, t, c) => handler.handle(m, t, c), logger });
    logger.info('cluster DNS serving', {
      address,
      port: listener.port,
      zone,
      upstreams: forwarder.upstreams.map((u) => `${u.host}:${u.port}`).join(','),
      recursionFrom: o.recursionFrom ? ['local', ...o.recursionFrom].join(',') : 'any',
    });
    o.onListening?.(listener.port);
    const done = (async () => {
      if (!stop.signal.aborted) await new Promise<void>((r) => stop.signal.addEventListener('abort', () => r(), { once: true }));
      forwarder.close();
      await Promise.all([listener.close(), cleanupInformers()]);
      logger.info('cluster DNS stopped');
    })();
    return { port: listener.port, done };
  } catch (e) {
    forwarder.close();
    await cleanupInformers();
    throw e;
  }
}
