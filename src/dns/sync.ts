/**
 * Keeps the record index in step with the API: Service and EndpointSlice informer events name the
 * Service they touch, and that Service's records are recomputed from the caches and replaced in
 * the index. Recomputing is a pure, in-memory step, so it runs in the event handler itself.
 */
import type { Service } from '../api/generated/core/v1.js';
import type { EndpointSlice } from '../api/generated/discovery/v1.js';
import type { Informer } from '../client/informer.js';
import { objectKey } from '../client/store.js';
import type { RecordIndex } from './record-index.js';
import { sliceServiceKey } from '../api/endpointslices.js';
import { serviceDomain, serviceRecords } from './records.js';

const BY_SERVICE = 'dns/service';


/** Feeds `index` from the two informers; returns a function that detaches the handlers. */
export function syncIndex(index: RecordIndex, services: Informer<Service>, slices: Informer<EndpointSlice>): () => void {
  slices.store.addIndexers({ [BY_SERVICE]: (s) => [sliceServiceKey(s) ?? ''] });
  const refresh = (key: string) => {
    const svc = services.store.get(key);
    if (!svc?.metadata?.name) return index.replace(key, []);
    const records = serviceRecords(svc, slices.store.byIndex(BY_SERVICE, key), index.zone);
    index.replace(key, records, [serviceDomain(svc.metadata.name, svc.metadata.namespace ?? 'default', index.zone)]);
  };
  const onSlice = (s: EndpointSlice) => {
    const key = sliceServiceKey(s);
    if (key) refresh(key);
  };
  const offServices = services.addEventHandler({
    onAdd: (s) => refresh(objectKey(s)),
    onUpdate: (_old, s) => refresh(objectKey(s)),
    onDelete: (s) => refresh(objectKey(s)),
  });
  const offSlices = slices.addEventHandler({
    onAdd: onSlice,
    onUpdate: (old, s) => {
      // A slice relabelled to another Service leaves the first one too.
      const before = sliceServiceKey(old);
      if (before && before !== sliceServiceKey(s)) refresh(before);
      onSlice(s);
    },
    onDelete: onSlice,
  });
  return () => {
    offServices();
    offSlices();
  };
}
