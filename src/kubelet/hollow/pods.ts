/**
 * The pod side of hollow nodes: one pod informer (every bound pod, fieldSelector spec.nodeName!=)
 * for all of them, not a watch per node. A pod bound to one of ours is patched Running; a pod
 * with a deletionTimestamp is deleted for good (grace 0, uid precondition), which is what a
 * kubelet does once its containers have stopped. Writes go through one coalescing WorkQueue with
 * a fixed number of workers, so a burst of thousands of pods is that many requests in flight at
 * most, and a pod that changes five times while queued is written once.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Pod } from '../../api/generated/core/v1.js';
import type { Clock } from '../../client/clock.js';
import { Informer } from '../../client/informer.js';
import { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { objectKey } from '../../client/store.js';
import type { Transport } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/log.js';
import { PodIpAllocator } from './addresses.js';
import type { HollowNodeInfo } from './nodes.js';
import { looksRunning, runningPodStatus } from './pod-status.js';
import { work } from './schedule.js';

/** Options of {@link HollowPods}. */
export interface HollowPodsOptions {
  transport: Transport;
  /** Our node called `name`, or undefined for anyone else's. */
  lookup: (name: string | undefined) => HollowNodeInfo | undefined;
  /** Pod writes in flight at most. */
  concurrency: number;
  clock: Clock;
  logger: Logger;
}

interface Assigned {
  uid: string;
  ip: string;
  cidr: string;
  /** Set once our Running status was accepted, so a stale cache does not make us post it twice. */
  posted: boolean;
}

/** Runs the pods of every hollow node. */
export class HollowPods {
  readonly informer: Informer<Pod>;
  readonly #o: HollowPodsOptions;
  readonly #pods: ResourceClient<Pod>;
  readonly #queue: WorkQueue<string>;
  readonly #assigned = new Map<string, Assigned>();
  readonly #allocators = new Map<string, PodIpAllocator>();

  constructor(o: HollowPodsOptions, signal: AbortSignal) {
    this.#o = o;
    this.#pods = new ResourceClient<Pod>(o.transport, resources.pods);
    this.#queue = new WorkQueue<string>({ clock: o.clock, signal });
    this.informer = new Informer<Pod>({ source: this.#pods, fieldSelector: 'spec.nodeName!=', clock: o.clock, logger: o.logger });
    const enqueue = (p: Pod) => {
      if (o.lookup(p.spec?.nodeName)) this.#queue.add(objectKey(p));
    };
    this.informer.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_old, p) => enqueue(p),
      onDelete: (p) => this.#release(objectKey(p)),
    });
  }

  /** Informer and workers until `signal` aborts; resolves when both have stopped. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.informer.run(signal), work({ queue: this.#queue, workers: this.#o.concurrency, handle: (k) => this.sync(k, signal), logger: this.#o.logger, what: 'hollow pod sync' })]);
  }

  #allocator(node: string, cidr: string): PodIpAllocator {
    let a = this.#allocators.get(node);
    // NodeIPAM may set spec.podCIDR after the first pods: later pods take IPs from it.
    if (!a || a.cidr !== cidr) {
      a = new PodIpAllocator(cidr);
      this.#allocators.set(node, a);
      for (const [, as] of this.#assigned) if (as.cidr === cidr) a.reserve(as.ip);
    }
    return a;
  }

  #release(key: string): void {
    const as = this.#assigned.get(key);
    if (!as) return;
    this.#assigned.delete(key);
    for (const a of this.#allocators.values()) if (a.cidr === as.cidr) a.release(as.ip);
  }

  #podIP(key: string, pod: Pod, node: string, info: HollowNodeInfo): Assigned {
    const uid = pod.metadata?.uid ?? '';
    let as = this.#assigned.get(key);
    if (as && as.uid !== uid) {
      this.#release(key);
      as = undefined;
    }
    if (as) return as;
    if (pod.spec?.hostNetwork) as = { uid, ip: info.hostIP, cidr: '', posted: false };
    else {
      const allocator = this.#allocator(node, info.podCIDR);
      const reported = pod.status?.podIP;
      if (reported) allocator.reserve(reported);
      as = { uid, ip: reported || allocator.allocate(), cidr: allocator.cidr, posted: false };
    }
    this.#assigned.set(key, as);
    return as;
  }

  /** Brings one pod (by `namespace/name`) to what a hollow node shows for it. Throws to retry. */
  async sync(key: string, signal?: AbortSignal): Promise<void> {
    const pod = this.informer.store.get(key);
    if (!pod) return this.#release(key);
    const node = pod.spec?.nodeName;
    const info = this.#o.lookup(node);
    if (!info || !node) return;
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace;
    const uid = pod.metadata?.uid ?? '';
    if (pod.metadata?.deletionTimestamp) {
      try {
        await this.#pods.delete(name, { namespace, gracePeriodSeconds: 0, preconditions: { uid }, signal });
      } catch (e) {
        // Gone already, or replaced by a pod of the same name (its own events will bring it here).
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const as = this.#podIP(key, pod, node, info);
    if (as.posted || looksRunning(pod)) return;
    const status = runningPodStatus(pod, { hostIP: info.hostIP, podIP: as.ip, now: this.#o.clock.now() });
    try {
      // metadata.uid makes the patch fail rather than land on a new pod of the same name.
      await this.#pods.patch(name, { metadata: { uid }, status }, { namespace, subresource: 'status', type: 'merge', signal });
      as.posted = true;
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }
}
