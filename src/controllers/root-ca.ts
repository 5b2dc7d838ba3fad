/**
 * The root CA publisher (kube-controller-manager's `root-ca-cert-publisher`): every active namespace
 * has the ConfigMap `kube-root-ca.crt` holding the cluster CA as `ca.crt`, which the kubelet
 * projects into pods beside their ServiceAccount token. It is created with the namespace, recreated
 * if deleted and put back if changed. The CA is `--root-ca-file`, else the one the controller
 * manager itself trusts for the API server; without one the controller does nothing.
 */
import { isNotFound } from '../api/errors.js';
import type { ConfigMap, Namespace } from '../api/generated/core/v1.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor } from './controller.js';
import { isNamespaceTerminating } from './endpointslice/util.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION_KEY = 'kubernetes.io/description';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCaPublisher implements Controller {
  readonly queue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #namespaces: Informer<Namespace>;
  readonly #configMaps: Informer<ConfigMap>;
  readonly #client;
  readonly #ca: string | undefined;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#ca = ctx.settings.rootCaPem;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#namespaces = ctx.informers.informer<Namespace>(resources.namespaces);
    this.#configMaps = ctx.informers.informer<ConfigMap>(resources.configmaps);
    this.#client = clientFor<ConfigMap>(ctx, resources.configmaps);
    const enqueue = (ns: Namespace) => this.queue.add(ns.metadata?.name ?? '');
    this.#namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
    const ours = (cm: ConfigMap) => {
      if (cm.metadata?.name === ROOT_CA_CONFIGMAP) this.queue.add(cm.metadata.namespace ?? '');
    };
    this.#configMaps.addEventHandler({ onAdd: ours, onUpdate: (_o, n) => ours(n), onDelete: ours });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.#ca === undefined) {
      this.#ctx.logger.info('root-ca-cert-publisher: no CA to publish (no --root-ca-file and the API server is not trusted through a CA)');
      return;
    }
    await runWorkers({ name: 'root-ca-cert-publisher', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#namespaces, this.#configMaps], signal });
  }

  /** Makes namespace `name`'s `kube-root-ca.crt` hold the CA, if the namespace is active. */
  async reconcile(name: string): Promise<void> {
    const ca = this.#ca;
    if (ca === undefined) return;
    const ns = this.#namespaces.store.get(name);
    if (!ns || ns.status?.phase !== 'Active' || ns.metadata?.deletionTimestamp) return;
    const cm = this.#configMaps.store.getByName(name, ROOT_CA_CONFIGMAP);
    try {
      if (!cm) {
        await this.#client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace: name, annotations: { [DESCRIPTION_KEY]: DESCRIPTION } }, data: { 'ca.crt': ca } }, { namespace: name });
        return;
      }
      // As upstream: the CA and some description are what count; the data is ours alone, any
      // description someone wrote and other fields stay.
      const description = cm.metadata?.annotations?.[DESCRIPTION_KEY];
      if (cm.data?.['ca.crt'] === ca && Object.keys(cm.data).length === 1 && description) return;
      await this.#client.update({ ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata?.annotations, [DESCRIPTION_KEY]: description || DESCRIPTION } }, data: { 'ca.crt': ca } }, { namespace: name });
    } catch (e) {
      // A terminating namespace takes no new objects; one removed meanwhile is seen again.
      if (isNotFound(e) || isNamespaceTerminating(e)) return;
      // Made by someone else meanwhile (perhaps wrong): retried, and then checked and put right.
      throw e;
    }
  }
}

/** The `root-ca-cert-publisher` controller. */
export const rootCaPublisherController: ControllerDescriptor = { name: 'root-ca-cert-publisher', create: (ctx) => new RootCaPublisher(ctx) };
