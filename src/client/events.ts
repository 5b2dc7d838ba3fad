/**
 * The event recorder: writes core/v1 Events about objects, as client-go's recorder does, and
 * folds repeats (same object, type, reason and message within 10 minutes) into one Event whose
 * count and lastTimestamp are PATCHed up instead of creating a new Event each time.
 */
import { isNotFound } from '../api/errors.js';
import type { Event, ObjectReference } from '../api/generated/core/v1.js';
import { createLogger, type Logger } from '../util/log.js';
import { realClock, type Clock } from './clock.js';
import { ResourceClient } from './resource.js';
import type { KubeObject, Transport } from './types.js';
import { rfc3339 } from '../api/time.js';
import { errorText } from '../util/errors.js';

/** The core/v1 Event resource. */
export const eventsResource = { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' } as const;

/** Normal or Warning, as kubectl's TYPE column shows. */
export type EventType = 'Normal' | 'Warning';

/** Options of an {@link EventRecorder}. */
export interface EventRecorderOptions {
  client: Transport;
  /** `source.component`, e.g. `deployment-controller`, `kubelet`. */
  component: string;
  /** `source.host` (kubelets set their node name). */
  host?: string;
  /** How long a repeat still counts as the same Event (default 10 minutes). */
  aggregationWindowMs?: number;
  /** How many distinct events to remember for aggregation (default 4096, as client-go's LRU). */
  cacheSize?: number;
  clock?: Clock;
  logger?: Logger;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
}

/** Builds the involvedObject reference for an object (kind and apiVersion must be set on it). */
export function referenceTo(obj: KubeObject): ObjectReference {
  const m = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion };
}


/**
 * Records Events. `record` never throws and never blocks the caller: writes go out one at a time
 * in order (so a repeat finds the Event its predecessor created); `flush` waits for them.
 */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #events: ResourceClient<Event>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #seen = new Map<string, Seen>();
  #tail: Promise<void> = Promise.resolve();
  #seq = 0;

  constructor(options: EventRecorderOptions) {
    this.#o = options;
    this.#events = new ResourceClient<Event>(options.client, eventsResource);
    this.#clock = options.clock ?? realClock;
    this.#log = options.logger ?? createLogger('events');
  }

  /** Records that `reason` happened to `obj` (an object or an ObjectReference). */
  record(obj: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    const ref = 'metadata' in obj ? referenceTo(obj) : (obj as ObjectReference);
    const now = this.#clock.now();
    this.#tail = this.#tail.then(() => this.#write(ref, type, reason, message, now)).catch((e: unknown) => {
      this.#log.warn('could not write event', { reason, object: `${ref.kind ?? ''}/${ref.name ?? ''}`, error: errorText(e) });
    });
  }

  /** Resolves when every event recorded so far has been written (or given up on). */
  flush(): Promise<void> {
    return this.#tail;
  }

  async #write(ref: ObjectReference, type: EventType, reason: string, message: string, now: number): Promise<void> {
    const key = JSON.stringify([ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid, type, reason, message, this.#o.component, this.#o.host]);
    const seen = this.#seen.get(key);
    const window = this.#o.aggregationWindowMs ?? 10 * 60_000;
    const ts = rfc3339(now);
    if (seen && now - seen.lastSeen <= window) {
      try {
        const count = seen.count + 1;
        await this.#events.patch(seen.name, { count, lastTimestamp: ts, message }, { namespace: seen.namespace, type: 'strategic' });
        this.#remember(key, { ...seen, count, lastSeen: now });
        return;
      } catch (e) {
        // The Event expired (TTL) or was deleted: start a new one.
        if (!isNotFound(e)) throw e;
      }
    }
    const namespace = ref.namespace || 'default';
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      // client-go names events <object>.<unix nanos in hex>, unique per object and time.
      metadata: { name: `${ref.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(this.#seq++ % 1_000_000)).toString(16)}`, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: { component: this.#o.component, ...(this.#o.host ? { host: this.#o.host } : {}) },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      reportingComponent: this.#o.component,
      reportingInstance: this.#o.host ?? '',
    };
    const created = await this.#events.create(event, { namespace });
    this.#remember(key, { namespace, name: created.metadata.name ?? event.metadata.name ?? '', count: 1, firstTimestamp: ts, lastSeen: now });
  }

  #remember(key: string, seen: Seen): void {
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    const max = this.#o.cacheSize ?? 4096;
    while (this.#seen.size > max) {
      const oldest = this.#seen.keys().next();
      if (oldest.done) break;
      this.#seen.delete(oldest.value);
    }
  }
}
