/**
 * WATCH over HTTP: newline-delimited JSON events (`{"type":"ADDED","object":{...}}\n`), from the
 * watch cache, with bookmarks, timeoutSeconds, Table rows for `kubectl get -w`, and a 410 ERROR
 * event when the requested resourceVersion is older than the cache's window.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../../api/errors.js';
import { TooOldError } from '../cache/watch-cache.js';
import type { StoredObject } from '../object.js';
import { groupVersion } from '../resources.js';
import type { ResourceStore } from './resource-store.js';
import type { Selection } from './selection.js';

export interface WatchParams {
  keyPrefix: string;
  resourceVersion: string;
  timeoutSeconds?: number;
  bookmarks: boolean;
  /** Renders an object as the event's object (plain or a one-row Table); `first` is the first event. */
  render: (obj: StoredObject, first: boolean) => unknown;
  contentType: string;
  /** How often to send a bookmark when idle. */
  bookmarkIntervalMs?: number;
}

function expiredEvent(e: TooOldError): string {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${e.requested} (${e.oldest})`,
    reason: 'Expired',
    code: 410,
  };
  return JSON.stringify({ type: 'ERROR', object: status }) + '\n';
}

export async function serveWatch(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, sel: Selection, p: WatchParams): Promise<void> {
  let from = 0;
  if (p.resourceVersion !== '' && p.resourceVersion !== '0') {
    from = Number(p.resourceVersion);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${p.resourceVersion}`);
  }
  const ac = new AbortController();
  const onClose = () => ac.abort();
  req.on('close', onClose);
  res.on('close', onClose);
  // Like kube-apiserver: a watch without a positive timeoutSeconds ends after a random 30-60 minutes.
  const asked = p.timeoutSeconds !== undefined && Number.isFinite(p.timeoutSeconds) && p.timeoutSeconds > 0 ? p.timeoutSeconds : undefined;
  const timeoutMs = Math.min(asked ?? 1800 + Math.floor(Math.random() * 1800), 86_400) * 1000;
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const cache = rs.cache();
  try {
    let w;
    try {
      w = cache.watch({ fromRevision: from, keyPrefix: p.keyPrefix, filter: (o) => sel.matches(o), signal: ac.signal });
    } catch (e) {
      if (!(e instanceof TooOldError)) throw e;
      res.writeHead(200, { 'Content-Type': p.contentType, 'Transfer-Encoding': 'chunked' });
      res.end(expiredEvent(e));
      return;
    }
    res.writeHead(200, { 'Content-Type': p.contentType, 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    let first = true;
    const write = async (line: string) => {
      if (!res.write(line)) await new Promise<void>((resolve) => (res.once('drain', resolve), ac.signal.addEventListener('abort', () => resolve(), { once: true })));
    };
    for (;;) {
      const batch = await w.next(p.bookmarkIntervalMs ?? 15_000);
      if (batch === undefined || ac.signal.aborted) break;
      if (batch.length === 0) {
        if (p.bookmarks) {
          const bm = { kind: rs.res.kind, apiVersion: groupVersion(rs.res), metadata: { resourceVersion: String(w.revision) } };
          await write(JSON.stringify({ type: 'BOOKMARK', object: bm }) + '\n');
        }
        continue;
      }
      let out = '';
      for (const ev of batch) {
        out += JSON.stringify({ type: ev.type, object: p.render(rs.served(ev.object as StoredObject), first) }) + '\n';
        first = false;
      }
      await write(out);
    }
    w.close();
    res.end();
  } finally {
    clearTimeout(timer);
    req.off('close', onClose);
    res.off('close', onClose);
  }
}
