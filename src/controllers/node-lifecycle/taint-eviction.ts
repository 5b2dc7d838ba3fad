/**
 * Taint-based eviction (upstream's taint-eviction controller, the old NoExecuteTaintManager): a pod
 * on a node with NoExecute taints it does not tolerate is deleted at once; one whose tolerations
 * carry tolerationSeconds is deleted that long after the controller first saw it exposed; removing
 * the taint (or tolerating it forever) cancels. The deletion re-reads the pod and node from the API
 * first, so a stale cache or a cancelled-too-late timer never deletes a pod that may now stay.
 */
import { isNotFound } from '../../api/errors.js';
import type { Node, Pod, Taint, Toleration } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import type { Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import type { KubeObject } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type ControllerContext, type EventSink } from '../controller.js';
import { withKind } from '../util/owner.js';
import { withPodCondition } from './pod-conditions.js';
import { podsByNode } from './pods-by-node.js';
import { matchingTolerations, minTolerationMs, noExecuteTaints } from './tolerations.js';

/** A pending eviction. */
interface Scheduled {
  uid: string | undefined;
  /** When the controller first saw the pod exposed (ms); tolerationSeconds count from here. */
  createdAt: number;
  /** When the pod is to go (ms). */
  fireAt: number;
}

const tolerationsEqual = (a: readonly Toleration[] | undefined, b: readonly Toleration[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
const taintsEqual = (a: readonly Taint[], b: readonly Taint[]) => JSON.stringify(a) === JSON.stringify(b);
const podRef = (key: string): Pod => {
  const i = key.indexOf('/');
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: key.slice(0, i), name: key.slice(i + 1) } };
};

