/**
 * Mirror pods: the API's read-only view of a static pod, so `kubectl get pods` shows what the node
 * runs from its manifest folder. Named like the static pod, annotated with the manifest's hash,
 * owned by the Node; recreated when deleted, replaced when the manifest changes.
 */
import { isAlreadyExists, isConflict, isNotFound } from '../../api/errors.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { ResourceClient } from '../../client/resource.js';
import type { Transport } from '../../client/types.js';
import type { Logger } from '../../util/log.js';
import { CONFIG_HASH, CONFIG_MIRROR } from './static.js';
import { errorText } from '../../util/errors.js';

const podsResource = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' } as const;

export const isMirrorPod = (p: Pod): boolean => p.metadata?.annotations?.[CONFIG_MIRROR] !== undefined;

export class MirrorPods {
  readonly #pods: ResourceClient<Pod>;
  readonly #log: Logger;

  constructor(o: { client: Transport; log: Logger }) {
    this.#pods = new ResourceClient<Pod>(o.client, podsResource);
    this.#log = o.log;
  }

  /**
   * Makes the API's mirror pods match the static pods: creates missing ones, replaces those of an
   * older manifest or being deleted, deletes those whose static pod is gone.
   * `mirrors` are the mirror pods currently in the API for this node.
   */
  async reconcile(statics: Pod[], mirrors: Pod[], node: { name: string; uid?: string }): Promise<void> {
    const byName = new Map(mirrors.map((m) => [`${m.metadata!.namespace}/${m.metadata!.name}`, m]));
    for (const sp of statics) {
      const key = `${sp.metadata!.namespace}/${sp.metadata!.name}`;
      const hash = sp.metadata!.annotations![CONFIG_HASH]!;
      const m = byName.get(key);
      byName.delete(key);
      if (m && m.metadata?.annotations?.[CONFIG_MIRROR] === hash && !m.metadata?.deletionTimestamp) continue;
      if (m) await this.#delete(m);
      await this.#create(sp, hash, node);
    }
    for (const m of byName.values()) await this.#delete(m);
  }

  async #create(sp: Pod, hash: string, node: { name: string; uid?: string }): Promise<void> {
    const mirror: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: sp.metadata!.name!,
        namespace: sp.metadata!.namespace!,
        labels: sp.metadata!.labels ?? {},
        annotations: { ...sp.metadata!.annotations, [CONFIG_MIRROR]: hash },
        ...(node.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }] } : {}),
      },
      spec: sp.spec!,
    };
    try {
      await this.#pods.create(mirror, { namespace: sp.metadata!.namespace! });
      this.#log.info('mirror pod created', { pod: `${sp.metadata!.namespace}/${sp.metadata!.name}` });
    } catch (e) {
      if (!isAlreadyExists(e)) this.#log.warn('mirror pod create failed', { pod: sp.metadata!.name, error: errorText(e) });
    }
  }

  async #delete(m: Pod): Promise<void> {
    try {
      await this.#pods.delete(m.metadata!.name!, { namespace: m.metadata!.namespace!, gracePeriodSeconds: 0, preconditions: { uid: m.metadata!.uid! } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) this.#log.warn('mirror pod delete failed', { pod: m.metadata!.name, error: errorText(e) });
    }
  }
}
