/**
 * The node IPAM controller (kube-controller-manager's node-ipam, range allocator): gives every node
 * without one a spec.podCIDR (and spec.podCIDRs) cut from settings.clusterCidr in
 * /settings.nodeCidrMaskSize blocks. At start it marks every block existing nodes hold (and the
 * service range, where it overlaps) before handing any out, so no block is given twice, across
 * restarts too; a deleted node's block is freed. Only spec.podCIDR(s) is written, guarded by the
 * node's resourceVersion: the API server lets a podCIDR be set once, never changed. A
 * comma-separated clusterCidr is dual-stack (one IPv4 and one IPv6 range; IPv6 blocks are /64
 * then, as upstream's default).
 */
import { isConflict, isNotFound } from '../api/errors.js';
import type { Node } from '../api/generated/core/v1.js';
import type { Informer } from '../client/informer.js';
import type { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';
import { CidrSet, parseCidr } from './cidr-set.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from './controller.js';
import { withKind } from './util/owner.js';

/** The prefix length of IPv6 node blocks in a dual-stack cluster (--node-cidr-mask-size-ipv6). */
const IPV6_DUAL_STACK_MASK = 64;

/** A node's pod CIDRs: spec.podCIDRs, else spec.podCIDR. */
export function nodePodCidrs(node: Node): string[] {
  const list = node.spec?.podCIDRs ?? [];
  if (list.length > 0) return [...list];
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

/** The CIDR sets of `clusterCidr` (one per family), with the service range taken out. Throws on a bad configuration. */
export function cidrSetsFor(clusterCidr: string, nodeCidrMaskSize: number, serviceCidr: string): CidrSet[] {
  const ranges = clusterCidr.split(',').map((c) => c.trim()).filter(Boolean);
  if (ranges.length === 0 || ranges.length > 2) throw new Error(`cluster CIDR "${clusterCidr}": give one range, or one IPv4 and one IPv6 range`);
  const sets = ranges.map((r) => {
    const mask = ranges.length === 1 || parseCidr(r).bits === 32 ? nodeCidrMaskSize : IPV6_DUAL_STACK_MASK;
    return new CidrSet(r, mask);
  });
  if (sets.length === 2 && sets[0]?.bits === sets[1]?.bits) throw new Error(`cluster CIDR "${clusterCidr}": a dual-stack cluster needs one IPv4 and one IPv6 range`);
  // Pods must not get addresses from the service range (upstream filterOutServiceRange).
  for (const svc of serviceCidr.split(',').map((c) => c.trim()).filter(Boolean)) for (const s of sets) s.occupy(svc);
  return sets;
}

/** See the module comment. */
export class NodeIpamController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #nodes: Informer<Node>;
  readonly #client: ResourceClient<Node>;
  readonly #events: EventSink;
  readonly #sets: CidrSet[];
  /** CIDRs written to nodes whose update the cache has not shown yet (by node name). */
  readonly #pending = new Map<string, { uid: string | undefined; cidrs: string[] }>();
  readonly queue: WorkQueue<string>;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#nodes = ctx.informers.informer<Node>(resources.nodes);
    this.#client = clientFor<Node>(ctx, resources.nodes);
    this.#events = ctx.events('cidrAllocator');
    this.#sets = cidrSetsFor(ctx.settings.clusterCidr, ctx.settings.nodeCidrMaskSize, ctx.settings.serviceCidr);
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    const name = (n: Node) => n.metadata?.name ?? '';
    this.#nodes.addEventHandler({
      onAdd: (n) => this.queue.add(name(n)),
      onUpdate: (_o, n) => this.queue.add(name(n)),
      onDelete: (n) => this.release(n),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.#nodes.waitForSync(signal))) return;
    this.rebuild();
    await runWorkers({ name: 'node-ipam', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (n) => this.reconcile(n), logger: this.#ctx.logger, signal });
  }

  /** Marks every block the cached nodes hold as taken. Call once the node cache has synced, before any reconcile. */
  rebuild(): void {
    for (const node of this.#nodes.store.list()) this.#occupy(node);
  }

  /** How many blocks are taken, per cluster range (for tests and logs). */
  allocated(): number[] {
    return this.#sets.map((s) => s.allocated);
  }

  #occupy(node: Node): void {
    for (const cidr of nodePodCidrs(node)) {
      if (!this.#sets.some((s) => s.occupy(cidr))) {
        this.#ctx.logger.warn('node-ipam: node podCIDR is outside the cluster CIDR', { node: node.metadata?.name, podCIDR: cidr, clusterCidr: this.#ctx.settings.clusterCidr });
      }
    }
  }

  /** Frees the blocks of a deleted node, and lets nodes waiting for a block try again. */
  release(node: Node): void {
    const name = node.metadata?.name ?? '';
    const pending = this.#pending.get(name);
    this.#pending.delete(name);
    const cidrs = new Set([...nodePodCidrs(node), ...(pending && pending.uid === node.metadata?.uid ? pending.cidrs : [])]);
    for (const cidr of cidrs) for (const s of this.#sets) s.release(cidr);
    for (const n of this.#nodes.store.list()) if (nodePodCidrs(n).length === 0) this.queue.add(n.metadata?.name ?? '');
  }

  /** Gives the node a pod CIDR if it has none; marks its CIDRs taken if it has. */
  async reconcile(name: string): Promise<void> {
    const node = this.#nodes.store.get(name);
    if (!node) return;
    if (nodePodCidrs(node).length > 0) {
      this.#pending.delete(name);
      this.#occupy(node);
      return;
    }
    // Written already; the cache has not caught up.
    if (this.#pending.get(name)?.uid === node.metadata?.uid) return;
    const cidrs: string[] = [];
    for (const s of this.#sets) {
      const c = s.allocateNext();
      if (!c) {
        this.#free(cidrs);
        this.#events.record(withKind(node, resources.nodes), 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        throw new Error(`no pod CIDR left in ${s.cidr} for node ${name}`);
      }
      cidrs.push(c);
    }
    try {
      // The resourceVersion guard: a node recreated (or given a CIDR) meanwhile is a conflict, not a second block.
      await this.#client.patch(name, { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { podCIDR: cidrs[0], podCIDRs: cidrs } });
    } catch (e) {
      this.#free(cidrs);
      if (isNotFound(e)) return;
      if (!isConflict(e)) this.#events.record(withKind(node, resources.nodes), 'Normal', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
      throw e;
    }
    this.#pending.set(name, { uid: node.metadata?.uid, cidrs });
    this.#ctx.logger.info('node-ipam: set node podCIDR', { node: name, podCIDRs: cidrs.join(',') });
  }

  #free(cidrs: readonly string[]): void {
    for (const c of cidrs) for (const s of this.#sets) s.release(c);
  }
}

/** The node-ipam controller's descriptor. */
export const nodeIpamController: ControllerDescriptor = { name: 'node-ipam', create: (ctx) => new NodeIpamController(ctx) };
