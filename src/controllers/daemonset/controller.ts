/**
 * The DaemonSet controller (upstream pkg/controller/daemon): informers on DaemonSets, pods, nodes
 * and ControllerRevisions feed one queue of DaemonSets. A sync claims the DaemonSet's revisions and
 * pods, makes sure the current template has its revision, and — once earlier creations and
 * deletions have been seen — runs one daemon pod per eligible node (./manage.ts), rolls pods to
 * the current template (./rolling.ts, RollingUpdate; OnDelete leaves that to the user), prunes old
 * revisions and writes status (./status.ts).
 */
import type { ControllerRevision, DaemonSet } from '../../api/generated/apps/v1.js';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { labelSelectorFromSpec } from '../../api/selectors.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { objectKey, splitKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { Expectations } from '../util/expectations.js';
import { claimObjects, controllerOf, withKind } from '../util/owner.js';
import { podKey } from '../util/pods.js';
import { WrittenVersions } from '../util/written-versions.js';
import { FailedPodBackoff, type DsDeps, type DsSync } from './context.js';
import { cleanupHistory, constructHistory, REVISION_HASH_LABEL } from './history.js';
import { manage } from './manage.js';
import { rollingUpdate } from './rolling.js';
import { updateStatus } from './status.js';


/** Node changes that can change where daemon pods belong (not heartbeats). */
function nodeChanged(old: Node, cur: Node): boolean {
  const conds = (n: Node) => JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
  return (
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {}) ||
    JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(cur.spec?.taints ?? []) ||
    old.spec?.unschedulable !== cur.spec?.unschedulable ||
    conds(old) !== conds(cur)
  );
}

/** Options beyond the context (tests share a backoff between controller instances). */
export interface DaemonSetControllerOptions {
  backoff?: FailedPodBackoff;
}

/** The DaemonSet controller. */
export class DaemonSetController implements Controller {
  readonly #ctx: ControllerContext;
  readonly #daemonSets: Informer<DaemonSet>;
  readonly #pods: Informer<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #revisions: Informer<ControllerRevision>;
  readonly #queue: WorkQueue<string>;
  readonly #events: EventSink;
  readonly #deps: DsDeps;

