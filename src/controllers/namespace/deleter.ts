/**
 * Emptying a terminating namespace (upstream's namespacedResourcesDeleter): discover every
 * namespaced resource that can be deleted, delete its objects (one deletecollection where the
 * resource allows it, else list and delete each, background propagation), count what is left,
 * record the outcome in the namespace's conditions, and once nothing is left take the `kubernetes`
 * finalizer off through namespaces/<name>/finalize, which lets the API server remove it.
 */
import { isApiError, isConflict, isNotFound } from '../../api/errors.js';
import type { Namespace, Pod } from '../../api/generated/core/v1.js';
import type { Clock } from '../../client/clock.js';
import { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import type { KubeObject, Transport } from '../../client/types.js';
import type { Logger } from '../../util/log.js';
import { preferredResources, supportsVerbs, type DiscoverFn, type DiscoveredResource } from '../discovery.js';
import { updateConditions, type DeletionReport } from './conditions.js';
import { errorText } from '../../util/errors.js';

/** The finalizer this controller owns in spec.finalizers. */
export const FINALIZER = 'kubernetes';
/** How long to wait for content held by finalizers (finalizerEstimateSeconds). */
const FINALIZER_ESTIMATE_S = 15;

/** Options of {@link NamespaceDeleter}. */
export interface DeleterOptions {
  client: Transport;
  discover: DiscoverFn;
  clock: Clock;
  logger: Logger;
}

/** The outcome of one pass: done, or wait `requeueAfterMs` (graceful pods, finalizers) and look again. */
export interface DeleteOutcome {
  requeueAfterMs?: number;
}

const groupResource = (r: DiscoveredResource) => (r.group ? `${r.resource}.${r.group}` : r.resource);
const BACKGROUND = { propagationPolicy: 'Background' } as const;

/** Deletes namespaces' content and finalizes them. */
export class NamespaceDeleter {
  readonly #o: DeleterOptions;
  readonly #namespaces: ResourceClient<Namespace>;
  /** `group/resource` whose deletecollection answered 405: listed and deleted one by one from then on. */
  readonly #noDeleteCollection = new Set<string>();

  constructor(options: DeleterOptions) {
    this.#o = options;
    this.#namespaces = new ResourceClient<Namespace>(options.client, resources.namespaces);
  }

  /** One pass over namespace `name`; throws when something failed (the caller retries with backoff). */
  async delete(name: string, signal?: AbortSignal): Promise<DeleteOutcome> {
    let ns: Namespace;
    try {
      ns = await this.#namespaces.get(name, { signal });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return {};
    if (ns.status?.phase !== 'Terminating') {
      const updated = await this.#updateStatus(ns, (n) => (n.status = { ...(n.status ?? {}), phase: 'Terminating' }));
      if (!updated) return {};
      ns = updated;
    }
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER)) return {};
    const { estimateS, errors } = await this.#deleteAllContent(ns, signal);
    if (errors.length) throw new Error(`namespace ${name}: ${errors.join('; ')}`);
    if (estimateS > 0) return { requeueAfterMs: (Math.floor(estimateS / 2) + 1) * 1000 };
    await this.#finalize(ns);
    return {};
  }

  /** Applies `mutate` to the namespace's status and writes it, re-reading on conflict; undefined when it is gone. */
  async #updateStatus(ns: Namespace, mutate: (n: Namespace) => void): Promise<Namespace | undefined> {
    let cur = structuredClone(ns);
    for (let attempt = 0; ; attempt++) {
      mutate(cur);
      try {
        return await this.#namespaces.updateStatus(cur);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        if (!isConflict(e) || attempt >= 5) throw e;
        try {
          cur = await this.#namespaces.get(ns.metadata?.name ?? '');
        } catch (e2) {
          if (isNotFound(e2)) return undefined;
          throw e2;
        }
      }
    }
  }

  /** Removes our finalizer through namespaces/<name>/finalize (which also deletes the namespace when it was the last). */
  async #finalize(ns: Namespace): Promise<void> {
    const name = ns.metadata?.name ?? '';
    let cur = ns;
    for (let attempt = 0; ; attempt++) {
      const finalizers = (cur.spec?.finalizers ?? []).filter((f) => f !== FINALIZER);
      const body: Namespace = { ...cur, spec: { ...(cur.spec ?? {}), finalizers } };
      try {
        await this.#o.client.request({ method: 'PUT', path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, body: { apiVersion: 'v1', kind: 'Namespace', ...body } });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 5) throw e;
        try {
          cur = await this.#namespaces.get(name);
        } catch (e2) {
          if (isNotFound(e2)) return;
          throw e2;
        }
      }
    }
  }

  async #deleteAllContent(ns: Namespace, signal?: AbortSignal): Promise<{ estimateS: number; errors: string[] }> {
    const name = ns.metadata?.name ?? '';
    const deletedAt = Date.parse(ns.metadata?.deletionTimestamp ?? '') || this.#o.clock.now();
    const report: DeletionReport = { discoveryFailures: [], deleteFailures: [], remaining: new Map(), finalizers: new Map() };
    const errors: string[] = [];
    let discovered: DiscoveredResource[] = [];
    try {
      const d = await this.#o.discover(signal);
      discovered = d.resources;
      for (const [gv, err] of d.failed) {
        report.discoveryFailures.push(`${gv}: ${err.message}`);
        errors.push(`discovery of ${gv} failed: ${err.message}`);
      }
    } catch (e) {
      const msg = errorText(e);
      report.discoveryFailures.push(msg);
      errors.push(`discovery failed: ${msg}`);
    }
    const deletable = preferredResources(discovered).filter((r) => r.namespaced && supportsVerbs(r, 'delete'));
    let estimateS = 0;
    for (const r of deletable) {
      try {
        const out = await this.#deleteResource(r, name, deletedAt, signal);
        estimateS = Math.max(estimateS, out.estimateS);
        if (out.remaining > 0) report.remaining.set(groupResource(r), out.remaining);
        for (const [f, n] of out.finalizers) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + n);
        if (out.error) throw new Error(out.error);
      } catch (e) {
        const msg = errorText(e);
        report.deleteFailures.push(`${groupResource(r)}: ${msg}`);
        errors.push(msg);
      }
    }
    const { conditions, changed } = updateConditions(ns.status?.conditions ?? [], report, this.#o.clock.now());
    if (changed) {
      try {
        await this.#updateStatus(ns, (n) => (n.status = { ...(n.status ?? {}), conditions }));
      } catch (e) {
        this.#o.logger.warn('namespace: could not update status conditions', { namespace: name, error: errorText(e) });
      }
    }
    return { estimateS, errors };
  }

  /** Deletes one resource's objects in the namespace and counts what is left (deleteAllContentForGroupVersionResource). */
  async #deleteResource(
    r: DiscoveredResource,
    namespace: string,
    deletedAt: number,
    signal?: AbortSignal,
  ): Promise<{ estimateS: number; remaining: number; finalizers: Map<string, number>; error?: string }> {
    const client = new ResourceClient<KubeObject>(this.#o.client, r);
    const canList = supportsVerbs(r, 'list');
    const estimateS = r.group === '' && r.resource === 'pods' && canList ? await this.#estimatePods(namespace, deletedAt, signal) : 0;
    const key = `${r.group}/${r.resource}`;
    let collected = false;
    if (supportsVerbs(r, 'deletecollection') && !this.#noDeleteCollection.has(key)) {
      try {
        await client.deleteCollection({ namespace, ...BACKGROUND, signal });
        collected = true;
      } catch (e) {
        if (!isApiError(e, 'MethodNotAllowed')) throw e;
        this.#noDeleteCollection.add(key);
      }
    }
    if (!canList) return { estimateS, remaining: 0, finalizers: new Map() };
    if (!collected) {
      const items = (await client.list({ namespace, signal })).items;
      for (const item of items) {
        try {
          await client.delete(item.metadata?.name ?? '', { namespace, ...BACKGROUND, signal });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    const left = (await client.list({ namespace, signal })).items;
    if (left.length === 0) return { estimateS: 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of left) for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimateS > 0) return { estimateS, remaining: left.length, finalizers };
    // Content held by finalizers (the garbage collector's, say) is expected to take a little while.
    if (finalizers.size > 0) return { estimateS: FINALIZER_ESTIMATE_S, remaining: left.length, finalizers };
    return { estimateS, remaining: left.length, finalizers, error: `unexpected items still remain in namespace: ${namespace} for gvr: ${r.group}/${r.version}, Resource=${r.resource}` };
  }

  /** The longest grace period of the namespace's running pods, unless that much time has passed since deletion. */
  async #estimatePods(namespace: string, deletedAt: number, signal?: AbortSignal): Promise<number> {
    const pods = (await new ResourceClient<Pod>(this.#o.client, resources.pods).list({ namespace, signal })).items;
    let estimate = 0;
    for (const p of pods) {
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      estimate = Math.max(estimate, p.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return this.#o.clock.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }
}
