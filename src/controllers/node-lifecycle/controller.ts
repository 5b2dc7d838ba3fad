/**
 * The node lifecycle controller (kube-controller-manager's node-lifecycle): every 5 s it checks
 * each node's heartbeats (Lease renewals and Ready condition heartbeats); a node silent for longer
 * than the grace period gets its conditions set to Unknown, the node.kubernetes.io/unreachable
 * (Unknown) or not-ready (False) NoExecute taint, and its pods marked NotReady. On every node change
 * it keeps TaintNodesByCondition's NoSchedule taints in line with the conditions and
 * spec.unschedulable. It runs the taint-eviction manager, which deletes pods from NoExecute-tainted
 * nodes. Zone-aware rate limiting and the "full disruption" mode of upstream are not done: taints
 * go on as soon as a node is seen unhealthy.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import type { Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runPeriodically, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { withKind } from '../util/owner.js';
import { afterWrite, assessNodeHealth, type Assessment, type NodeHealth } from './health.js';
import { withPodCondition } from './pod-conditions.js';
import { podsByNode } from './pods-by-node.js';
import { TaintEviction } from './taint-eviction.js';
import { conditionTaints, managedNoScheduleTaints, notReadyNoExecute, taintDiff, unreachableNoExecute, updateNodeTaints } from './taints.js';
import { errorText } from '../../util/errors.js';

/** How often node health is checked (--node-monitor-period). */
export const NODE_MONITOR_PERIOD_MS = 5_000;
/** The grace of a node that never posted a Ready condition (--node-startup-grace-period). */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const STATUS_WRITE_TRIES = 3;