/** The taint eviction manager; the node lifecycle controller runs it. */
export class TaintEviction {
  readonly #ctx: ControllerContext;
  readonly #pods: Informer<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #podClient: ResourceClient<Pod>;
  readonly #nodeClient: ResourceClient<Node>;
  readonly #events: EventSink;
  readonly #podsOn: (node: string) => Pod[];
  readonly #scheduled = new Map<string, Scheduled>();
  /** Changes to look at: `node:<name>` (its NoExecute taints changed) or `pod:<ns>/<name>` (its node or tolerations changed). */
  readonly updates: WorkQueue<string>;
  /** Pod keys whose time may have come. */
  readonly due: WorkQueue<string>;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#nodes = ctx.informers.informer<Node>(resources.nodes);
    this.#podClient = clientFor<Pod>(ctx, resources.pods);
    this.#nodeClient = clientFor<Node>(ctx, resources.nodes);
    this.#events = ctx.events('taint-eviction-controller');
    this.#podsOn = podsByNode(this.#pods.store);
    this.updates = new WorkQueue<string>({ clock: ctx.clock });
    this.due = new WorkQueue<string>({ clock: ctx.clock });
    const podKey = (p: Pod) => `pod:${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
    this.#pods.addEventHandler({
      onAdd: (p) => this.updates.add(podKey(p)),
      onUpdate: (old, p) => {
        if (old.spec?.nodeName !== p.spec?.nodeName || !tolerationsEqual(old.spec?.tolerations, p.spec?.tolerations)) this.updates.add(podKey(p));
      },
      onDelete: (p) => this.updates.add(podKey(p)),
    });
    this.#nodes.addEventHandler({
      onAdd: (n) => this.updates.add(`node:${n.metadata?.name ?? ''}`),
      onUpdate: (old, n) => {
        if (!taintsEqual(noExecuteTaints(old.spec?.taints), noExecuteTaints(n.spec?.taints))) this.updates.add(`node:${n.metadata?.name ?? ''}`);
      },
      onDelete: (n) => this.updates.add(`node:${n.metadata?.name ?? ''}`),
    });
  }

  /** Processes changes and due evictions until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const common = { workers: this.#ctx.settings.workers, logger: this.#ctx.logger, signal };
    await Promise.all([
      runWorkers({ ...common, name: 'taint-eviction (updates)', queue: this.updates, reconcile: (k) => this.handleUpdate(k) }),
      runWorkers({ ...common, name: 'taint-eviction', queue: this.due, reconcile: (k) => this.evict(k) }),
    ]);
  }

  /** When the pod `ns/name` is scheduled to be deleted (ms), if it is. */
  scheduledAt(key: string): number | undefined {
    return this.#scheduled.get(key)?.fireAt;
  }

  /** Handles one `updates` key. */
  handleUpdate(key: string): Promise<void> {
    if (key.startsWith('node:')) this.#handleNode(key.slice(5));
    else if (key.startsWith('pod:')) this.#handlePod(key.slice(4));
    return Promise.resolve();
  }

  #handleNode(name: string): void {
    const node = this.#nodes.store.get(name);
    const taints = noExecuteTaints(node?.spec?.taints);
    const now = this.#ctx.clock.now();
    for (const pod of this.#podsOn(name)) {
      const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
      if (taints.length === 0) this.#cancel(key);
      else this.#process(key, pod, taints, now);
    }
  }

  #handlePod(key: string): void {
    const pod = this.#pods.store.get(key);
    if (!pod) return this.#cancel(key);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = noExecuteTaints(this.#nodes.store.get(nodeName)?.spec?.taints);
    if (taints.length === 0) return this.#cancel(key);
    this.#process(key, pod, taints, this.#ctx.clock.now());
  }

  /** Schedules, moves or cancels the eviction of one pod against its node's NoExecute taints. */
  #process(key: string, pod: Pod, taints: readonly Taint[], now: number): void {
    const { tolerated, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!tolerated) {
      // Going at once: whatever was scheduled is replaced by "now".
      this.#cancel(key);
      this.#schedule(key, { uid: pod.metadata?.uid, createdAt: now, fireAt: now });
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) return this.#cancel(key);
    const prev = this.#scheduled.get(key);
    const createdAt = prev && prev.uid === pod.metadata?.uid ? prev.createdAt : now;
    if (prev && prev.createdAt === createdAt && prev.fireAt === createdAt + min) return;
    this.#schedule(key, { uid: pod.metadata?.uid, createdAt, fireAt: createdAt + min });
  }

  #schedule(key: string, s: Scheduled): void {
    this.#scheduled.set(key, s);
    this.due.addAfter(key, s.fireAt - this.#ctx.clock.now());
  }

  #cancel(key: string): void {
    if (!this.#scheduled.delete(key)) return;
    this.#events.record(podRef(key), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /**
   * Deletes the pod `ns/name` if its time has come and, read afresh from the API, it is still on a
   * node whose NoExecute taints it does not tolerate (any longer). Marks it DisruptionTarget first.
   */
  async evict(key: string): Promise<void> {
    const s = this.#scheduled.get(key);
    if (!s) return;
    const now = this.#ctx.clock.now();
    if (s.fireAt > now) return this.due.addAfter(key, s.fireAt - now);
    const { namespace, name } = podRef(key).metadata as { namespace: string; name: string };
    const pod = await this.#get(this.#podClient, name, namespace);
    if (!pod || pod.metadata?.deletionTimestamp || (s.uid && pod.metadata?.uid !== s.uid) || !pod.spec?.nodeName) {
      this.#scheduled.delete(key);
      // A new pod under the same name gets its own decision.
      if (pod && s.uid && pod.metadata?.uid !== s.uid) this.updates.add(`pod:${key}`);
      return;
    }
    const node = await this.#get(this.#nodeClient, pod.spec.nodeName);
    const taints = noExecuteTaints(node?.spec?.taints);
    if (taints.length === 0) return this.#cancel(key);
    const { tolerated, used } = matchingTolerations(taints, pod.spec.tolerations ?? []);
    if (tolerated) {
      const min = minTolerationMs(used);
      if (min < 0) return this.#cancel(key);
      if (s.createdAt + min > now) return this.#schedule(key, { ...s, fireAt: s.createdAt + min });
    }
    const nowStr = rfc3339(now);
    const marked = withPodCondition(pod.status, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, nowStr);
    try {
      // A conflict here (the pod changed) throws: the retry reads it again and decides again.
      if (marked.changed) await this.#podClient.updateStatus({ ...pod, status: marked.status }, { namespace });
      this.#events.record(withKind(pod, resources.pods), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
      this.#ctx.logger.info('taint-eviction: deleting pod', { pod: key, node: pod.spec.nodeName });
      // The uid precondition: a pod recreated under this name meanwhile is not ours to delete (409).
      await this.#podClient.delete(name, { namespace, preconditions: { uid: pod.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.#scheduled.delete(key);
  }

  async #get<T extends KubeObject>(client: ResourceClient<T>, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await client.get(name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
