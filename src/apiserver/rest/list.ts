/**
 * LIST with limit/continue. The first page comes from the watch cache at its revision; later pages
 * come from storage at that same revision, so a paged listing is one consistent snapshot, and a
 * continue token outlived by compaction gets 410 as in Kubernetes.
 */
import { badRequest, gone } from '../../api/errors.js';
import { isStorageError } from '../../storage/errors.js';
import type { Store } from '../../storage/store.js';
import { decodeStored } from '../cache/cache-set.js';
import type { StoredObject } from '../object.js';
import type { ResourceStore } from './resource-store.js';
import type { Selection } from './selection.js';

export interface ListResult {
  items: StoredObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export const encodeContinue = (rv: number, start: string) =>
  Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start } satisfies ContinueToken)).toString('base64url');

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && typeof t.start === 'string') return t as ContinueToken;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export async function listObjects(rs: ResourceStore, store: Store, keyPrefix: string, sel: Selection, opts: { limit: number; continueToken: string }): Promise<ListResult> {
  const limit = opts.limit > 0 ? opts.limit : 0;
  if (!opts.continueToken) {
    const cache = rs.cache();
    const revision = cache.revision;
    const items: StoredObject[] = [];
    let lastKey = '';
    let more = false;
    let remaining = 0;
    for (const [key, obj] of cache.list(keyPrefix)) {
      if (!sel.matches(obj)) continue;
      if (limit && items.length >= limit) {
        more = true;
        if (!sel.everything) break;
        remaining++;
        continue;
      }
      items.push(obj);
      lastKey = key;
    }
    return {
      items,
      resourceVersion: String(revision),
      continue: more ? encodeContinue(revision, lastKey) : undefined,
      remainingItemCount: more && sel.everything ? remaining : undefined,
    };
  }
  const token = decodeContinue(opts.continueToken);
  if (!token.start.startsWith(keyPrefix)) throw badRequest('continue key is not valid for this request');
  const items: StoredObject[] = [];
  let after = token.start;
  let lastKey = '';
  for (;;) {
    let page;
    try {
      page = await store.list(keyPrefix, { revision: token.rv, limit: Math.max(limit, 100), startAfter: after });
    } catch (e) {
      if (isStorageError(e, 'Expired')) {
        throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      throw e;
    }
    for (const kv of page.kvs) {
      after = kv.key;
      const obj = decodeStored(kv);
      if (!sel.matches(obj)) continue;
      if (limit && items.length >= limit) {
        return { items, resourceVersion: String(token.rv), continue: encodeContinue(token.rv, lastKey) };
      }
      items.push(obj);
      lastKey = kv.key;
    }
    if (!page.more) return { items, resourceVersion: String(token.rv) };
  }
}
