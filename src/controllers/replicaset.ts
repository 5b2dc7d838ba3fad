/**
 * The ReplicaSet and ReplicationController controllers (upstream pkg/controller/replicaset): one
 * implementation for both kinds (see replicaset/kinds.ts). Each sync claims the namespace's
 * matching pods (adopting orphans, releasing pods that stopped matching), creates or deletes pods
 * toward spec.replicas unless earlier writes are still unobserved (expectations), and writes the
 * status. Pod events map a pod to its controller, or an orphan to every owner that selects it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pod } from '../api/generated/core/v1.js';
import type { EventHandler, Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import type { ResourceClient } from '../client/resource.js';
import { objectKey, splitKey } from '../client/store.js';
import { WorkQueue } from '../client/workqueue.js';
import type { Logger } from '../util/log.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from './controller.js';
import { desiredReplicas, minReadySeconds, replicaSetKind, replicationControllerKind, type ReplicaKind, type ReplicaOwner } from './replicaset/kinds.js';
import { manageReplicas, type ManageResult } from './replicaset/manage.js';
import { calculateStatus, nextAvailableIn, updateStatus } from './replicaset/status.js';
import { Expectations } from './util/expectations.js';
import { claimObjects, controllerOf } from './util/owner.js';
import { isPodActive, isPodReady, podKey } from './util/pods.js';

/** The controller of one replica kind. `reconcile` is public for tests. */
export class ReplicaController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly expectations: Expectations;
  /** The pod event handler (registered on the pod informer; tests call it to simulate watch events). */
  readonly podHandler: EventHandler<Pod>;
  /** The owner event handler. */
  readonly ownerHandler: EventHandler<ReplicaOwner>;
  readonly #owners: Informer<ReplicaOwner>;
  readonly #pods: Informer<Pod>;
  readonly #ownerClient: ResourceClient<ReplicaOwner>;
  readonly #podClient: ResourceClient<Pod>;
  readonly #events: EventSink;
  readonly #log: Logger;

  constructor(
    private readonly ctx: ControllerContext,
    readonly kind: ReplicaKind,
  ) {
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.expectations = new Expectations(ctx.clock);
    this.#owners = ctx.informers.informer<ReplicaOwner>(kind.resource);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#ownerClient = clientFor<ReplicaOwner>(ctx, kind.resource);
    this.#podClient = clientFor<Pod>(ctx, resources.pods);
    this.#events = ctx.events(kind.component);
    this.#log = ctx.logger;
    this.ownerHandler = {
      onAdd: (o) => this.#enqueue(o),
      onUpdate: (_old, cur) => this.#enqueue(cur),
      onDelete: (o) => {
        this.expectations.delete(objectKey(o));
        this.#enqueue(o);
      },
    };
    this.podHandler = {
      onAdd: (p) => this.#podAdded(p),
      onUpdate: (old, cur) => this.#podUpdated(old, cur),
      onDelete: (p) => this.#podDeleted(p),
    };
    this.#owners.addEventHandler(this.ownerHandler);
    this.#pods.addEventHandler(this.podHandler);
  }

  run(signal: AbortSignal): Promise<void> {
    return runWorkers({
      name: this.kind.name,
      queue: this.queue,
      workers: this.ctx.settings.workers,
      reconcile: (key) => this.reconcile(key),
      logger: this.#log,
      waitFor: [this.#owners, this.#pods],
      signal,
    });
  }

  #enqueue(o: ReplicaOwner): void {
    this.queue.add(objectKey(o));
  }

  /** The owner a controller reference points at, if it is of this kind and the same uid. */
  #resolve(namespace: string, ref: ReturnType<typeof controllerOf>): ReplicaOwner | undefined {
    if (!ref || ref.kind !== this.kind.resource.kind) return undefined;
    const o = this.#owners.store.getByName(namespace, ref.name);
    return o?.metadata?.uid === ref.uid ? o : undefined;
  }

  /** Every owner in the pod's namespace whose selector matches it (for orphans). */
  #ownersSelecting(p: Pod): ReplicaOwner[] {
    const labels = p.metadata?.labels ?? {};
    return this.#owners.store.listByNamespace(p.metadata?.namespace ?? '').filter((o) => {
      const sel = this.kind.selector(o);
      return sel.ok && sel.value.matches(labels);
    });
  }

  #podAdded(p: Pod): void {
    // A pod already being deleted when first seen (e.g. after a restart) is no creation to count.
    if (p.metadata?.deletionTimestamp) return this.#podDeleted(p);
    const ref = controllerOf(p);
    if (ref) {
      const o = this.#resolve(p.metadata?.namespace ?? '', ref);
      if (!o) return;
      this.expectations.creationObserved(objectKey(o));
      return this.#enqueue(o);
    }
    for (const o of this.#ownersSelecting(p)) this.#enqueue(o);
  }

  #podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelsChanged = !isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {});
    if (cur.metadata?.deletionTimestamp) {
      // Graceful deletion: replace the pod now rather than when the kubelet finally removes it.
      this.#podDeleted(cur);
      if (labelsChanged) this.#podDeleted(old);
      return;
    }
    const ns = cur.metadata?.namespace ?? '';
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = !isDeepStrictEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const o = this.#resolve(ns, oldRef);
      if (o) this.#enqueue(o);
    }
    if (curRef) {
      const o = this.#resolve(ns, curRef);
      if (!o) return;
      this.#enqueue(o);
      // Availability is a matter of time: look again once minReadySeconds have passed.
      const minReady = minReadySeconds(o);
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(objectKey(o), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const o of this.#ownersSelecting(cur)) this.#enqueue(o);
  }

  #podDeleted(p: Pod): void {
    const o = this.#resolve(p.metadata?.namespace ?? '', controllerOf(p));
    if (!o) return;
    const key = objectKey(o);
    this.expectations.deletionObserved(key, podKey(p));
    this.#enqueue(o);
  }

  /** Syncs one owner (`namespace/name`); throws to retry with backoff. */
  async reconcile(key: string): Promise<void> {
    const owner = this.#owners.store.get(key);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selector(owner);
    if (!selector.ok) {
      this.#log.warn(`${this.kind.name}: invalid selector; not syncing`, { key, error: selector.error });
      return;
    }
    const { namespace } = splitKey(key);
    const nsPods = this.#pods.store.listByNamespace(namespace);
    const pods = await claimObjects<Pod>({
      owner,
      ownerResource: this.kind.resource,
      selector: selector.value,
      candidates: nsPods.filter(isPodActive),
      client: this.#podClient,
      ownerClient: this.#ownerClient,
    });
    let manage: ManageResult | undefined;
    // Pods that the selector would not claim back would be created again on every sync (the API
    // validates this; the check keeps a bad object from flooding the namespace all the same).
    const selectsOwnPods = selector.value.matches(owner.spec?.template?.metadata?.labels ?? {});
    if (!selectsOwnPods) this.#log.warn(`${this.kind.name}: selector does not match the template's labels; not creating pods`, { key });
    if (needsSync && selectsOwnPods && !owner.metadata?.deletionTimestamp) {
      manage = await manageReplicas({
        kind: this.kind,
        owner,
        key,
        pods,
        related: pods.length > desiredReplicas(owner) ? this.#relatedPods(owner, nsPods, pods) : pods,
        client: this.#podClient,
        events: this.#events,
        expectations: this.expectations,
      });
    }
    const now = this.ctx.clock.now();
    await updateStatus(this.#ownerClient, owner, calculateStatus({ owner, pods, manage, now }));
    if (manage?.error) throw manage.error;
    const wait = nextAvailableIn(pods, minReadySeconds(owner), now);
    if (wait !== undefined) this.queue.addAfter(key, wait);
  }

  /** Active pods of every owner that shares this owner's controller (a Deployment's ReplicaSets), for scale-down ranking. */
  #relatedPods(owner: ReplicaOwner, nsPods: readonly Pod[], own: readonly Pod[]): readonly Pod[] {
    const parent = controllerOf(owner)?.uid;
    if (!parent) return own;
    const siblings = new Set(
      this.#owners.store
        .listByNamespace(owner.metadata?.namespace ?? '')
        .filter((o) => controllerOf(o)?.uid === parent)
        .map((o) => o.metadata?.uid),
    );
    return nsPods.filter((p) => isPodActive(p) && siblings.has(controllerOf(p)?.uid));
  }
}

/** kube-controller-manager's `replicaset` controller. */
export const replicaSetController: ControllerDescriptor = { name: 'replicaset', create: (ctx) => new ReplicaController(ctx, replicaSetKind) };

/** kube-controller-manager's `replicationcontroller` controller. */
export const replicationControllerController: ControllerDescriptor = { name: 'replicationcontroller', create: (ctx) => new ReplicaController(ctx, replicationControllerKind) };
