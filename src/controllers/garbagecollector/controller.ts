/**
 * The garbage collector (kube-controller-manager's `garbagecollector`): watches every resource
 * that can be deleted, keeps the owner → dependents graph of ./graph.ts, and
 *  - deletes dependents whose owners are all verified gone (background propagation), or drops the
 *    dangling references when some owner remains;
 *  - for an owner deleted in the foreground (the `foregroundDeletion` finalizer), deletes its
 *    dependents (those that have dependents themselves in the foreground too) and removes the
 *    finalizer once no dependent with blockOwnerDeletion is left;
 *  - for an owner deleted with the `orphan` finalizer, removes its references from its dependents,
 *    then the finalizer.
 * Owner absence is always confirmed against the API (a live GET by uid) before anything is deleted.
 * Resources are rediscovered every 30 s, so custom resources are collected too.
 */
import type { OwnerReference } from '../../api/generated/meta/v1.js';
import { sleep } from '../../client/clock.js';
import type { KubeObject } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { discoverResources, preferredResources, ResourceMapper, supportsVerbs, type DiscoverFn, type DiscoveredResource } from '../discovery.js';
import { FOREGROUND, Graph, ORPHAN, type GraphNode, type Identity } from './graph.js';
import { Monitors } from './monitors.js';
import { GcOperations } from './operations.js';
import { errorText } from '../../util/errors.js';

/** Options of {@link GarbageCollector}. */
export interface GarbageCollectorOptions {
  /** How resources are discovered (default: the API server's discovery documents). */
  discover?: DiscoverFn;
  /** How often resources are rediscovered (default 30 s). */
  resyncPeriodMs?: number;
}

/** Resources never collected (GC's default ignored resources): events churn and own nothing. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** The resources the collector watches: preferred versions that can be listed, watched and deleted. */
export const collectable = (all: readonly DiscoveredResource[]): DiscoveredResource[] =>
  preferredResources(all).filter((r) => supportsVerbs(r, 'delete', 'list', 'watch') && !IGNORED.has(`${r.group}/${r.resource}`));

/** A cluster-scoped object cannot be owned by a namespaced one: retrying cannot fix the reference. */
class NamespacedOwnerOfClusterScopedObject extends Error {}

/** The garbage collector. */
export class GarbageCollector implements Controller {
  readonly graph: Graph;
  /** Node uids to look at: delete if unowned, verify if virtual, finish foreground deletion. */
  readonly deleteQueue: WorkQueue<string>;
  /** Owner uids whose dependents are to be orphaned. */
  readonly orphanQueue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #discover: DiscoverFn;
  readonly #period: number;
  readonly #monitors: Monitors;
  readonly #ops: GcOperations;
  readonly #events: EventSink;
  #mapper = new ResourceMapper([]);
  #known: DiscoveredResource[] = [];
  #running = false;
  /** Verification attempts of virtual nodes that exist but are not observed yet, for their backoff. */
  readonly #virtualRetries = new Map<string, number>();

  constructor(ctx: ControllerContext, options: GarbageCollectorOptions = {}) {
    this.#ctx = ctx;
    this.#discover = options.discover ?? ((signal) => discoverResources(ctx.client, signal));
    this.#period = options.resyncPeriodMs ?? 30_000;
    this.deleteQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.orphanQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.#events = ctx.events('garbage-collector-controller');
    this.graph = new Graph({
      attemptToDelete: (n) => this.deleteQueue.add(n.identity.uid),
      attemptToOrphan: (n) => this.orphanQueue.add(n.identity.uid),
      invalidNamespaceOwnerRef: (n, ownerUid) => this.#invalidOwnerEvent(n, ownerUid),
    });
    this.#monitors = new Monitors(ctx, { observe: (id, cur, old) => this.graph.observe(id, cur, old), remove: (id) => this.graph.remove(id) });
    this.#ops = new GcOperations(ctx.client, () => this.#mapper);
  }

  /** Watches `all`'s collectable resources (and maps owner references with all of them). */
  async syncResources(all: readonly DiscoveredResource[], failedGroupVersions: ReadonlySet<string> = new Set()): Promise<void> {
    const inFailed = (r: { group: string; version: string }) => failedGroupVersions.has(r.group ? `${r.group}/${r.version}` : r.version);
    // Keep what a failed group-version served before: a flaky discovery must not drop its monitors.
    const kept = this.#known.filter(inFailed);
    this.#known = [...all, ...kept];
    this.#mapper = new ResourceMapper(this.#known);
    const keepKeys = new Set(kept.map((r) => `${r.group}/${r.version}/${r.resource}`));
    await this.#monitors.sync(collectable(all), (k) => keepKeys.has(k));
  }

