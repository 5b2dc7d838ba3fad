// The core/v1 kinds' validation, as one map from kind to its create and update rules
// (what each kind's registry strategy calls upstream).
import type { FieldError } from '../errors.js';
import type * as core from '../generated/core/v1.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEndpointsUpdate,
  validateEvent,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './core-misc.js';
import {
  validatePodCreate,
  validatePodTemplate,
  validatePodTemplateUpdate,
  validatePodUpdate,
  validateReplicationController,
  validateReplicationControllerUpdate,
} from './core-pod.js';
import { validateLimitRange, validateResourceQuota, validateResourceQuotaUpdate } from './core-resources.js';
import { validateService, validateServiceUpdate } from './core-service.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from './core-storage.js';
import { validateObjectMetaUpdate } from './meta.js';

/** One kind's validation: `create(obj)` and `update(obj, old)`, each returning field errors. */
export interface KindValidator<T> {
  create(obj: T): FieldError[];
  update(obj: T, old: T): FieldError[];
}

const kind = <T>(create: (obj: T) => FieldError[], update: (obj: T, old: T) => FieldError[]): KindValidator<T> => ({ create, update });

/** Core/v1 validators by kind (the map key of the validation index for the core group). */
export const coreValidators = {
  Pod: kind<core.Pod>(validatePodCreate, validatePodUpdate),
  PodTemplate: kind<core.PodTemplate>(validatePodTemplate, validatePodTemplateUpdate),
  ReplicationController: kind<core.ReplicationController>(validateReplicationController, validateReplicationControllerUpdate),
  Service: kind<core.Service>((s) => validateService(s), (s, o) => validateServiceUpdate(s, o)),
  Namespace: kind<core.Namespace>(validateNamespace, validateNamespaceUpdate),
  ConfigMap: kind<core.ConfigMap>(validateConfigMap, validateConfigMapUpdate),
  Secret: kind<core.Secret>(validateSecret, validateSecretUpdate),
  ServiceAccount: kind<core.ServiceAccount>(validateServiceAccount, validateServiceAccountUpdate),
  Endpoints: kind<core.Endpoints>(validateEndpoints, validateEndpointsUpdate),
  Event: kind<core.Event>(validateEvent, (e) => validateEvent(e)),
  Node: kind<core.Node>(validateNode, validateNodeUpdate),
  LimitRange: kind<core.LimitRange>(validateLimitRange, (l, o) => [...validateObjectMetaUpdate(l.metadata, o.metadata), ...validateLimitRange(l)]),
  ResourceQuota: kind<core.ResourceQuota>(validateResourceQuota, validateResourceQuotaUpdate),
  PersistentVolume: kind<core.PersistentVolume>(validatePersistentVolume, validatePersistentVolumeUpdate),
  PersistentVolumeClaim: kind<core.PersistentVolumeClaim>(validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate),
} satisfies Record<string, KindValidator<never>>;

export { validatePodSpec, validatePodTemplateSpec, validateTolerations } from './core-podspec.js';
export { validateResourceRequirements } from './core-resources.js';
