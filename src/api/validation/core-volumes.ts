// Pod volumes: names, exactly one source, and the checks of the common sources (emptyDir,
// hostPath, secret, configMap, persistentVolumeClaim, downwardAPI, projected, nfs, csi, image).
import { field, type FieldError, type FieldPath } from '../errors.js';
import type { KeyToPath, Volume } from '../generated/core/v1.js';
import { parseQuantityAt } from './core-resources.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';

type P = FieldPath;

/** The volume sources in upstream's checking order, with the name each error path uses. */
const SOURCES: readonly (readonly [keyof Volume, string])[] = [
  ['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'], ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'], ['cinder', 'cinder'], ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI'], ['fc', 'fc'], ['flexVolume', 'flexVolume'], ['configMap', 'configMap'],
  ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['storageos', 'storageos'], ['projected', 'projected'],
  ['scaleIO', 'scaleIO'], ['csi', 'csi'], ['ephemeral', 'ephemeral'], ['image', 'image'],
];

const FILE_MODE_ERR = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(target: string, p: P): FieldError[] {
  return target.replace(/\\/g, '/').split('/').includes('..') ? [field.invalid(p, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without `..`. */
export function validateLocalDescendingPath(target: string, p: P): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(field.invalid(p, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, p));
  return errs;
}

/** ValidateLocalNonReservedPath: local descending path not starting with `..`. */
export function validateLocalNonReservedPath(target: string, p: P): FieldError[] {
  const errs = validateLocalDescendingPath(target, p);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(field.invalid(p, target, "must not start with '..'"));
  return errs;
}

const modeErr = (mode: number | undefined, p: P): FieldError[] =>
  mode !== undefined && (mode > 0o777 || mode < 0) ? [field.invalid(p, mode, FILE_MODE_ERR)] : [];

function validateKeyToPath(kp: KeyToPath, p: P): FieldError[] {
  const errs: FieldError[] = [];
  if ((kp.key ?? '') === '') errs.push(field.required(p.child('key')));
  if ((kp.path ?? '') === '') errs.push(field.required(p.child('path')));
  errs.push(...validateLocalNonReservedPath(kp.path ?? '', p.child('path')));
  errs.push(...modeErr(kp.mode, p.child('mode')));
  return errs;
}

/** Validates the one source a volume has, by its JSON name. */
function validateSource(v: Volume, key: keyof Volume, p: P): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case 'emptyDir': {
      const limit = v.emptyDir?.sizeLimit;
      if (limit !== undefined) {
        const q = parseQuantityAt(limit, p.child('emptyDir').child('sizeLimit'), errs);
        if (q && q.sign() < 0) errs.push(field.forbidden(p.child('emptyDir').child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    }
    case 'hostPath': {
      const hp = v.hostPath;
      if ((hp?.path ?? '') === '') return [field.required(p.child('path'))];
      errs.push(...validatePathNoBacksteps(hp?.path ?? '', p.child('path')));
      if (hp?.type !== undefined && !HOST_PATH_TYPES.includes(hp.type)) errs.push(field.notSupported(p.child('type'), hp.type, HOST_PATH_TYPES));
      break;
    }
    case 'secret':
      if ((v.secret?.secretName ?? '') === '') errs.push(field.required(p.child('secretName')));
      errs.push(...modeErr(v.secret?.defaultMode, p.child('defaultMode')));
      (v.secret?.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, p.child('items').index(i))));
      break;
    case 'configMap':
      if ((v.configMap?.name ?? '') === '') errs.push(field.required(p.child('name')));
      errs.push(...modeErr(v.configMap?.defaultMode, p.child('defaultMode')));
      (v.configMap?.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, p.child('items').index(i))));
      break;
    case 'persistentVolumeClaim':
      if ((v.persistentVolumeClaim?.claimName ?? '') === '') errs.push(field.required(p.child('claimName')));
      break;
    case 'nfs': {
      const nfsPath = v.nfs?.path ?? '';
      if ((v.nfs?.server ?? '') === '') errs.push(field.required(p.child('server')));
      if (nfsPath === '') errs.push(field.required(p.child('path')));
      if (!nfsPath.startsWith('/')) errs.push(field.invalid(p.child('path'), nfsPath, 'must be an absolute path'));
      break;
    }
    case 'gitRepo':
      if ((v.gitRepo?.repository ?? '') === '') errs.push(field.required(p.child('repository')));
      errs.push(...validateLocalDescendingPath(v.gitRepo?.directory ?? '', p.child('directory')));
      break;
    case 'downwardAPI':
      errs.push(...modeErr(v.downwardAPI?.defaultMode, p.child('defaultMode')));
      for (const file of v.downwardAPI?.items ?? []) {
        if ((file.path ?? '') === '') errs.push(field.required(p.child('path')));
        errs.push(...validateLocalNonReservedPath(file.path ?? '', p.child('path')));
        if (!file.fieldRef && !file.resourceFieldRef) errs.push(field.required(p, 'one of fieldRef and resourceFieldRef is required'));
        if (file.fieldRef && file.resourceFieldRef) errs.push(field.invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
        errs.push(...modeErr(file.mode, p.child('mode')));
      }
      break;
    case 'projected': {
      errs.push(...modeErr(v.projected?.defaultMode, p.child('defaultMode')));
      (v.projected?.sources ?? []).forEach((src, i) => {
        const sp = p.child('sources').index(i);
        let n = 0;
        if (src.secret) {
          n++;
          if ((src.secret.name ?? '') === '') errs.push(field.required(sp.child('secret').child('name')));
        }
        if (src.configMap) {
          n++;
          if ((src.configMap.name ?? '') === '') errs.push(field.required(sp.child('configMap').child('name')));
        }
        if (src.downwardAPI) n++;
        if (src.serviceAccountToken) {
          n++;
          const exp = src.serviceAccountToken.expirationSeconds ?? 3600;
          const tp = sp.child('serviceAccountToken').child('expirationSeconds');
          if (exp < 600) errs.push(field.invalid(tp, exp, 'may not specify a duration less than 10 minutes'));
          if (exp > 2 ** 32) errs.push(field.invalid(tp, exp, 'may not specify a duration larger than 2^32 seconds'));
          if ((src.serviceAccountToken.path ?? '') === '') errs.push(field.required(p.child('path')));
          else errs.push(...validateLocalNonReservedPath(src.serviceAccountToken.path ?? '', p.child('path')));
        }
        if (src.clusterTrustBundle) n++;
        if (n > 1) errs.push(field.forbidden(sp, 'may not specify more than 1 volume type per source'));
      });
      break;
    }
    case 'csi': {
      const driver = v.csi?.driver ?? '';
      const dp = p.child('driver');
      if (driver === '') errs.push(field.required(dp));
      if (driver.length > 63) errs.push(field.tooLong(dp, 63));
      errs.push(...isDNS1123Subdomain(driver.toLowerCase()).map((m) => field.invalid(dp, driver, m)));
      const ref = v.csi?.nodePublishSecretRef;
      if (ref) {
        if ((ref.name ?? '') === '') errs.push(field.required(p.child('nodePublishSecretRef').child('name')));
        else errs.push(...nameIsDNSSubdomain(ref.name ?? '', false).map((m) => field.invalid(p.child('name'), ref.name, m)));
      }
      break;
    }
    case 'ephemeral':
      if (!v.ephemeral?.volumeClaimTemplate) errs.push(field.required(p.child('volumeClaimTemplate')));
      break;
    case 'image': {
      const policy = v.image?.pullPolicy ?? '';
      if (policy === '') errs.push(field.required(p.child('pullPolicy')));
      else if (!PULL_POLICIES.includes(policy)) errs.push(field.notSupported(p.child('pullPolicy'), policy, PULL_POLICIES));
      break;
    }
    default:
      break;
  }
  return errs;
}

