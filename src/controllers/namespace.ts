/**
 * The Namespace controller (kube-controller-manager's `namespace`): when a namespace is being
 * deleted, empty it of every namespaced object, wait until nothing is left (graceful pods and
 * finalizers take time: it looks again after half the remaining estimate), then remove its
 * `kubernetes` finalizer so the API server deletes it. The work is in ./namespace/deleter.ts.
 */
import type { Namespace } from '../api/generated/core/v1.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext, type ControllerDescriptor } from './controller.js';
import { discoverResources, type DiscoverFn } from './discovery.js';
import { NamespaceDeleter } from './namespace/deleter.js';

/** Options of {@link NamespaceController}. */
export interface NamespaceControllerOptions {
  /** How resources are discovered (default: the API server's discovery documents). */
  discover?: DiscoverFn;
}

/** Empties and finalizes terminating namespaces. */
export class NamespaceController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #namespaces: Informer<Namespace>;
  readonly #deleter: NamespaceDeleter;
  #signal: AbortSignal | undefined;

  constructor(ctx: ControllerContext, options: NamespaceControllerOptions = {}) {
    this.#ctx = ctx;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#namespaces = ctx.informers.informer<Namespace>(resources.namespaces);
    this.#deleter = new NamespaceDeleter({ client: ctx.client, discover: options.discover ?? ((signal) => discoverResources(ctx.client, signal)), clock: ctx.clock, logger: ctx.logger });
    const enqueue = (ns: Namespace) => {
      if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name ?? '');
    };
    this.#namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  }

  async run(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    await runWorkers({ name: 'namespace', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#namespaces], signal });
  }

  /** One deletion pass over namespace `name`; looks again later while content remains. */
  async reconcile(name: string): Promise<void> {
    const cached = this.#namespaces.store.get(name);
    if (cached && !cached.metadata?.deletionTimestamp) return;
    const out = await this.#deleter.delete(name, this.#signal);
    if (out.requeueAfterMs !== undefined) this.queue.addAfter(name, out.requeueAfterMs);
  }
}

/** The `namespace` controller. */
export const namespaceController: ControllerDescriptor = { name: 'namespace', create: (ctx) => new NamespaceController(ctx) };
