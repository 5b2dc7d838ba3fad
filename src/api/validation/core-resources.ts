// Resource names and quantities (ResourceRequirements, LimitRange, ResourceQuota) with the
// core group's rules and messages (pkg/apis/core/validation + pkg/apis/core/helper).
import { field, type FieldError, type FieldPath } from '../errors.js';
import type { LimitRange, ResourceQuota, ResourceRequirements } from '../generated/core/v1.js';
import { Quantity, QuantityParseError, tryParseQuantity } from '../quantity.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isQualifiedName, nameIsDNSSubdomain } from './names.js';

type P = FieldPath;
type ResourceList = Record<string, string> | undefined;

const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu',
  'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims',
  'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports',
  'services.loadbalancers',
]);
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

const isHugePage = (n: string): boolean => n.startsWith('hugepages-');
const isQuotaHugePage = (n: string): boolean => n.startsWith('hugepages-') || n.startsWith('requests.hugepages-');
/** A resource with no domain or in `kubernetes.io/` (helper.IsNativeResource). */
export const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
/** A domain-qualified, non-native resource (helper.IsExtendedResourceName). */
export const isExtendedResourceName = (n: string): boolean =>
  !isNativeResource(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
/** Resources whose requests may be below limits: native ones but hugepages. */
export const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePage(n);
const isIntegerResource = (n: string): boolean => INTEGER_RESOURCES.has(n) || isExtendedResourceName(n);
const sorted = (m: ResourceList): [string, string][] => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Parses a wire quantity; a bad one becomes an Invalid error at `p` (the decoder's job upstream). */
export function parseQuantityAt(value: string, p: P, errs: FieldError[]): Quantity | undefined {
  const q = tryParseQuantity(String(value));
  if (q instanceof QuantityParseError) {
    errs.push(field.invalid(p, value, q.message));
    return undefined;
  }
  return q;
}

/** validateResourceName: qualified, and standard when unprefixed. */
export function validateResourceName(name: string, p: P): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(p, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !(STANDARD_RESOURCES.has(name) || isQuotaHugePage(name))) {
    errs.push(field.invalid(p, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

/** validateContainerResourceName: cpu, memory, ephemeral-storage, hugepages-*, or an extended resource. */
export function validateContainerResourceName(name: string, p: P): FieldError[] {
  const errs = validateResourceName(name, p);
  if (!name.includes('/')) {
    if (!(STANDARD_CONTAINER_RESOURCES.has(name) || isHugePage(name))) errs.push(field.invalid(p, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(field.invalid(p, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceQuotaResourceName. */
export function validateQuotaResourceName(name: string, p: P): FieldError[] {
  const errs = validateResourceName(name, p);
  if (!name.includes('/') && !(STANDARD_QUOTA_RESOURCES.has(name) || isQuotaHugePage(name))) {
    errs.push(field.invalid(p, name, 'must be a standard resource for quota'));
  }
  return errs;
}

/** ValidateResourceQuantityValue: not negative, whole for countable resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, p: P): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(field.invalid(p, q.toString(), IS_NEGATIVE));
  if (isIntegerResource(name) && q.milliValue() % 1000n !== 0n) errs.push(field.invalid(p, q.toString(), 'must be an integer'));
  return errs;
}

/** ValidateContainerResourceRequirements: names, quantities, requests ≤ limits. */
export function validateResourceRequirements(req: ResourceRequirements | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = p.child('limits');
  const reqPath = p.child('requests');
  let cpuOrMemory = false;
  let hugePages = false;
  const limits = new Map<string, Quantity>();
  for (const [name, value] of sorted(req?.limits)) {
    const fp = limPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    const q = parseQuantityAt(value, fp, errs);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, fp));
    if (isHugePage(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, value] of sorted(req?.requests)) {
    const fp = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    const q = parseQuantityAt(value, fp, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, fp));
    const limit = limits.get(name);
    if (limit) {
      if (q.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(field.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(field.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePage(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(field.forbidden(p, 'HugePages require cpu or memory'));
  return errs;
}

function validateLimitRangeResourceName(type: string, name: string, p: P): FieldError[] {
  return type === 'Pod' || type === 'Container' ? validateContainerResourceName(name, p) : validateResourceName(name, p);
}

/** ValidateLimitRange (create and update share it). */
export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs = validateObjectMeta(lr.metadata, { namespaced: true, nameRule: nameIsDNSSubdomain });
  const seenTypes = new Set<string>();
  (lr.spec?.limits ?? []).forEach((limit, i) => {
    const ip = field.path('spec', 'limits').index(i);
    const type = limit.type ?? '';
    const typeErrs = isQualifiedName(type).map((m) => field.invalid(ip.child('type'), type, m));
    if (typeErrs.length === 0 && !type.includes('/') && !STANDARD_LIMIT_TYPES.has(type)) {
      typeErrs.push(field.invalid(ip.child('type'), type, 'must be a standard limit type or fully qualified'));
    }
    errs.push(...typeErrs);
    if (seenTypes.has(type)) errs.push(field.duplicate(ip.child('type'), type));
    seenTypes.add(type);
    const read = (m: ResourceList, key: string): Map<string, Quantity> => {
      const out = new Map<string, Quantity>();
      for (const [k, v] of sorted(m)) {
        errs.push(...validateLimitRangeResourceName(type, k, ip.child(key).key(k)));
        const q = parseQuantityAt(v, ip.child(key).key(k), errs);
        if (q) out.set(k, q);
      }
      return out;
    };
    const max = read(limit.max, 'max');
    const min = read(limit.min, 'min');
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (type === 'Pod') {
      if (Object.keys(limit.default ?? {}).length > 0) errs.push(field.forbidden(ip.child('default'), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(limit.defaultRequest ?? {}).length > 0) {
        errs.push(field.forbidden(ip.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
      }
    } else {
      defaults = read(limit.default, 'default');
      defaultRequests = read(limit.defaultRequest, 'defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
      errs.push(field.required(ip.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const ratios = read(limit.maxLimitRequestRatio, 'maxLimitRequestRatio');
    const keys = [...new Set([...max.keys(), ...min.keys(), ...defaults.keys(), ...defaultRequests.keys(), ...ratios.keys()])].sort();
    for (const k of keys) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = defaults.get(k);
      const dr = defaultRequests.get(k);
      const ratio = ratios.get(k);
      const s = (q: Quantity): string => q.toString();
      if (mn && mx && mn.cmp(mx) > 0) errs.push(field.invalid(ip.child('min').key(k), s(mn), `min value ${s(mn)} is greater than max value ${s(mx)}`));
      if (dr && mn && mn.cmp(dr) > 0) {
        errs.push(field.invalid(ip.child('defaultRequest').key(k), s(dr), `min value ${s(mn)} is greater than default request value ${s(dr)}`));
      }
      if (dr && mx && dr.cmp(mx) > 0) {
        errs.push(field.invalid(ip.child('defaultRequest').key(k), s(dr), `default request value ${s(dr)} is greater than max value ${s(mx)}`));
      }
      if (dr && df && dr.cmp(df) > 0) {
        errs.push(field.invalid(ip.child('defaultRequest').key(k), s(dr), `default request value ${s(dr)} is greater than default limit value ${s(df)}`));
      }
      if (df && mn && mn.cmp(df) > 0) errs.push(field.invalid(ip.child('default').key(k), s(mn), `min value ${s(mn)} is greater than default value ${s(df)}`));
      if (df && mx && df.cmp(mx) > 0) errs.push(field.invalid(ip.child('default').key(k), s(mx), `default value ${s(df)} is greater than max value ${s(mx)}`));
      if (ratio && ratio.cmp(Quantity.fromInt(1)) < 0) {
        errs.push(field.invalid(ip.child('maxLimitRequestRatio').key(k), s(ratio), `ratio ${s(ratio)} is less than 1`));
      }
      if (!isOvercommitAllowed(k) && df && dr && df.cmp(dr) !== 0) {
        errs.push(field.invalid(ip.child('defaultRequest').key(k), s(dr), `default value ${s(df)} must equal to defaultRequest value ${s(dr)} in ${k}`));
      }
    }
  });
  return errs;
}

const QUOTA_SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);

function validateQuotaList(m: ResourceList, p: P): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of sorted(m)) {
    errs.push(...validateQuotaResourceName(k, p.key(k)));
    const q = parseQuantityAt(v, p.key(k), errs);
    if (q) errs.push(...validateResourceQuantityValue(k, q, p.key(k)));
  }
  return errs;
}

function validateQuotaSpec(rq: ResourceQuota): FieldError[] {
  const spec = rq.spec ?? {};
  const errs = validateQuotaList(spec.hard, field.path('spec', 'hard'));
  const scopes = spec.scopes ?? [];
  const scopesPath = field.path('spec', 'scopes');
  for (const s of scopes) if (!QUOTA_SCOPES.has(s)) errs.push(field.invalid(scopesPath, scopes, 'unsupported scope'));
  const set = new Set(scopes);
  if ((set.has('BestEffort') && set.has('NotBestEffort')) || (set.has('Terminating') && set.has('NotTerminating'))) {
    errs.push(field.invalid(scopesPath, scopes, 'conflicting scopes'));
  }
  return errs;
}

/** ValidateResourceQuota (create). */
export function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  const errs = validateObjectMeta(rq.metadata, { namespaced: true, nameRule: nameIsDNSSubdomain });
  errs.push(...validateQuotaSpec(rq));
  errs.push(...validateQuotaList(rq.status?.hard, field.path('status', 'hard')));
  errs.push(...validateQuotaList(rq.status?.used, field.path('status', 'used')));
  return errs;
}

/** ValidateResourceQuotaUpdate: spec rules and immutable scopes. */
export function validateResourceQuotaUpdate(rq: ResourceQuota, old: ResourceQuota): FieldError[] {
  const errs = validateObjectMetaUpdate(rq.metadata, old.metadata);
  errs.push(...validateQuotaSpec(rq));
  const a = new Set(rq.spec?.scopes ?? []);
  const b = new Set(old.spec?.scopes ?? []);
  if (a.size !== b.size || [...a].some((s) => !b.has(s))) errs.push(field.invalid(field.path('spec', 'scopes'), rq.spec?.scopes ?? [], FIELD_IMMUTABLE));
  return errs;
}