function validateVolumeSource(v: Volume, p: P): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const [key, pathName] of SOURCES) {
    if (v[key] === undefined || v[key] === null) continue;
    if (n > 0) {
      errs.push(field.forbidden(p.child(pathName), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const sp = key === 'gcePersistentDisk' ? p.child('persistentDisk') : key === 'cephfs' ? p.child('cephfs') : p.child(key);
    errs.push(...validateSource(v, key, sp));
  }
  if (n === 0) errs.push(field.required(p, 'must specify a volume type'));
  return errs;
}

/**
 * ValidateVolumes: names are unique DNS-1123 labels and each volume has exactly one valid source.
 * Returns the valid volumes by name (for volumeMounts) and the errors.
 */
export function validateVolumes(volumes: Volume[] | undefined, p: P): { names: Map<string, Volume>; errs: FieldError[] } {
  const names = new Map<string, Volume>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((vol, i) => {
    const ip = p.index(i);
    const np = ip.child('name');
    const name = vol.name ?? '';
    const el = validateVolumeSource(vol, ip);
    if (name === '') el.push(field.required(np));
    else el.push(...isDNS1123Label(name).map((m) => field.invalid(np, name, m)));
    if (names.has(name)) el.push(field.duplicate(np, name));
    if (el.length === 0) names.set(name, vol);
    else errs.push(...el);
  });
  return { names, errs };
}
