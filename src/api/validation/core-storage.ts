// PersistentVolume and PersistentVolumeClaim validation (ValidatePersistentVolume,
// ValidatePersistentVolumeClaim and their updates) for the fields clients commonly set.
import { field, type FieldError } from '../errors.js';
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec } from '../generated/core/v1.js';
import { parseQuantityAt, validateResourceQuantityValue } from './core-resources.js';
import { validatePathNoBacksteps } from './core-volumes.js';
import { deepEqual, validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder', 'fc',
  'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
] as const;

function validateAccessModes(modes: string[] | undefined, p: ReturnType<typeof field.path>, required: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = modes ?? [];
  if (list.length === 0) errs.push(field.required(p, required));
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!ACCESS_MODES.includes(m)) errs.push(field.notSupported(p, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(field.forbidden(p, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** ValidatePersistentVolume (create; update adds immutability of the source). */
export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, { namespaced: false, nameRule: nameIsDNSSubdomain });
  const spec = pv.spec ?? {};
  const sp = field.path('spec');
  errs.push(...validateAccessModes(spec.accessModes, sp.child('accessModes'), ''));
  const capacity = spec.capacity ?? {};
  const keys = Object.keys(capacity);
  if (keys.length === 0) errs.push(field.required(sp.child('capacity')));
  if (!Object.hasOwn(capacity, 'storage') || keys.length > 1) errs.push(field.notSupported(sp.child('capacity'), capacity, ['storage']));
  for (const k of keys.sort()) {
    const cp = sp.child('capacity').key(k);
    const q = parseQuantityAt(capacity[k] ?? '', cp, errs);
    if (q && q.sign() <= 0) errs.push(field.invalid(cp, q.toString(), 'must be greater than zero'));
  }
  const policy = spec.persistentVolumeReclaimPolicy ?? '';
  if (policy !== '' && !RECLAIM_POLICIES.includes(policy)) errs.push(field.notSupported(sp.child('persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  let n = 0;
  const specFields = new Map<string, unknown>(Object.entries(spec));
  for (const key of PV_SOURCES) {
    if (specFields.get(key) === undefined) continue;
    if (n > 0) {
      errs.push(field.forbidden(sp.child(key), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    if (key === 'hostPath' || key === 'local') {
      const path = (key === 'hostPath' ? spec.hostPath?.path : spec.local?.path) ?? '';
      if (path === '') errs.push(field.required(sp.child(key).child('path')));
      else errs.push(...validatePathNoBacksteps(path, sp.child(key).child('path')));
    }
    if (key === 'nfs') {
      if ((spec.nfs?.server ?? '') === '') errs.push(field.required(sp.child('nfs').child('server')));
      const nfsPath = spec.nfs?.path ?? '';
      if (nfsPath === '') errs.push(field.required(sp.child('nfs').child('path')));
      if (!nfsPath.startsWith('/')) errs.push(field.invalid(sp.child('nfs').child('path'), nfsPath, 'must be an absolute path'));
    }
    if (key === 'csi') {
      if ((spec.csi?.driver ?? '') === '') errs.push(field.required(sp.child('csi').child('driver')));
      if ((spec.csi?.volumeHandle ?? '') === '') errs.push(field.required(sp.child('csi').child('volumeHandle')));
    }
  }
  if (n === 0) errs.push(field.required(sp, 'must specify a volume type'));
  if (spec.storageClassName) errs.push(...nameIsDNSSubdomain(spec.storageClassName, false).map((m) => field.invalid(sp.child('storageClassName'), spec.storageClassName, m)));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(field.notSupported(sp.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  return errs;
}

/** ValidatePersistentVolumeUpdate: the volume source and volumeMode are immutable. */
export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pv.metadata, old.metadata), ...validatePersistentVolume(pv)];
  const n = new Map<string, unknown>(Object.entries(pv.spec ?? {}));
  const o = new Map<string, unknown>(Object.entries(old.spec ?? {}));
  if (PV_SOURCES.some((k) => !deepEqual(n.get(k), o.get(k)))) errs.push(field.forbidden(field.path('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is forbidden.'));
  errs.push(...validateImmutable(pv.spec?.volumeMode, old.spec?.volumeMode, field.path('volumeMode')));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec at `spec`. */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec | undefined, sp = field.path('spec')): FieldError[] {
  const s = spec ?? {};
  const errs = validateAccessModes(s.accessModes, sp.child('accessModes'), 'at least 1 access mode is required');
  const rp = sp.child('resources').key('storage');
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.push(field.required(rp));
  else {
    const q = parseQuantityAt(storage, rp, errs);
    if (q && q.sign() <= 0) errs.push(field.invalid(rp, q.toString(), 'must be greater than zero'));
    else if (q) errs.push(...validateResourceQuantityValue('storage', q, rp));
  }
  if (s.storageClassName) errs.push(...nameIsDNSSubdomain(s.storageClassName, false).map((m) => field.invalid(sp.child('storageClassName'), s.storageClassName, m)));
  if (s.volumeMode !== undefined && !VOLUME_MODES.includes(s.volumeMode)) errs.push(field.notSupported(sp.child('volumeMode'), s.volumeMode, VOLUME_MODES));
  return errs;
}

/** ValidatePersistentVolumeClaim (create). */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, { namespaced: true, nameRule: nameIsDNSSubdomain }), ...validatePersistentVolumeClaimSpec(pvc.spec)];
}

/** ValidatePersistentVolumeClaimUpdate: spec immutable but volumeName once and requests of bound claims. */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validatePersistentVolumeClaim(pvc)];
  const n: PersistentVolumeClaimSpec = { ...(pvc.spec ?? {}) };
  const o: PersistentVolumeClaimSpec = { ...(old.spec ?? {}) };
  if (!o.volumeName) o.volumeName = n.volumeName;
  if (o.storageClassName === undefined && n.storageClassName !== undefined) o.storageClassName = n.storageClassName;
  if (pvc.status?.phase === 'Bound' && n.resources?.requests) {
    n.resources = { ...n.resources, requests: { ...n.resources.requests, storage: o.resources?.requests?.storage ?? '' } };
    if (n.volumeAttributesClassName !== undefined) n.volumeAttributesClassName = o.volumeAttributesClassName;
  }
  if (!deepEqual(n, o)) {
    errs.push(field.forbidden(field.path('spec'), 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = pvc.spec?.resources?.requests?.storage;
  const oldSize = old.spec?.resources?.requests?.storage;
  if (newSize !== undefined && oldSize !== undefined) {
    const scratch: FieldError[] = [];
    const a = parseQuantityAt(newSize, field.path('spec'), scratch);
    const b = parseQuantityAt(oldSize, field.path('spec'), scratch);
    const statusCap = old.status?.capacity?.storage;
    const c = statusCap !== undefined ? parseQuantityAt(statusCap, field.path('status'), scratch) : undefined;
    if (a && b && a.cmp(b) < 0 && (!c || a.cmp(c) <= 0)) {
      errs.push(field.forbidden(field.path('spec', 'resources', 'requests', 'storage'), 'field can not be less than status.capacity'));
    }
  }
  errs.push(...validateImmutable(pvc.spec?.volumeMode, old.spec?.volumeMode, field.path('volumeMode')));
  return errs;
}
