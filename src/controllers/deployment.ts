/**
 * The Deployment controller (upstream pkg/controller/deployment): each sync claims the
 * namespace's matching ReplicaSets, then either only scales (paused, or spec.replicas changed) or
 * takes one rollout step of the Deployment's strategy (deployment/rolling.ts, recreate.ts), and
 * writes the status `kubectl rollout status` reads. ReplicaSet events map to their Deployment
 * (orphans to every selecting Deployment); a deleted pod wakes a Recreate rollout waiting for it.
 */
import type { Deployment, ReplicaSet } from '../api/generated/apps/v1.js';
import type { Pod } from '../api/generated/core/v1.js';
import { labelSelectorFromSpec, type LabelSelector } from '../api/selectors.js';
import type { EventHandler, Informer } from '../client/informer.js';
import type { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import { objectKey } from '../client/store.js';
import { WorkQueue } from '../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from './controller.js';
import { isRollingUpdate } from './deployment/fenceposts.js';
import { cleanupDeployment } from './deployment/history.js';
import { rolloutRecreate } from './deployment/recreate.js';
import { rolloutRolling } from './deployment/rolling.js';
import { isScalingEvent, scale } from './deployment/scale.js';
import { DeploymentSync, type SyncDeps } from './deployment/sync.js';
import { claimObjects, controllerOf, withKind } from './util/owner.js';

type Ref = ReturnType<typeof controllerOf>;

/** The Deployment controller. `reconcile` is public for tests. */
export class DeploymentController implements Controller {
  readonly queue: WorkQueue<string>;
  /** ReplicaSet event handler (tests call it to simulate watch events). */
  readonly rsHandler: EventHandler<ReplicaSet>;
  /** Pod event handler. */
  readonly podHandler: EventHandler<Pod>;
  readonly #deployments: Informer<Deployment>;
  readonly #replicaSets: Informer<ReplicaSet>;
  readonly #pods: Informer<Pod>;
  readonly #dClient: ResourceClient<Deployment>;
  readonly #rsClient: ResourceClient<ReplicaSet>;
  readonly #events: EventSink;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#deployments = ctx.informers.informer<Deployment>(resources.deployments);
    this.#replicaSets = ctx.informers.informer<ReplicaSet>(resources.replicasets);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#dClient = clientFor<Deployment>(ctx, resources.deployments);
    this.#rsClient = clientFor<ReplicaSet>(ctx, resources.replicasets);
    this.#events = ctx.events('deployment-controller');
    this.#deployments.addEventHandler({ onAdd: (d) => this.#enqueue(d), onUpdate: (_o, d) => this.#enqueue(d), onDelete: (d) => this.#enqueue(d) });
    this.rsHandler = {
      onAdd: (rs) => this.#rsChanged(undefined, rs),
      onUpdate: (old, rs) => this.#rsChanged(old, rs),
      onDelete: (rs) => this.#enqueue(this.#resolve(rs.metadata?.namespace ?? '', controllerOf(rs))),
    };
    this.podHandler = { onDelete: (p) => this.#podDeleted(p) };
    this.#replicaSets.addEventHandler(this.rsHandler);
    this.#pods.addEventHandler(this.podHandler);
  }

  run(signal: AbortSignal): Promise<void> {
    return runWorkers({
      name: 'deployment',
      queue: this.queue,
      workers: this.ctx.settings.workers,
      reconcile: (key) => this.reconcile(key),
      logger: this.ctx.logger,
      waitFor: [this.#deployments, this.#replicaSets, this.#pods],
      signal,
    });
  }

  #enqueue(d: Deployment | undefined): void {
    if (d) this.queue.add(objectKey(d));
  }

  #resolve(namespace: string, ref: Ref): Deployment | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.#deployments.store.getByName(namespace, ref.name);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  #selecting(rs: ReplicaSet): Deployment[] {
    const labels = rs.metadata?.labels ?? {};
    return this.#deployments.store.listByNamespace(rs.metadata?.namespace ?? '').filter((d) => {
      const sel = labelSelectorFromSpec(d.spec?.selector);
      return sel.ok && !sel.value.isEmpty() && sel.value.matches(labels);
    });
  }

  #rsChanged(old: ReplicaSet | undefined, rs: ReplicaSet): void {
    const ns = rs.metadata?.namespace ?? '';
    if (old && old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
    const ref = controllerOf(rs);
    const oldRef = old ? controllerOf(old) : undefined;
    if (old && oldRef && oldRef.uid !== ref?.uid) this.#enqueue(this.#resolve(ns, oldRef));
    if (ref) return this.#enqueue(this.#resolve(ns, ref));
    // An orphan: every Deployment that selects it may want to adopt it.
    if (!old || oldRef || JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(rs.metadata?.labels ?? {})) for (const d of this.#selecting(rs)) this.#enqueue(d);
  }

  #podDeleted(p: Pod): void {
    const ns = p.metadata?.namespace ?? '';
    const ref = controllerOf(p);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.#replicaSets.store.getByName(ns, ref.name);
    if (rs?.metadata?.uid !== ref.uid) return;
    const d = this.#resolve(ns, controllerOf(rs));
    // Only a Recreate rollout waits for old pods to be gone.
    if (d && !isRollingUpdate(d)) this.#enqueue(d);
  }

  #deps(key: string): SyncDeps {
    return { rsClient: this.#rsClient, dClient: this.#dClient, events: this.#events, clock: this.ctx.clock, logger: this.ctx.logger, requeueAfter: (ms) => this.queue.addAfter(key, ms) };
  }

  /** The pods of each of the Deployment's ReplicaSets, by ReplicaSet uid. */
  #podsByRS(d: Deployment, selector: LabelSelector, rsList: readonly ReplicaSet[]): Map<string, Pod[]> {
    const out = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata?.uid ?? '', []]));
    for (const p of this.#pods.store.listByNamespace(d.metadata?.namespace ?? '')) {
      if (!selector.matches(p.metadata?.labels ?? {})) continue;
      out.get(controllerOf(p)?.uid ?? '\0')?.push(p);
    }
    return out;
  }

  /** Syncs one Deployment (`namespace/name`); throws to retry with backoff. */
  async reconcile(key: string): Promise<void> {
    const d = this.#deployments.store.get(key);
    if (!d) return;
    const sel = labelSelectorFromSpec(d.spec?.selector);
    if (!sel.ok) {
      this.ctx.logger.warn('deployment: invalid selector; not syncing', { key, error: sel.error });
      return;
    }
    if (sel.value.isEmpty()) {
      this.#events.record(withKind(d, resources.deployments), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      const generation = d.metadata?.generation ?? 0;
      if ((d.status?.observedGeneration ?? 0) < generation) await this.#dClient.updateStatus({ ...d, status: { ...d.status, observedGeneration: generation } });
      return;
    }
    const rsList = await claimObjects<ReplicaSet>({
      owner: d,
      ownerResource: resources.deployments,
      selector: sel.value,
      candidates: this.#replicaSets.store.listByNamespace(d.metadata?.namespace ?? ''),
      client: this.#rsClient,
      ownerClient: this.#dClient,
    });
    const s = new DeploymentSync(this.#deps(key), d, rsList);
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
      return s.syncDeploymentStatus([...oldRSs, newRS], newRS);
    }
    await s.checkPausedConditions();
    if (s.d.spec?.paused || (await isScalingEvent(s))) return this.#syncScaling(s);
    if (!isRollingUpdate(s.d)) return rolloutRecreate(s, this.#podsByRS(d, sel.value, s.rsList));
    return rolloutRolling(s);
  }

  /** Paused or scaled: resize without rolling, trim history while paused, write the counts. */
  async #syncScaling(s: DeploymentSync): Promise<void> {
    const sets = await s.getAllReplicaSetsAndSyncRevision(false);
    await scale(s, sets);
    const oldRSs = sets.oldRSs.map((rs) => s.latest(rs));
    if (s.d.spec?.paused) await cleanupDeployment(s, oldRSs);
    await s.syncDeploymentStatus([...oldRSs, sets.newRS], sets.newRS);
  }
}

/** kube-controller-manager's `deployment` controller. */
export const deploymentController: ControllerDescriptor = { name: 'deployment', create: (ctx) => new DeploymentController(ctx) };
