/**
 * `kubectl delete --wait` (the default): after the DELETEs, wait until each object is gone, or
 * replaced by a namesake with another UID, as kubectl's `wait --for=delete` does. One deadline
 * covers all objects; the first one still present at the deadline is the error.
 */
import { isStatus } from '../../errors.js';
import { CliError } from '../../errors.js';
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import type { Factory, ResourceInfo } from '../../types.js';

/** How often to look again; kubectl watches, a short poll gives the same result. */
const POLL_MS = 250;

/** Options of {@link waitDeleted}. */
export interface WaitDeletedOptions {
  /** ms; 0 means kubectl's default of a week. */
  timeoutMs: number;
  /** The UID each object had when it was deleted (from the DELETE response). */
  uids: Map<ResourceInfo, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Resolves when every info is gone; throws `timed out waiting for the condition on pods/x` at the
 * deadline. A Forbidden or MethodNotAllowed GET ends the wait quietly, as kubectl does.
 */
export async function waitDeleted(f: Factory, infos: ResourceInfo[], o: WaitDeletedOptions): Promise<void> {
  const sleep = o.sleep ?? defaultSleep;
  const now = o.now ?? Date.now;
  const deadline = now() + (o.timeoutMs > 0 ? o.timeoutMs : 168 * 3600_000);
  for (const info of infos) {
    for (;;) {
      let live: KubeObject;
      try {
        live = await f.client().request<KubeObject>({ method: 'GET', path: resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name }) });
      } catch (e) {
        if (isStatus(e, 404)) break;
        if (isStatus(e, 403) || isStatus(e, 405)) return;
        throw e;
      }
      const uid = o.uids.get(info);
      if (uid && live.metadata?.uid && live.metadata.uid !== uid) break;
      if (now() >= deadline) throw new CliError(`timed out waiting for the condition on ${info.mapping.resource}/${info.name}`);
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - now())));
    }
  }
}
