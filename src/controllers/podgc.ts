/**
 * The pod garbage collector (kube-controller-manager's pod-garbage-collector): every 20 s it
 * force-deletes (grace period 0) terminated pods beyond settings.terminatedPodGcThreshold (evicted
 * ones first, then oldest first), pods bound to nodes that no longer exist (after a 40 s quarantine
 * and a live GET of the node, so a node the cache has not seen yet is not taken for gone),
 * terminating pods that were never scheduled, and terminating pods on not-Ready nodes tainted
 * node.kubernetes.io/out-of-service. A pod not yet finished is first marked Failed (with a
 * DisruptionTarget condition for orphans), as upstream does, so Jobs see it as failed.
 */
import { isNotFound } from '../api/errors.js';
import type { Node, Pod, PodCondition, PodStatus } from '../api/generated/core/v1.js';
import { rfc3339 } from '../api/time.js';
import type { Informer } from '../client/informer.js';
import type { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import { clientFor, runPeriodically, type Controller, type ControllerContext, type ControllerDescriptor } from './controller.js';
import { withPodCondition } from './node-lifecycle/pod-conditions.js';
import { isPodTerminal } from './util/pods.js';
import { errorText } from '../util/errors.js';

/** How often the collector runs (upstream gcCheckPeriod). */
export const GC_CHECK_PERIOD_MS = 20_000;
/** How long a node must stay missing before its pods count as orphans (upstream quarantineTime). */
export const QUARANTINE_MS = 40_000;
const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

const isEvicted = (p: Pod) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted';
const created = (p: Pod) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

/** Evicted pods first, then by creation time, then by name (upstream byEvictionAndCreationTimestamp). */
export function byEvictionAndAge(a: Pod, b: Pod): number {
  if (isEvicted(a) !== isEvicted(b)) return isEvicted(a) ? -1 : 1;
  if (created(a) !== created(b)) return created(a) - created(b);
  const [na, nb] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const isNodeReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** See the module comment. */
export class PodGcController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #pods: Informer<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #client: ResourceClient<Pod>;
  readonly #nodeClient: ResourceClient<Node>;
  /** Node names pods are bound to but the cache lacks → when (ms) they may be checked for good. */
  readonly #quarantine = new Map<string, number>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#nodes = ctx.informers.informer<Node>(resources.nodes);
    this.#client = clientFor<Pod>(ctx, resources.pods);
    this.#nodeClient = clientFor<Node>(ctx, resources.nodes);
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.#pods.waitForSync(signal), this.#nodes.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    await runPeriodically(this.#ctx, { what: 'podgc: pass', periodMs: GC_CHECK_PERIOD_MS, signal }, () => this.gc());
  }

  /** One collection pass over the cached pods and nodes. */
  async gc(): Promise<void> {
    const pods = this.#pods.store.list();
    const nodes = this.#nodes.store.list();
    if (this.#ctx.settings.terminatedPodGcThreshold > 0) await this.#gcTerminated(pods);
    await this.#gcOutOfService(pods);
    await this.#gcOrphaned(pods, nodes);
    await this.#gcUnscheduledTerminating(pods);
  }

  async #gcTerminated(pods: readonly Pod[]): Promise<void> {
    const terminated = pods.filter(isPodTerminal);
    const excess = terminated.length - this.#ctx.settings.terminatedPodGcThreshold;
    if (excess <= 0) return;
    this.#ctx.logger.info('podgc: garbage collecting terminated pods', { count: excess });
    await this.#deleteAll(terminated.sort(byEvictionAndAge).slice(0, excess));
  }

  async #gcOutOfService(pods: readonly Pod[]): Promise<void> {
    const victims = pods.filter((p) => {
      if (!p.metadata?.deletionTimestamp || !p.spec?.nodeName) return false;
      const node = this.#nodes.store.get(p.spec.nodeName);
      return node !== undefined && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);
    });
    await this.#deleteAll(victims.sort(byEvictionAndAge));
  }

  async #gcOrphaned(pods: readonly Pod[], nodes: readonly Node[]): Promise<void> {
    const now = this.#ctx.clock.now();
    const existing = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const p of pods) {
      const n = p.spec?.nodeName;
      if (n && !existing.has(n) && !this.#quarantine.has(n)) this.#quarantine.set(n, now + QUARANTINE_MS);
    }
    const gone = new Set<string>();
    for (const [name, at] of [...this.#quarantine]) {
      if (at > now) continue;
      this.#quarantine.delete(name);
      if (existing.has(name)) continue;
      // The cache may lag behind a node just created: ask the API server.
      try {
        await this.#nodeClient.get(name);
      } catch (e) {
        if (isNotFound(e)) gone.add(name);
        else this.#ctx.logger.warn('podgc: checking node failed', { node: name, error: errorText(e) });
      }
    }
    if (gone.size === 0) return;
    const orphans = pods.filter((p) => gone.has(p.spec?.nodeName ?? ''));
    await this.#deleteAll(orphans, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  }

  async #gcUnscheduledTerminating(pods: readonly Pod[]): Promise<void> {
    await this.#deleteAll(pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName));
  }

  /** Force-deletes pods, a few at a time; a failure is logged and left for the next pass. */
  async #deleteAll(pods: readonly Pod[], condition?: PodCondition): Promise<void> {
    const queue = [...pods];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        try {
          await this.#markFailedAndDelete(p, condition);
        } catch (e) {
          this.#ctx.logger.warn('podgc: deleting pod failed', { pod: `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`, error: errorText(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#ctx.settings.workers) }, worker));
  }

  async #markFailedAndDelete(pod: Pod, condition: PodCondition | undefined): Promise<void> {
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name ?? '';
    this.#ctx.logger.info('podgc: force deleting pod', { pod: `${namespace ?? ''}/${name}` });
    try {
      if (!isPodTerminal(pod)) {
        // No kubelet will ever finish this pod: mark it Failed so owners (Jobs) count it as such.
        let status: PodStatus = { ...pod.status, phase: 'Failed' };
        if (condition) status = withPodCondition(status, condition, rfc3339(this.#ctx.clock.now())).status;
        await this.#client.updateStatus({ ...pod, status }, { namespace });
      }
      await this.#client.delete(name, { namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** The pod-garbage-collector controller's descriptor. */
export const podGcController: ControllerDescriptor = { name: 'pod-garbage-collector', create: (ctx) => new PodGcController(ctx) };
