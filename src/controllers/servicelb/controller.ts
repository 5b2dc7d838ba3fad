/**
 * The service-lb controller (k3s's ServiceLB / MetalLB's controller, address allocation only):
 * every Service of type LoadBalancer without a loadBalancerClass (or with `k8ts.io/service-lb`)
 * gets one address per family from the `loadBalancerPool` setting, written to
 * status.loadBalancer.ingress (ipMode VIP) through the status subresource; the proxy puts it on
 * the node. spec.loadBalancerIP or the `metallb.io/loadBalancerIPs` annotation (or its older
 * `metallb.universe.tf/` name) asks for given addresses. Addresses go back to the pool when the
 * Service is deleted or stops being one of ours (its status is cleared then).
 *
 * The pool's state lives in memory: at start, once the Service cache has synced, it is rebuilt
 * from the addresses Services' statuses show, oldest Service first, so a restart never hands an
 * address out twice and of two Services showing the same address the older keeps it. The holder
 * of an address keeps it; of two Services asking for the same free one, the older gets it.
 */
import { isNotFound } from '../../api/errors.js';
import type { Service } from '../../api/generated/core/v1.js';
import type { Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { objectKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { withKind } from '../util/owner.js';
import { AddressPool, type Family } from './pool.js';
import { addressFamily, goQuote, goQuoteList, ingressFor, olderFirst, requestedIPs, serviceFamilies, statusIPs, statusShows, wantsAddress } from './service.js';

/** Why a Service got no address: the event message, and whether a freed address could help. */
class AllocationError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

/** See the module comment. */
export class ServiceLbController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly pool: AddressPool;
  readonly #ctx: ControllerContext;
  readonly #services: Informer<Service>;
  readonly #client: ResourceClient<Service>;
  readonly #events: EventSink;
  /** Services that failed for want of a free address: retried whenever one is released. */
  readonly #waiting = new Set<string>();

  /** Throws when the loadBalancerPool setting is malformed. */
  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.pool = new AddressPool(ctx.settings.loadBalancerPool);
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#services = ctx.informers.informer<Service>(resources.services);
    this.#client = clientFor<Service>(ctx, resources.services);
    this.#events = ctx.events('service-lb-controller');
    const enqueue = (svc: Service) => this.queue.add(objectKey(svc));
    this.#services.addEventHandler({ onAdd: enqueue, onUpdate: (_old, cur) => enqueue(cur), onDelete: enqueue });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.#services.waitForSync(signal))) return;
    this.rebuild();
    await runWorkers({ name: 'service-lb', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, signal });
  }

  /**
   * Marks the addresses the cached Services' statuses show as theirs, oldest Service first (a
   * younger one showing a taken address gets another on its reconcile). Call once the Service
   * cache has synced, before any reconcile.
   */
  rebuild(): void {
    const ours = this.#services.store.list().filter(wantsAddress).sort(olderFirst);
    for (const svc of ours) {
      const key = objectKey(svc);
      const families = serviceFamilies(svc);
      for (const ip of statusIPs(svc)) {
        if (!families.includes(addressFamily(ip)) || !this.pool.contains(ip)) continue;
        if (!this.pool.claim(ip, key)) this.#ctx.logger.warn('service-lb: address shown by two Services; the older keeps it', { service: key, ip, holder: this.pool.ownerOf(ip) });
      }
    }
  }

  /** Gives Service `key` its addresses, or takes them back. */
  async reconcile(key: string): Promise<void> {
    const svc = this.#services.store.get(key);
    if (!svc) {
      this.#waiting.delete(key);
      this.#release(key);
      return;
    }
    if (!wantsAddress(svc)) {
      this.#waiting.delete(key);
      const held = this.#release(key);
      // Not a LoadBalancer any more: its ingress points are ours to take back (never another
      // implementation's, nor those of a Service with another loadBalancerClass).
      const shown = statusIPs(svc);
      if (svc.spec?.type !== 'LoadBalancer' && shown.length > 0 && shown.every((ip) => held.includes(ip) || this.pool.contains(ip))) {
        await this.#writeStatus(svc, []);
      }
      return;
    }
    let want: string[];
    try {
      want = this.#assign(key, svc);
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      // Whatever it held goes (as MetalLB clears a Service it cannot converge), so its status
      // never shows an address that is not its own.
      this.#release(key);
      if (statusIPs(svc).length > 0) await this.#writeStatus(svc, []);
      this.#events.record(withKind(svc, resources.services), 'Warning', 'AllocationFailed', `Failed to allocate IP for ${goQuote(key)}: ${e.message}`);
      if (!e.retry) return;
      this.#waiting.add(key);
      throw new Error(`service-lb: ${key}: ${e.message}`);
    }
    this.#waiting.delete(key);
    const before = statusIPs(svc);
    if (!(await this.#writeStatus(svc, want))) return;
    if (before.join(',') !== want.join(',')) {
      this.#events.record(withKind(svc, resources.services), 'Normal', 'IPAllocated', `Assigned IP ${goQuoteList(want)}`);
      this.#ctx.logger.info('service-lb: assigned load-balancer address', { service: key, ips: want.join(',') });
    }
  }

  /** The addresses `svc` should have, taken in the pool (what it held and no longer wants is freed). Throws AllocationError. */
  #assign(key: string, svc: Service): string[] {
    const requested = requestedIPs(svc);
    if (requested.kind === 'invalid') throw new AllocationError(requested.message, false);
    const families = serviceFamilies(svc);
    const want = requested.kind === 'ips' ? this.#requested(key, svc, requested.ips, families) : this.#automatic(key, svc, families);
    let freed = false;
    for (const ip of this.pool.held(key)) if (!want.includes(ip)) freed = this.pool.release(ip, key) || freed;
    if (freed) this.#wake();
    return want;
  }

  /** The requested addresses, if they are in the pool and free (checked before any is taken). */
  #requested(key: string, svc: Service, ips: string[], families: Family[]): string[] {
    for (const ip of ips) {
      if (!families.includes(addressFamily(ip))) throw new AllocationError(`requested loadBalancer IP(s) ${goQuoteList(ips)} does not match the ipFamily of the service`, false);
      if (!this.pool.contains(ip)) throw new AllocationError(`${goQuote(ip)} is not allowed in config`, false);
      const holder = this.pool.ownerOf(ip);
      if (holder !== undefined && holder !== key) throw new AllocationError(`${goQuote(ip)} is already in use by ${holder}`, true);
      if (holder === undefined) {
        const older = this.#olderClaimant(svc, ip);
        if (older) throw new AllocationError(`${goQuote(ip)} is also requested by the older service ${older}`, true);
      }
    }
    for (const ip of ips) this.pool.claim(ip, key);
    return ips;
  }

  /** An older Service of ours asking for `ip` too that could have it (it gets it first, whichever is reconciled first). */
  #olderClaimant(svc: Service, ip: string): string | undefined {
    for (const other of this.#services.store.list()) {
      if (other === svc || other.metadata?.deletionTimestamp || !wantsAddress(other) || olderFirst(other, svc) >= 0) continue;
      const r = requestedIPs(other);
      if (r.kind !== 'ips' || !r.ips.includes(ip)) continue;
      // Only an older Service that could be granted its whole request now wins; one that can never
      // get it (wrong family, outside the pool, another address held elsewhere) must not block this one.
      const families = serviceFamilies(other);
      const otherKey = objectKey(other);
      const grantable = r.ips.every((x) => this.pool.contains(x) && families.includes(addressFamily(x)) && [undefined, otherKey].includes(this.pool.ownerOf(x)));
      if (grantable) return otherKey;
    }
    return undefined;
  }

  /** One address per family the pool has: the one held, else the one the status shows if free, else the next free. */
  #automatic(key: string, svc: Service, families: Family[]): string[] {
    const served = families.filter((f) => this.pool.has(f));
    if (served.length === 0) throw new AllocationError(`no ${families.join('/')} addresses in pool ${goQuote(this.pool.spec)}`, false);
    const held = this.pool.held(key);
    const shown = statusIPs(svc);
    const want: string[] = [];
    const taken: string[] = [];
    for (const family of served) {
      let ip = held.find((x) => addressFamily(x) === family);
      // After a restart the status is the record: keep what it shows unless another holds it.
      const fromStatus = shown.find((x) => addressFamily(x) === family && this.pool.contains(x) && this.pool.ownerOf(x) === undefined);
      if (ip === undefined && fromStatus !== undefined && this.pool.claim(fromStatus, key)) ip = fromStatus;
      ip ??= this.pool.allocate(key, family);
      if (ip === undefined) {
        for (const t of taken) this.pool.release(t, key);
        throw new AllocationError(`no available IPs`, true);
      }
      if (!held.includes(ip)) taken.push(ip);
      want.push(ip);
    }
    return want;
  }

  /** Frees what `key` holds and lets waiting Services try again; returns what it held. */
  #release(key: string): string[] {
    const held = this.pool.releaseAll(key);
    if (held.length > 0) this.#wake();
    return held;
  }

  #wake(): void {
    for (const k of this.#waiting) this.queue.add(k);
  }

  /**
   * Writes status.loadBalancer (`ips` as VIP ingress points; none clears it) unless it shows
   * that already. The cached resourceVersion makes it conditional: a conflict throws and the
   * reconcile runs again on the fresh object. False when the Service is gone.
   */
  async #writeStatus(svc: Service, ips: readonly string[]): Promise<boolean> {
    const ingress = ingressFor(ips);
    if (statusShows(svc, ingress)) return true;
    const next: Service = structuredClone(svc);
    next.status = { ...(next.status ?? {}), loadBalancer: ips.length > 0 ? { ingress } : {} };
    try {
      await this.#client.updateStatus(next);
      return true;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.#release(objectKey(svc));
      return false;
    }
  }
}

/** The `service-lb` controller. */
export const serviceLbController: ControllerDescriptor = { name: 'service-lb', create: (ctx) => new ServiceLbController(ctx) };