/** See the module comment. */
export class NodeLifecycleController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #nodes: Informer<Node>;
  readonly #leases: Informer<Lease>;
  readonly #pods: Informer<Pod>;
  readonly #nodeClient: ResourceClient<Node>;
  readonly #podClient: ResourceClient<Pod>;
  readonly #events: EventSink;
  readonly #podsOn: (node: string) => Pod[];
  /** Per node: the last sign of life, on this controller's clock. */
  readonly #health = new Map<string, NodeHealth>();
  /** Nodes seen by the monitor (for RegisteredNode / RemovingNode). */
  readonly #known = new Map<string, Node>();
  /** Nodes whose pods could not all be marked NotReady: tried again next pass. */
  readonly #retry = new Set<string>();
  /** Node names whose NoSchedule taints to reconcile. */
  readonly nodeQueue: WorkQueue<string>;
  /** Pods just bound to a node (ns/name), to mark NotReady if that node is not Ready. */
  readonly podQueue: WorkQueue<string>;
  readonly taintEviction: TaintEviction;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#nodes = ctx.informers.informer<Node>(resources.nodes);
    this.#leases = ctx.informers.informer<Lease>(resources.leases);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#nodeClient = clientFor<Node>(ctx, resources.nodes);
    this.#podClient = clientFor<Pod>(ctx, resources.pods);
    this.#events = ctx.events('node-controller');
    this.#podsOn = podsByNode(this.#pods.store);
    this.nodeQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.podQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.taintEviction = new TaintEviction(ctx);
    const nodeName = (n: Node) => n.metadata?.name ?? '';
    this.#nodes.addEventHandler({ onAdd: (n) => this.nodeQueue.add(nodeName(n)), onUpdate: (_o, n) => this.nodeQueue.add(nodeName(n)) });
    const podKey = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
    this.#pods.addEventHandler({
      onAdd: (p) => (p.spec?.nodeName ? this.podQueue.add(podKey(p)) : undefined),
      onUpdate: (old, p) => (p.spec?.nodeName && p.spec.nodeName !== old.spec?.nodeName ? this.podQueue.add(podKey(p)) : undefined),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.#nodes, this.#leases, this.#pods].map((i) => i.waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    const common = { workers: this.#ctx.settings.workers, logger: this.#ctx.logger, signal };
    await Promise.all([
      runPeriodically(this.#ctx, { what: 'node-lifecycle: monitoring node health', periodMs: NODE_MONITOR_PERIOD_MS, signal }, () => this.monitorNodeHealth()),
      runWorkers({ ...common, name: 'node-lifecycle (taints)', queue: this.nodeQueue, reconcile: (n) => this.reconcileNoScheduleTaints(n) }),
      runWorkers({ ...common, name: 'node-lifecycle (pods)', queue: this.podQueue, reconcile: (k) => this.reconcilePod(k) }),
      this.taintEviction.run(signal),
    ]);
  }

  /** One monitor pass over every cached node (upstream monitorNodeHealth). */
  async monitorNodeHealth(): Promise<void> {
    const nodes = this.#nodes.store.list();
    const seen = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const n of nodes) {
      const name = n.metadata?.name ?? '';
      if (this.#known.has(name)) continue;
      this.#known.set(name, n);
      this.#events.record(withKind(n, resources.nodes), 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
    }
    for (const [name, n] of this.#known) {
      if (seen.has(name)) continue;
      this.#known.delete(name);
      this.#health.delete(name);
      this.#retry.delete(name);
      this.#events.record(withKind(n, resources.nodes), 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
    }
    // Bounded concurrency: marking pods NotReady is one write per pod.
    const queue = [...nodes];
    const worker = async () => {
      for (let n = queue.shift(); n; n = queue.shift()) {
        try {
          await this.#monitorNode(n);
        } catch (e) {
          this.#ctx.logger.warn('node-lifecycle: node health update failed', { node: n.metadata?.name, error: errorText(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#ctx.settings.workers) }, worker));
  }

  async #monitorNode(cached: Node): Promise<void> {
    const name = cached.metadata?.name ?? '';
    const lease = this.#leases.store.getByName(NODE_LEASE_NAMESPACE, name);
    const saved = this.#health.get(name);
    let node = cached;
    let a: Assessment;
    for (let attempt = 1; ; attempt++) {
      const now = this.#ctx.clock.now();
      a = assessNodeHealth({ node, lease, saved, now, gracePeriodMs: this.#ctx.settings.nodeMonitorGracePeriodMs, startupGracePeriodMs: NODE_STARTUP_GRACE_PERIOD_MS });
      this.#health.set(name, a.health);
      if (!a.conditions) break;
      try {
        node = await this.#nodeClient.patch(name, { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions: a.conditions } }, { subresource: 'status' });
        this.#health.set(name, afterWrite(a, now));
        this.#ctx.logger.info('node-lifecycle: node stopped posting status', { node: name, ready: a.currentReady?.status });
        break;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= STATUS_WRITE_TRIES) throw e;
      }
      try {
        node = await this.#nodeClient.get(name);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    }
    const current = a.currentReady;
    if (!current) return;
    await this.#syncNoExecuteTaint(node, current.status);
    const becameNotReady = current.status !== 'True' && a.observedReady.status === 'True';
    if (becameNotReady) this.#events.record(withKind(node, resources.nodes), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (becameNotReady || (this.#retry.has(name) && a.observedReady.status !== 'True')) {
      try {
        await this.#markPodsNotReady(this.#podsOn(name), name);
      } catch (e) {
        this.#retry.add(name);
        throw e;
      }
    }
    this.#retry.delete(name);
  }

  /** The NoExecute taint follows Ready: False → not-ready, Unknown → unreachable, True → neither. */
  async #syncNoExecuteTaint(node: Node, ready: string): Promise<void> {
    const now = rfc3339(this.#ctx.clock.now());
    if (ready === 'False') await updateNodeTaints(this.#nodeClient, node, [notReadyNoExecute], [unreachableNoExecute], now);
    else if (ready === 'Unknown') await updateNodeTaints(this.#nodeClient, node, [unreachableNoExecute], [notReadyNoExecute], now);
    else if (ready === 'True') await updateNodeTaints(this.#nodeClient, node, [], [unreachableNoExecute, notReadyNoExecute], now);
  }

  /** Sets the Ready condition of the node's pods to False (upstream MarkPodsNotReady). */
  async #markPodsNotReady(pods: readonly Pod[], nodeName: string): Promise<void> {
    let failure: Error | undefined;
    const now = rfc3339(this.#ctx.clock.now());
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready) continue;
      const next = withPodCondition(pod.status, { ...ready, status: 'False' }, now);
      if (!next.changed) continue;
      try {
        await this.#podClient.updateStatus({ ...pod, status: next.status }, { namespace: pod.metadata?.namespace });
        this.#events.record(withKind(pod, resources.pods), 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!isNotFound(e)) failure ??= e instanceof Error ? e : new Error(String(e));
      }
    }
    if (failure) throw failure;
  }

  /** Keeps the node's condition NoSchedule taints (and the unschedulable one) as its state says. */
  async reconcileNoScheduleTaints(name: string): Promise<void> {
    const node = this.#nodes.store.get(name);
    if (!node) return;
    const { add, remove } = taintDiff(conditionTaints(node), managedNoScheduleTaints(node));
    if (add.length === 0 && remove.length === 0) return;
    await updateNodeTaints(this.#nodeClient, node, add, remove, rfc3339(this.#ctx.clock.now()));
  }

  /** A pod bound to a node this controller sees as not Ready is marked NotReady (upstream processPod). */
  async reconcilePod(key: string): Promise<void> {
    const pod = this.#pods.store.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const ready = this.#health.get(nodeName)?.ready;
    if (!ready || !this.#nodes.store.has(nodeName)) return;
    if (ready.status !== 'True') await this.#markPodsNotReady([pod], nodeName);
  }
}

/** The node-lifecycle controller's descriptor. */
export const nodeLifecycleController: ControllerDescriptor = { name: 'node-lifecycle', create: (ctx) => new NodeLifecycleController(ctx) };
