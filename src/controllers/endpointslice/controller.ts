/**
 * The EndpointSlice controller (kube-controller-manager's `endpointslice`): for every Service with
 * a selector (ExternalName Services excepted) the discovery.k8s.io/v1 EndpointSlices listing its
 * pods, labelled with the Service's name and this controller as manager and owned by the Service,
 * so the garbage collector removes them with it. Planning is in ./reconciler.ts; this file wires
 * informers, the queue, the write order and the stale-cache guard of ./tracker.ts.
 */
import { isNotFound } from '../../api/errors.js';
import type { Node, Pod, Service } from '../../api/generated/core/v1.js';
import type { EndpointSlice } from '../../api/generated/discovery/v1.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { splitKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { withKind } from '../util/owner.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, planSlices, SERVICE_NAME_LABEL } from './reconciler.js';
import { SliceTracker } from './tracker.js';
import {
  isNamespaceTerminating,
  LAST_CHANGE_TRIGGER_TIME,
  rfc3339Nano,
  selectorMatches,
  serviceSelector,
  servicesForPodChange,
  servicesSelecting,
  TriggerTimeTracker,
} from './util.js';
import { errorText } from '../../util/errors.js';

/** Options of {@link EndpointSliceController}. */
export interface EndpointSliceOptions {
  /** --max-endpoints-per-slice (default 100). */
  maxEndpointsPerSlice?: number;
}

/** How long a sync waits for the slice cache to catch up with the controller's own writes. */
const STALE_RETRY_MS = 100;

const serviceKeyOf = (slice: EndpointSlice): string | undefined => {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata?.namespace ?? ''}/${name}` : undefined;
};
const managed = (slice: EndpointSlice) => slice.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;

/** Reconciles the EndpointSlices of each Service. */
export class EndpointSliceController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #services: Informer<Service>;
  readonly #pods: Informer<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #slices: Informer<EndpointSlice>;
  readonly #client;
  readonly #events: EventSink;
  readonly #tracker = new SliceTracker();
  readonly #triggers = new TriggerTimeTracker();
  readonly #max: number;

  constructor(ctx: ControllerContext, options: EndpointSliceOptions = {}) {
    this.#ctx = ctx;
    this.#max = options.maxEndpointsPerSlice ?? 100;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#services = ctx.informers.informer<Service>(resources.services);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#nodes = ctx.informers.informer<Node>(resources.nodes);
    this.#slices = ctx.informers.informer<EndpointSlice>(resources.endpointslices);
    this.#client = clientFor<EndpointSlice>(ctx, resources.endpointslices);
    this.#events = ctx.events('endpoint-slice-controller');
    const enqueueService = (svc: Service) => this.queue.add(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`);
    this.#services.addEventHandler({ onAdd: enqueueService, onUpdate: (_o, n) => enqueueService(n), onDelete: enqueueService });
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#enqueueAll(servicesSelecting(this.#services.store, pod)),
      onUpdate: (old, cur) => this.#enqueueAll(servicesForPodChange(this.#services.store, old, cur)),
      onDelete: (pod) => this.#enqueueAll(servicesSelecting(this.#services.store, pod)),
    });
    this.#slices.addEventHandler({
      onAdd: (s) => this.#sliceChanged(s),
      onUpdate: (old, cur) => {
        // A slice that changed hands (manager or Service) concerns its old Service too.
        if (serviceKeyOf(old) !== serviceKeyOf(cur) || managed(old) !== managed(cur)) this.#sliceChanged(old, true);
        this.#sliceChanged(cur);
      },
      onDelete: (s) => {
        const key = serviceKeyOf(s);
        if (key && managed(s) && !this.#tracker.observedDeletion(key, s)) this.queue.add(key);
      },
    });
  }

  #enqueueAll(keys: Iterable<string>): void {
    for (const k of keys) this.queue.add(k);
  }

  #sliceChanged(slice: EndpointSlice, force = false): void {
    const key = serviceKeyOf(slice);
    if (!key) return;
    if (force || (managed(slice) && this.#tracker.shouldSync(key, slice))) this.queue.add(key);
  }

  async run(signal: AbortSignal): Promise<void> {
    await runWorkers({
      name: 'endpointslice',
      queue: this.queue,
      workers: this.#ctx.settings.workers,
      reconcile: (k) => this.reconcile(k),
      logger: this.#ctx.logger,
      waitFor: [this.#services, this.#pods, this.#nodes, this.#slices],
      signal,
    });
  }

  /** Brings the EndpointSlices of Service `key` (`ns/name`) in line with its pods. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.#services.store.get(key);
    if (!svc) {
      // Its slices are owned by it: the garbage collector deletes them.
      this.#triggers.delete(key);
      this.#tracker.forget(key);
      return;
    }
    if (svc.spec?.type === 'ExternalName') return;
    const selector = serviceSelector(svc);
    if (!selector) return;
    const pods = this.#pods.store.listByNamespace(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const existing = this.#slices.store
      .listByNamespace(namespace)
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && managed(s) && !s.metadata?.deletionTimestamp);
    if (this.#tracker.stale(key, existing)) {
      this.queue.addAfter(key, STALE_RETRY_MS);
      return;
    }
    const triggerTime = this.#triggers.compute(svc, pods);
    const plan = planSlices({ service: svc, pods, existing, node: (n) => this.#nodes.store.get(n), maxEndpointsPerSlice: this.#max });
    try {
      await this.#write(key, svc, plan, triggerTime);
    } catch (e) {
      this.#events.record(withKind(svc, resources.services), 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${errorText(e)}`);
      throw e;
    }
    // Pods on Nodes not seen yet were left out: try again later.
    if (plan.errors.length) throw new Error(plan.errors.join('; '));
  }

  async #write(key: string, svc: Service, plan: ReturnType<typeof planSlices>, triggerTime: number | undefined): Promise<void> {
    const namespace = svc.metadata?.namespace ?? '';
    const stamp = (s: EndpointSlice) => {
      const annotations = { ...(s.metadata?.annotations ?? {}) };
      if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(triggerTime);
      else delete annotations[LAST_CHANGE_TRIGGER_TIME];
      s.metadata = { ...(s.metadata ?? {}), annotations };
      if (Object.keys(annotations).length === 0) delete s.metadata.annotations;
      return s;
    };
    // No new slices for a Service being deleted: the garbage collector would race them.
    if (!svc.metadata?.deletionTimestamp) {
      for (const s of plan.create) {
        try {
          this.#tracker.written(key, await this.#client.create(stamp(s), { namespace }));
        } catch (e) {
          if (isNamespaceTerminating(e)) return;
          throw e;
        }
      }
    }
    for (const s of plan.update) this.#tracker.written(key, await this.#client.update(stamp(s), { namespace }));
    for (const s of plan.delete) {
      try {
        await this.#client.delete(s.metadata?.name ?? '', { namespace });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        continue;
      }
      this.#tracker.deleted(key, s);
    }
  }
}

/** The `endpointslice` controller. */
export const endpointSliceController: ControllerDescriptor = { name: 'endpointslice', create: (ctx) => new EndpointSliceController(ctx) };
