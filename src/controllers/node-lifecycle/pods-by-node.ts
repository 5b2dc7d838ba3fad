/** Pods by spec.nodeName, from an index on the shared pod informer (added once, whoever asks first). */
import type { Pod } from '../../api/generated/core/v1.js';
import type { Store } from '../../client/store.js';

/** The index name; scoped to this controller so another controller's index of the same idea cannot clash with it. */
export const PODS_BY_NODE_INDEX = 'node-lifecycle/spec.nodeName';

/** Adds the index to `store` unless it is there, and returns a lookup over it. */
export function podsByNode(store: Store<Pod>): (nodeName: string) => Pod[] {
  try {
    store.byIndex(PODS_BY_NODE_INDEX, '');
  } catch {
    store.addIndexers({ [PODS_BY_NODE_INDEX]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
  }
  return (nodeName) => store.byIndex(PODS_BY_NODE_INDEX, nodeName);
}
