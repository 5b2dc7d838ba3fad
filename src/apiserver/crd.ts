/**
 * CustomResourceDefinitions: an in-process controller (kube-apiserver's apiextensions part) that
 * follows the CRD watch cache. An established CRD gets its custom resource served: registered for
 * every served version, with a watch cache, discovery entries, printer columns and a status
 * subresource when asked for. A deleted CRD first has all its custom resources removed (the
 * customresourcecleanup finalizer), then disappears from the API.
 */
import { isNotFound } from '../api/errors.js';
import type { Store } from '../storage/store.js';
import type { Logger } from '../util/log.js';
import type { CacheSet } from './cache/cache-set.js';
import { clone, isObject, str, type StoredObject } from './object.js';
import { Registry, type Resource } from './registry.js';
import type { ResourceDef } from './resources.js';
import type { RestHandler } from './rest/handler.js';
import { rfc3339 } from './rest/meta.js';
import type { PrinterColumn } from './tables.js';
import { errorText } from '../util/errors.js';

export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (isObject(v) ? v : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  subresources?: { status?: unknown; scale?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
  schema?: { openAPIV3Schema?: unknown };
}

/** The resource definitions a CRD asks to serve, one per served version. */
export function crdResources(crd: StoredObject): ResourceDef[] {
  const spec = rec(crd['spec']);
  const names = rec(spec['names']);
  const group = str(spec['group']);
  const versions = (Array.isArray(spec['versions']) ? spec['versions'] : []) as CrdVersion[];
  const storage = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? 'v1';
  return versions
    .filter((v) => v.served)
    .map((v) => ({
      group,
      version: v.name,
      kind: str(names['kind']),
      plural: str(names['plural']),
      singular: str(names['singular']) || str(names['kind']).toLowerCase(),
      namespaced: spec['scope'] !== 'Cluster',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: strs(names['shortNames']),
      categories: strs(names['categories']),
      subresources: [
        ...(v.subresources?.status !== undefined ? [{ name: 'status', verbs: ['get', 'patch', 'update'] }] : []),
        ...(v.subresources?.scale !== undefined ? [{ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] }] : []),
      ],
      storageVersion: storage,
    }));
}

export class CrdController {
  /** CRD name → the group/plural it registered. */
  private readonly served = new Map<string, { group: string; plural: string; generation: number }>();

  constructor(
    private readonly registry: Registry,
    private readonly caches: CacheSet,
    private readonly rest: RestHandler,
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  private crdResource(): Resource {
    const r = this.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (!r) throw new Error('customresourcedefinitions are not registered');
    return r;
  }

  /**
   * Follows CRDs until `signal` aborts; existing ones are established first. When the cache ends
   * its watchers (a relist after compaction) it watches again from the current state.
   */
  async run(signal: AbortSignal): Promise<void> {
    const res = this.crdResource();
    while (!signal.aborted) {
      const cache = this.caches.get(res.prefix);
      if (!cache) return;
      const w = cache.watch({ fromRevision: 0, keyPrefix: res.prefix, filter: () => true, signal });
      for (;;) {
        const batch = await w.next(60_000);
        if (batch === undefined) break;
        for (const ev of batch) {
          const crd = ev.object as StoredObject;
          try {
            if (ev.type === 'DELETED') this.unserve(crd);
            else if (crd.metadata.deletionTimestamp) await this.cleanup(crd, signal);
            else await this.establish(crd);
          } catch (e) {
            this.log.error('custom resource definition not handled', { crd: crd.metadata.name, error: errorText(e) });
          }
        }
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async establish(crd: StoredObject): Promise<void> {
    const name = crd.metadata.name ?? '';
    const defs = crdResources(crd);
    const first = defs[0];
    if (!first || !first.plural || !first.kind || !first.group) return;
    const generation = crd.metadata.generation ?? 0;
    const prev = this.served.get(name);
    if (!prev || prev.generation !== generation) {
      if (prev) {
        this.registry.removeCustom(prev.group, prev.plural);
      }
      const prefix = Registry.prefixFor(first, true);
      await this.caches.add(prefix);
      const versions = (rec(crd['spec'])['versions'] as CrdVersion[] | undefined) ?? [];
      for (const d of defs) {
        const v = versions.find((x) => x.name === d.version);
        const r = this.registry.add(d, { name, schema: v?.schema?.openAPIV3Schema, columns: v?.additionalPrinterColumns });
        this.rest.forget(r);
      }
      this.served.set(name, { group: first.group, plural: first.plural, generation });
      this.log.info('serving custom resource', { crd: name, versions: defs.map((d) => d.version).join(',') });
    }
    const status = rec(crd['status']);
    const established = ((status['conditions'] as Rec[] | undefined) ?? []).some((c) => c['type'] === 'Established' && c['status'] === 'True');
    if (established) return;
    const now = rfc3339(new Date());
    const spec = rec(crd['spec']);
    await this.rest
      .storeFor(this.crdResource())
      .guaranteedUpdate('', name, { subresource: 'status' }, (cur) => {
        const next = clone(cur);
        next['status'] = {
          conditions: [
            { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
            { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
          ],
          acceptedNames: spec['names'],
          storedVersions: [defs.find((d) => d.version === d.storageVersion)?.version ?? first.version],
        };
        return next;
      })
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }

  private unserve(crd: StoredObject): void {
    const name = crd.metadata.name ?? '';
    const prev = this.served.get(name);
    if (!prev) return;
    for (const r of this.registry.all()) if (r.crd && r.group === prev.group && r.plural === prev.plural) this.rest.forget(r);
    this.registry.removeCustom(prev.group, prev.plural);
    this.caches.remove(`/registry/${prev.group}/${prev.plural}/`);
    this.served.delete(name);
    this.log.info('stopped serving custom resource', { crd: name });
  }

  /** A CRD being deleted: remove every custom resource of it, then let the CRD go. */
  private async cleanup(crd: StoredObject, signal: AbortSignal): Promise<void> {
    const defs = crdResources(crd);
    const first = defs[0];
    if (first) {
      const prefix = Registry.prefixFor(first, true);
      // New custom resources are refused while the CRD terminates, so this ends.
      while (!signal.aborted) {
        const page = await this.store.list(prefix, { limit: 500 });
        for (const kv of page.kvs) await this.store.delete(kv.key).catch(() => undefined);
        if (!page.more) break;
      }
    }
    if (!(crd.metadata.finalizers ?? []).includes(CRD_FINALIZER)) return;
    await this.rest
      .storeFor(this.crdResource())
      .guaranteedUpdate('', crd.metadata.name ?? '', {}, (cur) => {
        cur.metadata = { ...cur.metadata, finalizers: (cur.metadata?.finalizers ?? []).filter((f) => f !== CRD_FINALIZER) };
        return cur;
      })
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }
}