  async run(signal: AbortSignal): Promise<void> {
    this.#running = true;
    this.#monitors.start(signal);
    try {
      if (!(await this.#rediscover(signal, true))) return;
      const synced = { waitForSync: (s?: AbortSignal) => this.#monitors.waitForSync(s) };
      const workers = this.#ctx.settings.workers;
      const logger = this.#ctx.logger;
      await Promise.all([
        runWorkers({ name: 'garbagecollector', queue: this.deleteQueue, workers, reconcile: (uid) => this.attemptToDelete(uid), logger, waitFor: [synced], signal }),
        runWorkers({ name: 'garbagecollector-orphan', queue: this.orphanQueue, workers, reconcile: (uid) => this.attemptToOrphan(uid), logger, waitFor: [synced], signal }),
        this.#resyncLoop(signal),
      ]);
    } finally {
      await this.#monitors.stopAll();
    }
  }

  /** Discovers and syncs monitors; the first time, retries until it works. Returns false if aborted. */
  async #rediscover(signal: AbortSignal, untilDone: boolean): Promise<boolean> {
    for (let delay = 1000; !signal.aborted; delay = Math.min(delay * 2, this.#period)) {
      try {
        const d = await this.#discover(signal);
        await this.syncResources(d.resources, new Set(d.failed.keys()));
        if (d.failed.size) this.#ctx.logger.warn('garbagecollector: discovery failed for some groups', { failed: [...d.failed.keys()].join(',') });
        return true;
      } catch (e) {
        if (signal.aborted) return false;
        this.#ctx.logger.warn('garbagecollector: discovery failed', { error: errorText(e) });
        if (!untilDone) return true;
      }
      await sleep(this.#ctx.clock, delay, signal);
    }
    return false;
  }

  async #resyncLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.#ctx.clock, this.#period, signal);
      if (!signal.aborted) await this.#rediscover(signal, false);
    }
  }

  #invalidOwnerEvent(n: GraphNode, ownerUid: string): void {
    const ref = n.owners.find((o) => o.uid === ownerUid);
    if (!ref) return;
    const obj: KubeObject = { apiVersion: n.identity.apiVersion, kind: n.identity.kind, metadata: { name: n.identity.name, namespace: n.identity.namespace || undefined, uid: n.identity.uid } };
    this.#events.record(obj, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef ${JSON.stringify(ref)} does not exist in namespace "${n.identity.namespace}"`);
  }

  /** Processes graph node `uid` (attemptToDeleteItem plus the worker's virtual-node handling). */
  async attemptToDelete(uid: string): Promise<void> {
    const node = this.graph.nodes.get(uid);
    if (!node) {
      this.#virtualRetries.delete(uid);
      return;
    }
    let outcome: 'done' | 'forget';
    try {
      outcome = await this.#attemptToDeleteItem(node);
    } catch (e) {
      if (!(e instanceof NamespacedOwnerOfClusterScopedObject)) throw e;
      const obj: KubeObject = { apiVersion: node.identity.apiVersion, kind: node.identity.kind, metadata: { name: node.identity.name, uid: node.identity.uid } };
      this.#events.record(obj, 'Warning', 'OwnerRefInvalidNamespace', e.message);
      return;
    }
    // An owner that exists but has not been observed yet: look again later (it may still go away).
    if (outcome === 'done' && node.virtual && this.graph.nodes.get(uid) === node) {
      const n = (this.#virtualRetries.get(uid) ?? 0) + 1;
      this.#virtualRetries.set(uid, n);
      this.deleteQueue.addAfter(uid, Math.min(1000 * 2 ** (n - 1), 300_000));
    } else this.#virtualRetries.delete(uid);
  }

  async #attemptToDeleteItem(node: GraphNode): Promise<'done' | 'forget'> {
    // Being deleted (not in the foreground): wait for the deletion, then its dependents are looked at.
    if (node.beingDeleted && !node.deletingDependents) return 'done';
    const id = node.identity;
    const latest = await this.#ops.get(this.#scoped(id));
    if (!latest || latest.metadata?.uid !== id.uid) {
      this.graph.virtualDelete(this.#scoped(id));
      return 'forget';
    }
    if (node.deletingDependents) {
      await this.#finishForeground(node);
      return 'done';
    }
    const refs = (latest.metadata?.ownerReferences ?? []);
    if (refs.length === 0) return 'done';
    const { solid, dangling, waiting } = await this.#classify(node, refs);
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return 'done';
      // Drop the dangling references, and those of owners waiting for their dependents (else they would wait forever).
      const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.#ops.patchOwnerRefs(id, (cur) => {
        const rest = cur.filter((r) => !gone.has(r.uid));
        return rest.length === cur.length ? undefined : rest;
      });
      return 'done';
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      // A dependent also deleting in the foreground could wait on us forever: stop blocking our owners first.
      if ([...node.dependents].some((d) => d.deletingDependents)) {
        await this.#ops.patchOwnerRefs(id, (cur) => (cur.some((r) => r.blockOwnerDeletion) ? cur.map((r) => ({ ...r, blockOwnerDeletion: false })) : undefined));
      }
      await this.#ops.delete(id, 'Foreground');
      return 'done';
    }
    const finalizers = latest.metadata?.finalizers ?? [];
    const policy = finalizers.includes(ORPHAN) ? 'Orphan' : finalizers.includes(FOREGROUND) ? 'Foreground' : 'Background';
    await this.#ops.delete(id, policy);
    return 'done';
  }

  /** `id` with the namespace its kind's scope calls for ('' for cluster-scoped kinds). */
  #scoped(id: Identity): Identity {
    const r = this.#ops.resourceFor(id.apiVersion, id.kind);
    return r.namespaced ? id : { ...id, namespace: '' };
  }

  /** A foreground deletion: done (finalizer off) once no blocking dependent is left; else push those along. */
  async #finishForeground(node: GraphNode): Promise<void> {
    if (!this.#graphComplete(node.identity.uid)) return;
    const blocking = node.blockingDependents();
    if (blocking.length === 0) {
      await this.#ops.removeFinalizer(node.identity, FOREGROUND);
      return;
    }
    for (const d of blocking) if (!d.deletingDependents) this.deleteQueue.add(d.identity.uid);
  }

  /** While monitors are still listing, the graph may lack dependents: acting now could orphan or release too early. */
  #graphComplete(uid: string): boolean {
    if (!this.#running || this.#monitors.synced()) return true;
    this.deleteQueue.addAfter(uid, 1000);
    return false;
  }

  /** Sorts references into owners that exist, are gone, or exist but wait for their dependents (foreground). */
  async #classify(node: GraphNode, refs: readonly OwnerReference[]) {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.#ownerOf(node, ref);
      if (!owner) dangling.push(ref);
      else if (owner.metadata?.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** The live owner `ref` names (in the dependent's namespace when namespaced), or undefined when it is verified absent. */
  async #ownerOf(node: GraphNode, ref: OwnerReference): Promise<KubeObject | undefined> {
    const ns = node.identity.namespace;
    if (this.graph.absent.has(ref, '') || this.graph.absent.has(ref, ns)) return undefined;
    const r = this.#ops.resourceFor(ref.apiVersion, ref.kind);
    if (ns === '' && r.namespaced) {
      throw new NamespacedOwnerOfClusterScopedObject(`ownerRef ${JSON.stringify(ref)}: a cluster-scoped object cannot be owned by a namespaced ${ref.kind}`);
    }
    const id: Identity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: r.namespaced ? ns : '' };
    const owner = await this.#ops.get(id);
    if (!owner || owner.metadata?.uid !== ref.uid) {
      this.graph.absent.add(id);
      return undefined;
    }
    return owner;
  }

  /** Orphans the dependents of owner `uid`, then removes its `orphan` finalizer. */
  async attemptToOrphan(uid: string): Promise<void> {
    const owner = this.graph.nodes.get(uid);
    if (!owner) return;
    if (this.#running && !this.#monitors.synced()) {
      this.orphanQueue.addAfter(uid, 1000);
      return;
    }
    const errors: string[] = [];
    await Promise.all(
      [...owner.dependents].map(async (d) => {
        try {
          await this.#ops.patchOwnerRefs(d.identity, (cur) => {
            const rest = cur.filter((r) => r.uid !== uid);
            return rest.length === cur.length ? undefined : rest;
          });
        } catch (e) {
          errors.push(`${d.identity.kind} ${d.identity.namespace}/${d.identity.name}: ${errorText(e)}`);
        }
      }),
    );
    if (errors.length) throw new Error(`orphaning dependents of ${owner.identity.kind} ${owner.identity.name} failed: ${errors.join('; ')}`);
    await this.#ops.removeFinalizer(owner.identity, ORPHAN);
  }
}

/** The `garbagecollector` controller. */
export const garbageCollectorController: ControllerDescriptor = { name: 'garbagecollector', create: (ctx) => new GarbageCollector(ctx) };
