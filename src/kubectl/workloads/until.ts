/**
 * client-go's `watchtools.UntilWithSync` narrowed to what kubectl uses it for: follow one object by
 * name (a LIST then a WATCH with `fieldSelector=metadata.name=<name>`, as an informer would), hand
 * each ADDED/MODIFIED/DELETED event to a condition, and stop when it says done, throws, or the
 * timeout passes. A watch the server ends is resumed; an expired one (410) is relisted, and the
 * differences are delivered as events, so nothing is missed in between.
 */
import { apiVersionOf } from '../../client/paths.js';
import type { KubeObject, WatchEvent } from '../../client/types.js';
import { WatchExpiredError } from '../../client/watch.js';
import type { Factory, ResourceMapping } from '../types.js';

/** One event as the condition sees it (ERROR events carry a Status as the object). */
export interface UntilEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';
  object: KubeObject;
}

/** Where to look and for how long. */
export interface UntilOptions {
  namespace: string;
  name: string;
  /** 0 or less: no timeout. */
  timeoutMs: number;
  /**
   * Checked once after the first LIST with the object (or undefined when absent): `true` ends the
   * wait at once (with no object), a thrown error ends it with that error.
   */
  precondition?: (current: KubeObject | undefined) => boolean;
}

/** The wait ran out of time (kubectl: `timed out waiting for the condition`). */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor() {
    super('timed out waiting for the condition');
  }
}

/**
 * Follows the object until `condition` returns true; resolves with the event's object, or undefined
 * when the precondition ended the wait. Throws {@link WaitTimeoutError} on timeout.
 */
export async function untilWithSync(
  f: Factory,
  mapping: ResourceMapping,
  o: UntilOptions,
  condition: (ev: UntilEvent) => boolean | Promise<boolean>,
): Promise<KubeObject | undefined> {
  const ac = new AbortController();
  const timer = o.timeoutMs > 0 ? setTimeout(() => ac.abort(new WaitTimeoutError()), o.timeoutMs) : undefined;
  try {
    return await follow(f, mapping, o, condition, ac.signal);
  } catch (e) {
    if (ac.signal.aborted && ac.signal.reason instanceof WaitTimeoutError) throw ac.signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

async function follow(
  f: Factory,
  mapping: ResourceMapping,
  o: UntilOptions,
  condition: (ev: UntilEvent) => boolean | Promise<boolean>,
  signal: AbortSignal,
): Promise<KubeObject | undefined> {
  const client = f.client().resource(mapping);
  const namespace = mapping.namespaced ? o.namespace : undefined;
  const fieldSelector = `metadata.name=${o.name}`;
  let cached: KubeObject | undefined;
  let first = true;
  const check = (): never => {
    throw signal.reason instanceof Error ? signal.reason : new WaitTimeoutError();
  };
  for (;;) {
    if (signal.aborted) check();
    // LIST: deliver what changed since the cache, as an informer's Replace would.
    const list = await client.list({ namespace, fieldSelector, signal });
    const current = list.items.find((i) => i.metadata?.name === o.name);
    const withKind = current ? { apiVersion: apiVersionOf(mapping), kind: mapping.kind, ...current } : undefined;
    if (first && o.precondition) {
      if (o.precondition(withKind)) return undefined;
    }
    const events: UntilEvent[] = [];
    if (withKind) events.push({ type: cached ? 'MODIFIED' : 'ADDED', object: withKind });
    else if (cached) events.push({ type: 'DELETED', object: cached });
    first = false;
    cached = withKind;
    for (const ev of events) if (await condition(ev)) return ev.object;
    let rv = list.metadata?.resourceVersion;
    // WATCH until the server closes it; resume from the last version seen, relist when expired.
    try {
      for (;;) {
        if (signal.aborted) check();
        for await (const ev of client.watch({ namespace, fieldSelector, resourceVersion: rv, allowWatchBookmarks: true, signal, timeoutMs: 0 })) {
          const out = toEvent(ev, mapping);
          if (!out) {
            rv = ev.type === 'BOOKMARK' ? (ev.object.metadata?.resourceVersion ?? rv) : rv;
            continue;
          }
          if (out.type !== 'ERROR') {
            rv = out.object.metadata?.resourceVersion ?? rv;
            cached = out.type === 'DELETED' ? undefined : out.object;
          }
          if (await condition(out)) return out.object;
        }
        if (signal.aborted) check();
      }
    } catch (e) {
      if (!(e instanceof WatchExpiredError)) throw e;
    }
  }
}

function toEvent(ev: WatchEvent<KubeObject>, mapping: ResourceMapping): UntilEvent | undefined {
  if (ev.type === 'BOOKMARK') return undefined;
  if (ev.type === 'ERROR') return { type: 'ERROR', object: ev.object as unknown as KubeObject };
  const obj = ev.object;
  return { type: ev.type, object: obj.kind ? obj : { apiVersion: apiVersionOf(mapping), kind: mapping.kind, ...obj } };
}
