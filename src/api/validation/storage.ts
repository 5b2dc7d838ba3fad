// storage.k8s.io/v1 StorageClass validation (upstream pkg/apis/storage/validation).
import type * as storageV1 from '../generated/storage/v1.js';
import { field } from '../errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from './names.js';
import { immutable, metaErrors, metaUpdateErrors, root, semanticEqual, type FieldError } from './group-helpers.js';

const MAX_PROVISIONER_LENGTH = 63;
const MAX_PARAMETERS_SIZE = 256 * 1024;
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

function provisionerErrors(p: string): FieldError[] {
  const path = root('provisioner');
  if (p === '') return [field.required(path)];
  const errs: FieldError[] = [];
  if (p.length > MAX_PROVISIONER_LENGTH) errs.push(field.tooLong(path, MAX_PROVISIONER_LENGTH));
  errs.push(...isQualifiedName(p.toLowerCase()).map((m) => field.invalid(path, p, m)));
  return errs;
}

function parametersErrors(params: Record<string, string> | undefined): FieldError[] {
  const path = root('parameters');
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(params ?? {})) {
    if (k === '') errs.push(field.invalid(path, k, 'field can not be empty.'));
    total += k.length + v.length;
  }
  if (total > MAX_PARAMETERS_SIZE) errs.push(field.tooLong(path, MAX_PARAMETERS_SIZE));
  return errs;
}

/** Validates a StorageClass on create (upstream `ValidateStorageClass`). */
export function validateStorageClass(sc: storageV1.StorageClass): FieldError[] {
  const errs = [...metaErrors(sc.metadata, { namespaced: false, name: nameIsDNSSubdomain }), ...provisionerErrors(sc.provisioner ?? ''), ...parametersErrors(sc.parameters)];
  const rp = sc.reclaimPolicy ?? '';
  if (!RECLAIM_POLICIES.includes(rp)) errs.push(field.notSupported(root('reclaimPolicy'), rp, RECLAIM_POLICIES));
  const mode = sc.volumeBindingMode;
  if (mode === undefined) errs.push(field.required(root('volumeBindingMode')));
  else if (!BINDING_MODES.includes(mode)) errs.push(field.notSupported(root('volumeBindingMode'), mode, BINDING_MODES));
  return errs;
}

/** Validates a StorageClass on update: provisioner, parameters, reclaimPolicy and binding mode are fixed. */
export function validateStorageClassUpdate(sc: storageV1.StorageClass, old: storageV1.StorageClass): FieldError[] {
  // The strategy runs the create rules first, then these.
  const errs = [...validateStorageClass(sc), ...metaUpdateErrors(sc.metadata, old.metadata)];
  if (!semanticEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(field.forbidden(root('parameters'), 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(field.forbidden(root('provisioner'), 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(field.forbidden(root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...immutable(sc.volumeBindingMode, old.volumeBindingMode, root('volumeBindingMode')));
  return errs;
}
