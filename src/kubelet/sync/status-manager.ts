/**
 * Posts pod statuses to the API server when they change (the kubelet's status manager). Writes are
 * merge patches of the whole status guarded by the pod's uid, one at a time per pod; a failed write
 * is retried on the next change or resync. Static pods report through their mirror pod.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Pod, PodStatus } from '../../api/generated/core/v1.js';
import { ResourceClient } from '../../client/resource.js';
import type { Transport } from '../../client/types.js';
import type { Logger } from '../../util/log.js';
import { errorText } from '../../util/errors.js';

const pods = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' } as const;

/** What changed, ignoring timestamps that move on every computation. */
function key(s: PodStatus): string {
  return JSON.stringify({ ...s, conditions: s.conditions?.map((c) => [c.type, c.status, c.reason, c.message]) });
}

export class StatusManager {
  readonly #pods: ResourceClient<Pod>;
  readonly #log: Logger;
  readonly #posted = new Map<string, string>();
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(o: { client: Transport; log: Logger }) {
    this.#pods = new ResourceClient<Pod>(o.client, pods);
    this.#log = o.log;
  }

  /**
   * Sends `status` for the API object `target` (the pod itself, or the mirror pod of a static pod)
   * unless the same status was already posted.
   */
  async set(target: { namespace: string; name: string; uid: string }, status: PodStatus): Promise<void> {
    const k = key(status);
    const id = `${target.namespace}/${target.name}/${target.uid}`;
    if (this.#posted.get(id) === k) return;
    const prev = this.#inFlight.get(id) ?? Promise.resolve();
    const next = prev.then(async () => {
      if (this.#posted.get(id) === k) return;
      try {
        await this.#pods.patch(target.name, { metadata: { uid: target.uid }, status }, { namespace: target.namespace, subresource: 'status', type: 'merge' });
        this.#posted.set(id, k);
      } catch (e) {
        if (isNotFound(e) || isConflict(e)) return; // the pod went away or was replaced
        this.#log.warn('pod status update failed', { pod: `${target.namespace}/${target.name}`, error: errorText(e) });
      }
    });
    this.#inFlight.set(id, next);
    await next;
    if (this.#inFlight.get(id) === next) this.#inFlight.delete(id);
  }

  /** Deletes an API pod once the kubelet has stopped it (the last step of graceful deletion). */
  async finalDelete(pod: Pod): Promise<void> {
    try {
      await this.#pods.delete(pod.metadata!.name!, { namespace: pod.metadata!.namespace!, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid! } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

}
