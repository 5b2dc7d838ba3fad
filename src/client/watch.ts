/**
 * The watch decoder: a newline-delimited JSON stream (`{"type":…,"object":…}` per line, the
 * kube-apiserver watch framing) turned into an async iterable of events. Chunks may split lines
 * and multi-byte characters anywhere; the iteration ends when the stream ends or the signal aborts.
 */
import { ApiError, type Status } from '../api/errors.js';
import type { WatchEvent, WatchEventType } from './types.js';

/** The watch asked for a resourceVersion the server no longer has (410): relist and watch again. */
export class WatchExpiredError extends ApiError {}

const types = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** A byte source; `destroy` (as on a Node stream) is called when the signal aborts. */
export type WatchSource = AsyncIterable<Uint8Array | string> & { destroy?: (error?: Error) => void };

function decodeLine<T>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`watch: undecodable event ${JSON.stringify(line.slice(0, 200))}`);
  }
  const ev = parsed as { type?: unknown; object?: unknown } | null;
  if (!ev || typeof ev !== 'object' || !types.has(ev.type as WatchEventType) || typeof ev.object !== 'object' || ev.object === null) {
    throw new Error(`watch: malformed event ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (ev.type === 'ERROR') {
    const status = ev.object as Status;
    if (status.code === 410) throw new WatchExpiredError({ ...status, reason: status.reason || 'Expired' });
    return { type: 'ERROR', object: status };
  }
  return ev as WatchEvent<T>;
}

/**
 * Decodes a watch stream. Yields ADDED/MODIFIED/DELETED/BOOKMARK and non-410 ERROR events; an
 * ERROR whose Status has code 410 throws {@link WatchExpiredError}. When `signal` aborts, the
 * source is destroyed and the iteration ends quietly.
 */
export async function* decodeWatch<T>(source: WatchSource, signal?: AbortSignal): AsyncGenerator<WatchEvent<T>> {
  const it = source[Symbol.asyncIterator]();
  const decoder = new TextDecoder('utf-8');
  let aborted: () => void = () => undefined;
  const abortPromise = new Promise<'aborted'>((resolve) => {
    aborted = () => resolve('aborted');
  });
  const onAbort = () => {
    source.destroy?.();
    aborted();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  let buffered = '';
  try {
    for (;;) {
      const next = it.next();
      // A destroyed stream may reject the pending read; the race has already decided by then.
      next.catch(() => undefined);
      const step = await Promise.race([next, abortPromise]);
      if (step === 'aborted') return;
      if (step.done) break;
      buffered += typeof step.value === 'string' ? step.value : decoder.decode(step.value, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line !== '') yield decodeLine<T>(line);
        if (signal?.aborted) return;
      }
    }
    const rest = (buffered + decoder.decode()).trim();
    if (rest !== '') yield decodeLine<T>(rest);
  } catch (e) {
    if (signal?.aborted) return;
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!signal?.aborted) source.destroy?.();
  }
}
