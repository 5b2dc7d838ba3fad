/**
 * The ServiceAccount controller (kube-controller-manager's `serviceaccount`): every active
 * namespace has a `default` ServiceAccount, created with the namespace and recreated if deleted.
 * Terminating namespaces are left alone (they refuse new objects). Tokens are not minted: the
 * TokenRequest API serves them on demand.
 */
import { isAlreadyExists } from '../api/errors.js';
import type { Namespace, ServiceAccount } from '../api/generated/core/v1.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor } from './controller.js';
import { isNamespaceTerminating } from './endpointslice/util.js';

/** The accounts every namespace gets (--service-account-names is not configurable upstream either). */
const ACCOUNTS = ['default'];

/** Ensures the default ServiceAccount of each namespace. */
export class ServiceAccountController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #namespaces: Informer<Namespace>;
  readonly #accounts: Informer<ServiceAccount>;
  readonly #client;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#namespaces = ctx.informers.informer<Namespace>(resources.namespaces);
    this.#accounts = ctx.informers.informer<ServiceAccount>(resources.serviceaccounts);
    this.#client = clientFor<ServiceAccount>(ctx, resources.serviceaccounts);
    const enqueue = (ns: Namespace) => this.queue.add(ns.metadata?.name ?? '');
    this.#namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
    this.#accounts.addEventHandler({
      onDelete: (sa) => {
        if (ACCOUNTS.includes(sa.metadata?.name ?? '')) this.queue.add(sa.metadata?.namespace ?? '');
      },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    await runWorkers({ name: 'serviceaccount', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#namespaces, this.#accounts], signal });
  }

  /** Creates the missing accounts of namespace `name`, if it is active. */
  async reconcile(name: string): Promise<void> {
    const ns = this.#namespaces.store.get(name);
    if (!ns || ns.status?.phase !== 'Active' || ns.metadata?.deletionTimestamp) return;
    for (const account of ACCOUNTS) {
      if (this.#accounts.store.getByName(name, account)) continue;
      try {
        await this.#client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: name } }, { namespace: name });
      } catch (e) {
        if (isAlreadyExists(e) || isNamespaceTerminating(e)) continue;
        throw e;
      }
    }
  }
}

/** The `serviceaccount` controller. */
export const serviceAccountController: ControllerDescriptor = { name: 'serviceaccount', create: (ctx) => new ServiceAccountController(ctx) };
