/**
 * One informer per resource, shared by every component in a process (client-go's
 * SharedInformerFactory): the controllers of a controller manager all read pods from one cache
 * over one watch instead of each opening their own.
 */
import { createLogger, type Logger } from '../util/log.js';
import { realClock, type Clock } from './clock.js';
import { Informer } from './informer.js';
import type { ResourceDescriptor } from './paths.js';
import { ResourceClient } from './resource.js';
import type { KubeObject, Transport } from './types.js';

/** Options of {@link SharedInformers}. */
export interface SharedInformersOptions {
  transport: Transport;
  clock?: Clock;
  logger?: Logger;
  /** onUpdate(obj, obj) for every cached object this often (ms); off by default. */
  resyncPeriodMs?: number;
}

const keyOf = (d: ResourceDescriptor) => `${d.group}/${d.version}/${d.resource}`;

/** Informers by resource, started together; ones asked for after start begin at once. */
export class SharedInformers {
  readonly #o: SharedInformersOptions;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  readonly #runs: Promise<void>[] = [];
  #signal: AbortSignal | undefined;

  constructor(options: SharedInformersOptions) {
    this.#o = options;
  }

  /** The shared informer of `descriptor` (created on first use). */
  informer<T extends KubeObject>(descriptor: ResourceDescriptor): Informer<T> {
    const key = keyOf(descriptor);
    let inf = this.#informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>({
        source: new ResourceClient(this.#o.transport, descriptor),
        clock: this.#o.clock ?? realClock,
        logger: this.#o.logger ?? createLogger(`informer/${descriptor.resource}`),
        resyncPeriodMs: this.#o.resyncPeriodMs,
      });
      this.#informers.set(key, inf);
      if (this.#signal) this.#runs.push(inf.run(this.#signal));
    }
    return inf as unknown as Informer<T>;
  }

  /** Runs every informer asked for so far, and later ones as they are asked for, until `signal` aborts. */
  start(signal: AbortSignal): void {
    if (this.#signal) throw new Error('shared informers already started');
    this.#signal = signal;
    for (const inf of this.#informers.values()) this.#runs.push(inf.run(signal));
  }

  /** Resolves true when every informer asked for so far has synced (false if `signal` aborts first). */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.#informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every running informer has stopped (after the start signal aborts). */
  async stopped(): Promise<void> {
    await Promise.all(this.#runs);
  }
}
