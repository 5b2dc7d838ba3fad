/**
 * The node side of hollow nodes: registers N Nodes (creating them, or adopting ones that exist),
 * keeps each one's Lease in kube-node-lease renewed and its conditions heartbeating, spread evenly
 * over their periods through one bounded work queue, and re-registers a Node someone deleted.
 * One Node informer (label type=hollow) supplies spec.podCIDR and the conditions last posted.
 */
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node } from '../../api/generated/core/v1.js';
import { microTime } from '../../api/time.js';
import { sleep, type Clock } from '../../client/clock.js';
import { Informer } from '../../client/informer.js';
import { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import type { Transport } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/log.js';
import { fakePodCidr, hollowNodeIP } from './addresses.js';
import { HOLLOW_LABEL, hollowConditions, hollowLease, hollowNode, hollowNodeLabels, hollowNodeStatus, LEASE_DURATION_SECONDS, type HollowCapacity } from './node-object.js';
import { pool, spread, work } from './schedule.js';
import { errorText } from '../../util/errors.js';

const LEASE_NS = 'kube-node-lease';

/** Options of {@link HollowNodeSet}. */
export interface HollowNodeSetOptions {
  transport: Transport;
  names: readonly string[];
  capacity?: HollowCapacity;
  labels?: Record<string, string>;
  leaseRenewMs: number;
  statusUpdateMs: number;
  podCidrBase?: string;
  /** Registrations, renewals and status posts in flight at most. */
  concurrency: number;
  clock: Clock;
  logger: Logger;
}

/** What the pod side needs to know about one hollow node. */
export interface HollowNodeInfo {
  index: number;
  hostIP: string;
  /** spec.podCIDR when NodeIPAM set one, else the node's deterministic fake CIDR. */
  podCIDR: string;
}

/** N hollow Nodes and their heartbeats. */
export class HollowNodeSet {
  readonly #o: HollowNodeSetOptions;
  readonly #index = new Map<string, number>();
  readonly #uids = new Map<string, string>();
  readonly #nodes: ResourceClient<Node>;
  readonly #leases: ResourceClient<Lease>;
  readonly informer: Informer<Node>;

  constructor(o: HollowNodeSetOptions) {
    this.#o = o;
    o.names.forEach((n, i) => this.#index.set(n, i));
    this.#nodes = new ResourceClient<Node>(o.transport, resources.nodes);
    this.#leases = new ResourceClient<Lease>(o.transport, resources.leases);
    this.informer = new Informer<Node>({ source: this.#nodes, labelSelector: `${HOLLOW_LABEL.key}=${HOLLOW_LABEL.value}`, clock: o.clock, logger: o.logger });
  }

  /** The hollow node called `name`, or undefined if it is not one of ours. */
  lookup(name: string | undefined): HollowNodeInfo | undefined {
    const index = name === undefined ? undefined : this.#index.get(name);
    if (index === undefined || name === undefined) return undefined;
    const cidr = this.informer.store.get(name)?.spec?.podCIDR;
    return { index, hostIP: hollowNodeIP(index), podCIDR: cidr || fakePodCidr(index, this.#o.podCidrBase) };
  }

  #facts(name: string) {
    return { name, index: this.#index.get(name) ?? 0, capacity: this.#o.capacity, labels: this.#o.labels };
  }

  /** Registers every node and creates its Lease; retries each until it succeeds or `signal` aborts. */
  async register(signal: AbortSignal): Promise<void> {
    const existing = await this.#listOurs(signal);
    if (signal.aborted) return;
    await pool(this.#o.names, this.#o.concurrency, async (name) => {
      for (let delay = 1000; !signal.aborted; delay = Math.min(delay * 2, 30_000)) {
        try {
          const created = await this.#registerOne(name, existing.get(name), signal);
          await this.#renewLease(name, signal, created);
          return;
        } catch (e) {
          if (signal.aborted) return;
          this.#o.logger.warn('registering hollow node failed; retrying', { node: name, error: errorText(e), delayMs: delay });
          existing.delete(name);
          await sleep(this.#o.clock, delay, signal);
        }
      }
    });
    if (!signal.aborted) this.#o.logger.info('hollow nodes registered', { count: this.#o.names.length, adopted: existing.size });
  }

  /** Our Nodes that exist already, by name; retries until the API answers or `signal` aborts. */
  async #listOurs(signal: AbortSignal): Promise<Map<string, Node>> {
    for (let delay = 1000; ; delay = Math.min(delay * 2, 30_000)) {
      const existing = new Map<string, Node>();
      try {
        let cont: string | undefined;
        do {
          const page = await this.#nodes.list({ limit: 500, continue: cont, signal });
          for (const n of page.items) if (n.metadata?.name && this.#index.has(n.metadata.name)) existing.set(n.metadata.name, n);
          cont = page.metadata?.continue || undefined;
        } while (cont);
        return existing;
      } catch (e) {
        if (signal.aborted) return existing;
        this.#o.logger.warn('listing nodes failed; retrying', { error: errorText(e), delayMs: delay });
        await sleep(this.#o.clock, delay, signal);
      }
    }
  }

  /** Creates or adopts one Node; true when it was created (so its Lease is new too). */
  async #registerOne(name: string, current: Node | undefined, signal: AbortSignal): Promise<boolean> {
    const now = this.#o.clock.now();
    if (!current) {
      try {
        const created = await this.#nodes.create(hollowNode(this.#facts(name), now), { signal });
        if (created.metadata?.uid) this.#uids.set(name, created.metadata.uid);
        return true;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        current = await this.#nodes.get(name, { signal });
      }
    }
    // Adopt: our labels refreshed (others kept), our status posted; the spec belongs to others.
    if (current.metadata?.uid) this.#uids.set(name, current.metadata.uid);
    const labels = { ...(current.metadata?.labels ?? {}), ...hollowNodeLabels(this.#facts(name)) };
    if (JSON.stringify(labels) !== JSON.stringify(current.metadata?.labels ?? {})) await this.#nodes.patch(name, { metadata: { labels } }, { signal });
    await this.#nodes.patch(name, { status: hollowNodeStatus(this.#facts(name), now, current.status?.conditions) }, { subresource: 'status', type: 'strategic', signal });
    return false;
  }

  /** Renews the node's Lease, creating it if missing (`likelyMissing`: try the create first). */
  async #renewLease(name: string, signal: AbortSignal, likelyMissing = false): Promise<void> {
    const now = this.#o.clock.now();
    if (likelyMissing) {
      try {
        await this.#leases.create(hollowLease(name, this.#uids.get(name), now), { namespace: LEASE_NS, signal });
        return;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
    try {
      await this.#leases.patch(name, { spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) } }, { namespace: LEASE_NS, signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.#leases.create(hollowLease(name, this.#uids.get(name), now), { namespace: LEASE_NS, signal }).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
    }
  }

  /** Posts fresh heartbeat conditions; a Node that is gone is registered again, as the kubelet does. */
  async #postStatus(name: string, signal: AbortSignal): Promise<void> {
    const prev = this.informer.store.get(name)?.status?.conditions;
    try {
      await this.#nodes.patch(name, { status: { conditions: hollowConditions(this.#o.clock.now(), prev) } }, { subresource: 'status', type: 'strategic', signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.#o.logger.info('hollow node was deleted; registering it again', { node: name });
      await this.#renewLease(name, signal, await this.#registerOne(name, undefined, signal));
    }
  }

  /** Heartbeats until `signal` aborts (call after register). Resolves when every loop has stopped. */
  async run(signal: AbortSignal): Promise<void> {
    const queue = new WorkQueue<string>({ clock: this.#o.clock, signal });
    const names = this.#o.names;
    const handle = async (key: string) => {
      const [what, name] = key.split('/') as [string, string];
      if (what === 'lease') await this.#renewLease(name, signal);
      else await this.#postStatus(name, signal);
    };
    await Promise.all([
      this.informer.run(signal),
      spread({ count: names.length, periodMs: this.#o.leaseRenewMs, clock: this.#o.clock, fire: (i) => queue.add(`lease/${names[i] ?? ''}`) }, signal),
      spread({ count: names.length, periodMs: this.#o.statusUpdateMs, clock: this.#o.clock, fire: (i) => queue.add(`status/${names[i] ?? ''}`) }, signal),
      work({ queue, workers: this.#o.concurrency, handle, logger: this.#o.logger, what: 'hollow node heartbeat' }),
    ]);
  }

  /** Deletes the Nodes and their Leases (for deleteOnExit); runs without a signal, so it works after abort. */
  async deleteAll(): Promise<void> {
    const ignoreGone = (e: unknown) => {
      if (!isNotFound(e)) this.#o.logger.warn('deleting hollow node failed', { error: errorText(e) });
    };
    await pool(this.#o.names, this.#o.concurrency, async (name) => {
      await this.#nodes.delete(name).catch(ignoreGone);
      await this.#leases.delete(name, { namespace: LEASE_NS }).catch(ignoreGone);
    });
    this.#o.logger.info('hollow nodes deleted', { count: this.#o.names.length });
  }
}
