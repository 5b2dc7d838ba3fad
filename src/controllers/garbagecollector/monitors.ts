/**
 * The garbage collector's watches: one informer per resource that can be listed, watched and
 * deleted, feeding the dependency graph. Built-in resources use the controller manager's shared
 * informers (other controllers cache pods and ReplicaSets anyway); others (custom resources) get
 * informers of their own, stopped when their resource disappears from discovery.
 */
import { apiVersionOf, type ResourceDescriptor } from '../../client/paths.js';
import { Informer } from '../../client/informer.js';
import { ResourceClient } from '../../client/resource.js';
import { resources as builtIn } from '../../client/resources.js';
import type { KubeObject } from '../../client/types.js';
import type { ControllerContext } from '../controller.js';
import type { DiscoveredResource } from '../discovery.js';
import type { Identity } from './graph.js';

/** Where informer events go. */
export interface MonitorSink {
  observe(id: Identity, cur: KubeObject, old?: KubeObject): void;
  remove(id: Identity): void;
}

interface Monitor {
  resource: DiscoveredResource;
  informer: Informer<KubeObject>;
  removeHandler: () => void;
  /** For informers of our own: stops them. */
  stop?: AbortController;
  running?: Promise<void>;
}

const keyOf = (r: ResourceDescriptor) => `${r.group}/${r.version}/${r.resource}`;
const builtInKeys = new Set(Object.values(builtIn).map(keyOf));

/** The identity of an object of resource `r` (cached objects may lack kind and apiVersion). */
export const identityOf = (r: DiscoveredResource, obj: KubeObject): Identity => ({
  apiVersion: apiVersionOf(r),
  kind: r.kind,
  name: obj.metadata?.name ?? '',
  namespace: obj.metadata?.namespace ?? '',
  uid: obj.metadata?.uid ?? '',
});

/** The set of monitors, reconciled against each discovery. */
export class Monitors {
  readonly #byKey = new Map<string, Monitor>();
  #signal: AbortSignal | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly sink: MonitorSink,
  ) {}

  /** Starts informers of our own from now on (and those already made) until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.#signal = signal;
    for (const m of this.#byKey.values()) this.#startOwn(m);
  }

  #startOwn(m: Monitor): void {
    if (!m.stop || m.running || !this.#signal) return;
    const signal = AbortSignal.any([this.#signal, m.stop.signal]);
    m.running = m.informer.run(signal);
  }

  /** Monitors exactly `wanted` (keeping those of `keep` too, e.g. resources whose discovery failed). */
  async sync(wanted: readonly DiscoveredResource[], keep: (key: string) => boolean = () => false): Promise<void> {
    const want = new Map(wanted.map((r) => [keyOf(r), r]));
    for (const [key, m] of this.#byKey) {
      if (want.has(key) || keep(key)) continue;
      m.removeHandler();
      m.stop?.abort();
      this.#byKey.delete(key);
      await m.running;
    }
    for (const [key, r] of want) if (!this.#byKey.has(key)) this.#add(key, r);
  }

  #add(key: string, r: DiscoveredResource): void {
    let informer: Informer<KubeObject>;
    let stop: AbortController | undefined;
    if (builtInKeys.has(key)) informer = this.ctx.informers.informer<KubeObject>(r);
    else {
      informer = new Informer<KubeObject>({ source: new ResourceClient<KubeObject>(this.ctx.client, r), clock: this.ctx.clock, logger: this.ctx.logger });
      stop = new AbortController();
    }
    const id = (o: KubeObject) => identityOf(r, o);
    // Objects already cached (a shared informer that synced earlier, or a test's seed) are observed now;
    // the informer replays them too once synced, which the graph takes as no-op updates.
    for (const o of informer.store.list()) this.sink.observe(id(o), o);
    const removeHandler = informer.addEventHandler({
      onAdd: (o) => this.sink.observe(id(o), o),
      onUpdate: (old, cur) => this.sink.observe(id(cur), cur, old),
      onDelete: (o) => this.sink.remove(id(o)),
    });
    const m: Monitor = { resource: r, informer, removeHandler, stop };
    this.#byKey.set(key, m);
    this.#startOwn(m);
  }

  /** Whether every monitor has listed its resource once. */
  synced(): boolean {
    return [...this.#byKey.values()].every((m) => m.informer.hasSynced());
  }

  /** Resolves true once every monitor has synced (false if `signal` aborts first). */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.#byKey.values()].map((m) => m.informer.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** The monitored resources' keys (`group/version/resource`). */
  keys(): string[] {
    return [...this.#byKey.keys()];
  }

  /** Stops informers of our own and waits for them. */
  async stopAll(): Promise<void> {
    for (const m of this.#byKey.values()) {
      m.removeHandler();
      m.stop?.abort();
    }
    await Promise.all([...this.#byKey.values()].map((m) => m.running ?? Promise.resolve()));
  }
}
