// storage.k8s.io/v1 defaults (upstream pkg/apis/storage/v1/defaults.go).
import type * as storageV1 from '../generated/storage/v1.js';

/** StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClass(sc: storageV1.StorageClass): storageV1.StorageClass {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
  return sc;
}
