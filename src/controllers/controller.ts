/**
 * What every controller is and gets (kube-controller-manager's ControllerContext and controller
 * descriptors): a controller is informers + a work queue + an idempotent `reconcile(key)`. It reads
 * through the shared informers, writes only through `ctx.client`, records Events through
 * `ctx.events`, and takes time from `ctx.clock`, so tests drive it with a FakeTransport and a
 * FakeClock (see ./testing.ts).
 */
import { hasStatusCause, isConflict } from '../api/errors.js';
import { sleep, type Clock } from '../client/clock.js';
import type { EventType } from '../client/events.js';
import type { ResourceDescriptor } from '../client/paths.js';
import { ResourceClient } from '../client/resource.js';
import type { SharedInformers } from '../client/shared-informers.js';
import type { KubeObject, Transport } from '../client/types.js';
import { runQueueWorkers, type WorkQueue } from '../client/workqueue.js';
import type { Logger } from '../util/log.js';
import { errorText } from '../util/errors.js';

/** Where a controller records Events; objects must carry kind and apiVersion (see util/owner.ts withKind). */
export interface EventSink {
  record(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

/** Node usage as metrics.k8s.io serves it (the HPA reads pod metrics through it). */
export interface ControllerSettings {
  /** The cluster's pod CIDR, split into node podCIDRs by NodeIPAM (default 10.42.0.0/16). */
  clusterCidr: string;
  /** The prefix length of each node's podCIDR (default 24). */
  nodeCidrMaskSize: number;
  /** The service CIDR (default 10.43.0.0/16). */
  serviceCidr: string;
  /** How long a node may go without renewing its Lease before it is NotReady/Unknown (default 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** Terminated pods kept before PodGC deletes the oldest (default 12 500). */
  terminatedPodGcThreshold: number;
  /** How often the HPA reconciles each autoscaler (default 15 s). */
  hpaSyncPeriodMs: number;
  /** How long the HPA waits before scaling down again (default 5 min). */
  hpaDownscaleStabilizationMs: number;
  /** Concurrent reconciles per controller (default 5, as --concurrent-*-syncs). */
  workers: number;
  /**
   * The addresses service-lb gives LoadBalancer Services: comma-separated CIDRs and/or
   * `first-last` ranges (default 10.44.0.0/24).
   */
  loadBalancerPool: string;
  /** The CA the root-ca-cert-publisher puts in every namespace's `kube-root-ca.crt` (absent: none). */
  rootCaPem?: string;
}

/** Defaults of {@link ControllerSettings}, as kube-controller-manager's. */
export const defaultControllerSettings: ControllerSettings = {
  clusterCidr: '10.42.0.0/16',
  nodeCidrMaskSize: 24,
  serviceCidr: '10.43.0.0/16',
  nodeMonitorGracePeriodMs: 40_000,
  terminatedPodGcThreshold: 12_500,
  hpaSyncPeriodMs: 15_000,
  hpaDownscaleStabilizationMs: 300_000,
  workers: 5,
  loadBalancerPool: '10.44.0.0/24',
};

/** What a controller is given. */
export interface ControllerContext {
  /** The API: wrap it in typed clients with `ctx.client.resource(...)` semantics via {@link clientFor}. */
  client: Transport;
  informers: SharedInformers;
  clock: Clock;
  logger: Logger;
  /** An Event sink with `source.component` = `component` (e.g. `replicaset-controller`). */
  events(component: string): EventSink;
  settings: ControllerSettings;
}

/** A running controller. `run` returns once its loops have stopped after `signal` aborts. */
export interface Controller {
  run(signal: AbortSignal): Promise<void>;
}

/** How the manager knows a controller: its name (as --controllers lists it) and constructor. */
export interface ControllerDescriptor {
  name: string;
  create(ctx: ControllerContext): Controller;
}

/** A typed client for `descriptor` over the context's transport. */
export function clientFor<T extends KubeObject>(ctx: Pick<ControllerContext, 'client'>, descriptor: ResourceDescriptor): ResourceClient<T> {
  return new ResourceClient<T>(ctx.client, descriptor);
}

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions<K> {
  name: string;
  queue: WorkQueue<K>;
  /** Concurrent reconciles; a key is never reconciled by two at once. */
  workers: number;
  reconcile(key: K): Promise<void>;
  logger: Logger;
  /** Informers (or anything) to wait for before the first reconcile. */
  waitFor?: { waitForSync(signal?: AbortSignal): Promise<boolean> }[];
  signal: AbortSignal;
}

/**
 * The worker loop every controller runs: wait for caches, then take keys and reconcile them.
 * A thrown error re-queues the key with backoff (a conflict is expected and not logged as an
 * error); success forgets the key's failures. Once `signal` aborts no new reconcile starts (keys
 * still queued are dropped); resolves when the reconciles in flight have ended.
 */
export async function runWorkers<K>(o: RunWorkersOptions<K>): Promise<void> {
  const { queue, signal } = o;
  const onAbort = () => queue.shutDown();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const w of o.waitFor ?? []) if (!(await w.waitForSync(signal))) return;
    // The abort shuts the queue down (above): after it (shutdown, or the Lease lost to another
    // manager) nothing new may start, or two leaders would write.
    await runQueueWorkers({
      queue,
      workers: o.workers,
      handle: (key) => o.reconcile(key),
      failed: (key, e) => {
        // Creating in a namespace being deleted cannot succeed, and the namespace takes the owner with it.
        if (hasStatusCause(e, 'NamespaceTerminating')) return false;
        const fields = { key: String(key), error: errorText(e) };
        if (isConflict(e)) o.logger.info(`${o.name}: conflict; retrying`, fields);
        else o.logger.warn(`${o.name}: reconcile failed; retrying`, fields);
        return true;
      },
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    queue.shutDown();
  }
}

/**
 * Runs `pass` every `periodMs` on the context's clock until `signal` aborts (controllers that scan
 * instead of reacting to keys: pod GC, node health). A failed pass is logged as "<what> failed" and
 * the next one runs on schedule.
 */
export async function runPeriodically(ctx: Pick<ControllerContext, 'clock' | 'logger'>, o: { what: string; periodMs: number; signal: AbortSignal }, pass: () => Promise<unknown>): Promise<void> {
  while (!o.signal.aborted) {
    try {
      await pass();
    } catch (e) {
      ctx.logger.error(`${o.what} failed`, { error: errorText(e) });
    }
    await sleep(ctx.clock, o.periodMs, o.signal);
  }
}
