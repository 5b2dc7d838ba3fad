/**
 * Hollow nodes (kwok's idea): N fake Nodes that register, heartbeat and "run" the pods bound to
 * them by marking them Running, with no containers, so the control plane (scheduler, controllers,
 * API server) can be measured at thousands of nodes on one machine. Behaviour visible to the API
 * and its limits: see nodes.ts (registration, Leases, heartbeats) and pods.ts, pod-status.ts (pods).
 * Nothing runs, so nothing exits: every pod stays Running until deleted, whatever its command or
 * restartPolicy (Jobs never complete). The nodes carry no taint, so anything may land on them.
 */
import { realClock, type Clock } from '../../client/clock.js';
import type { Transport } from '../../client/types.js';
import { createLogger, type Logger } from '../../util/log.js';
import type { HollowCapacity } from './node-object.js';
import { HollowNodeSet } from './nodes.js';
import { HollowPods } from './pods.js';

/** Options of {@link runHollowNodes}. */
export interface HollowNodesOptions {
  transport: Transport;
  count: number;
  /** Node names are `${prefix}0` … (default `hollow-`). */
  prefix?: string;
  /** Default cpu 4, memory 16Gi, pods 110 (allocatable = capacity). */
  capacity?: HollowCapacity;
  /** Extra labels on every node (`type=hollow` and the kubernetes.io/ ones always win). */
  labels?: Record<string, string>;
  /** Each node's Lease is renewed this often (default 10 000 ms); renewals are spread evenly. */
  leaseRenewMs?: number;
  /** Each node's conditions heartbeat this often (default 60 000 ms), spread evenly. */
  statusUpdateMs?: number;
  /** Fake pod CIDRs (node i: the i-th /24) when NodeIPAM set no spec.podCIDR (default 10.64.0.0/10). */
  podCidrBase?: string;
  /** Delete the Nodes and their Leases on exit (default false: they stay, as a stopped kubelet's do). */
  deleteOnExit?: boolean;
  /** Pod writes in flight at most (default 32); node heartbeats have as many again. */
  concurrency?: number;
  /** Called once every node is registered and the pod informer has synced. */
  onReady?: () => void;
  logger?: Logger;
  clock?: Clock;
}

/** Runs the hollow nodes until `signal` aborts; resolves when every loop has stopped (and, with deleteOnExit, the nodes are gone). */
export async function runHollowNodes(o: HollowNodesOptions, signal: AbortSignal): Promise<void> {
  const logger = o.logger ?? createLogger('hollow-nodes');
  const clock = o.clock ?? realClock;
  const prefix = o.prefix ?? 'hollow-';
  const concurrency = o.concurrency ?? 32;
  const names = Array.from({ length: o.count }, (_, i) => `${prefix}${i}`);
  const nodes = new HollowNodeSet({
    transport: o.transport,
    names,
    capacity: o.capacity,
    labels: o.labels,
    leaseRenewMs: o.leaseRenewMs ?? 10_000,
    statusUpdateMs: o.statusUpdateMs ?? 60_000,
    podCidrBase: o.podCidrBase,
    concurrency,
    clock,
    logger,
  });
  const pods = new HollowPods({ transport: o.transport, lookup: (n) => nodes.lookup(n), concurrency, clock, logger }, signal);
  try {
    await nodes.register(signal).catch((e: unknown) => {
      if (!signal.aborted) throw e;
    });
    if (signal.aborted) return;
    const nodeLoops = nodes.run(signal);
    // The node informer first: pod IPs come from the spec.podCIDR it carries.
    const nodesSynced = await nodes.informer.waitForSync(signal);
    const podLoops = nodesSynced ? pods.run(signal) : Promise.resolve();
    if (nodesSynced && (await pods.informer.waitForSync(signal))) {
      logger.info('hollow nodes ready', { count: o.count });
      o.onReady?.();
    }
    await Promise.all([nodeLoops, podLoops]);
  } finally {
    if (o.deleteOnExit) await nodes.deleteAll();
  }
}