  constructor(ctx: ControllerContext, options: DaemonSetControllerOptions = {}) {
    this.#ctx = ctx;
    this.#daemonSets = ctx.informers.informer<DaemonSet>(resources.daemonsets);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#nodes = ctx.informers.informer<Node>(resources.nodes);
    this.#revisions = ctx.informers.informer<ControllerRevision>(resources.controllerrevisions);
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#events = ctx.events('daemonset-controller');
    this.#deps = {
      now: () => ctx.clock.now(),
      pods: clientFor<Pod>(ctx, resources.pods),
      daemonSets: clientFor<DaemonSet>(ctx, resources.daemonsets),
      revisions: clientFor<ControllerRevision>(ctx, resources.controllerrevisions),
      events: this.#events,
      creations: new Expectations(ctx.clock),
      deletions: new Expectations(ctx.clock),
      backoff: options.backoff ?? new FailedPodBackoff(),
      written: new WrittenVersions(),
      requeue: (key, ms) => this.#queue.addAfter(key, ms),
      logger: ctx.logger,
    };
    const all = () => {
      for (const ds of this.#daemonSets.store.list()) this.#queue.add(objectKey(ds));
    };
    this.#daemonSets.addEventHandler({
      onAdd: (ds) => this.#queue.add(objectKey(ds)),
      onUpdate: (_old, cur) => this.#queue.add(objectKey(cur)),
      onDelete: (ds) => {
        this.#deps.creations.delete(objectKey(ds));
        this.#deps.deletions.delete(objectKey(ds));
        this.#deps.backoff.forgetDaemonSet(objectKey(ds));
      },
    });
    this.#nodes.addEventHandler({ onAdd: all, onUpdate: (old, cur) => nodeChanged(old, cur) && all(), onDelete: all });
    this.#revisions.addEventHandler({
      onAdd: (r) => this.#enqueueOwner(r),
      onUpdate: (_old, cur) => this.#enqueueOwner(cur),
      onDelete: (r) => this.#enqueueOwner(r),
    });
    this.#pods.addEventHandler({
      onAdd: (p) => {
        if (p.metadata?.deletionTimestamp) return this.#podGone(p);
        const ds = this.#owner(p);
        if (ds) {
          this.#deps.creations.creationObserved(objectKey(ds));
          this.#queue.add(objectKey(ds));
        } else if (!controllerOf(p)) this.#enqueueMatching(p);
      },
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        if (cur.metadata?.deletionTimestamp) return this.#podGone(cur);
        if (controllerOf(old)?.uid !== controllerOf(cur)?.uid) this.#enqueueOwner(old);
        if (controllerOf(cur)) this.#enqueueOwner(cur);
        else if (JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {}) || controllerOf(old)) this.#enqueueMatching(cur);
      },
      onDelete: (p) => this.#podGone(p),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runWorkers({ name: 'daemonset', queue: this.#queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#daemonSets, this.#pods, this.#nodes, this.#revisions], signal });
  }

  /** The cached DaemonSet controlling `obj` (same uid), if any. */
  #owner(obj: Pod | ControllerRevision): DaemonSet | undefined {
    const ref = controllerOf(obj);
    if (ref?.kind !== 'DaemonSet') return undefined;
    const ds = this.#daemonSets.store.getByName(obj.metadata?.namespace, ref.name);
    return ds?.metadata?.uid === ref.uid ? ds : undefined;
  }

  #enqueueOwner(obj: Pod | ControllerRevision): void {
    const ds = this.#owner(obj);
    if (ds) this.#queue.add(objectKey(ds));
  }

  /** DaemonSets whose selector matches an orphan pod (they may adopt it). */
  #enqueueMatching(p: Pod): void {
    for (const ds of this.#daemonSets.store.listByNamespace(p.metadata?.namespace ?? '')) {
      const sel = labelSelectorFromSpec(ds.spec?.selector);
      if (sel.ok && !sel.value.matchesNothing && sel.value.requirements.length > 0 && sel.value.matches(p.metadata?.labels ?? {})) this.#queue.add(objectKey(ds));
    }
  }

  /** A pod was deleted or got its deletionTimestamp: one awaited deletion seen. */
  #podGone(p: Pod): void {
    const ds = this.#owner(p);
    if (!ds) return;
    this.#deps.deletions.deletionObserved(objectKey(ds), podKey(p));
    this.#queue.add(objectKey(ds));
  }

  /** Syncs the DaemonSet under `key` (upstream syncDaemonSet). */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.#daemonSets.store.getByName(namespace, name);
    const d = this.#deps;
    if (!cached) {
      d.creations.delete(key);
      d.deletions.delete(key);
      d.written.forget(key);
      return;
    }
    // Our last status write is not in the cache yet (its watch event brings the DaemonSet back).
    if (d.written.isStale(key, cached.metadata?.resourceVersion)) return;
    const ds = structuredClone(withKind(cached, resources.daemonsets));
    const sel = labelSelectorFromSpec(ds.spec?.selector);
    if (!sel.ok) throw new Error(`daemonset ${key}: invalid selector: ${sel.error}`);
    if (!sel.value.matchesNothing && sel.value.requirements.length === 0) {
      this.#events.record(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // Being deleted: its revisions may be gone or orphaned already, so status could not be trusted.
    if (ds.metadata?.deletionTimestamp) return;
    const pods = await claimObjects({ owner: ds, ownerResource: resources.daemonsets, selector: sel.value, candidates: this.#pods.store.listByNamespace(namespace), client: d.pods, ownerClient: d.daemonSets });
    const { cur, old } = await constructHistory(d, ds, this.#revisions.store.listByNamespace(namespace), pods);
    const s: DsSync = { key, ds, nodes: this.#nodes.store.list(), pods, hash: cur.metadata?.labels?.[REVISION_HASH_LABEL] ?? '' };
    const satisfied = () => d.creations.satisfied(key) && d.deletions.satisfied(key);
    if (!satisfied()) return updateStatus(d, s, false);

    let failure: unknown;
    let failed = 0;
    try {
      failed = await manage(d, s);
      if (satisfied() && ds.spec?.updateStrategy?.type === 'RollingUpdate') await rollingUpdate(d, s);
      await cleanupHistory(d, ds, old, pods);
    } catch (e) {
      failure = e;
    }
    await updateStatus(d, s, true);
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
    // An error makes the queue back off, so failed pods are not killed and recreated in a hot loop.
    if (failed > 0) throw new Error(`deleted ${failed} failed pods of DaemonSet ${key}`);
  }
}

/** The DaemonSet controller's descriptor. */
export const daemonSetController: ControllerDescriptor = { name: 'daemonset', create: (ctx) => new DaemonSetController(ctx) };
