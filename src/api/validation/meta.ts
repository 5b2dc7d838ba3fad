// ObjectMeta validation on create and update, worded as apimachinery's api/validation/objectmeta.go
// plus the core group's finalizer-name rule. Pure: takes metadata, returns field errors.
import { field, type FieldError, type FieldPath } from '../errors.js';
import type { ObjectMeta, OwnerReference } from '../generated/meta/v1.js';
import { byteLength, isLabelValue, isQualifiedName, nameIsDNSLabel, type NameValidator } from './names.js';

type P = FieldPath;

/** `field is immutable` (apimachinery FieldImmutableErrorMsg). */
export const FIELD_IMMUTABLE = 'field is immutable';
/** `must be greater than or equal to 0` (apimachinery IsNegativeErrorMsg). */
export const IS_NEGATIVE = 'must be greater than or equal to 0';
/** Total bytes allowed in the keys and values of an object's annotations (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Go's `%#v` of a `[]string`. */
export const goStringSlice = (values: readonly string[]): string => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;

const sortedEntries = <V>(m: Record<string, V> | undefined): [string, V][] =>
  Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** ValidateNonnegativeField. */
export function validateNonnegative(value: number | undefined, p: P): FieldError[] {
  return value !== undefined && value < 0 ? [field.invalid(p, value, IS_NEGATIVE)] : [];
}

/** ValidateImmutableField: deep equality of the JSON values (undefined and null are equal). */
export function validateImmutable(newVal: unknown, oldVal: unknown, p: P): FieldError[] {
  return deepEqual(newVal, oldVal) ? [] : [field.invalid(p, newVal ?? null, FIELD_IMMUTABLE)];
}

/** Structural equality of JSON values, treating absent and null alike (Go's zero values). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
    return true;
  }
  return false;
}

/** ValidateLabelName: a label key (qualified name) at `p`. */
export function validateLabelName(key: string, p: P): FieldError[] {
  return isQualifiedName(key).map((m) => field.invalid(p, key, m));
}

/** ValidateLabels: every key a qualified name, every value a label value; errors at `p` itself. */
export function validateLabels(labels: Record<string, string> | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of sortedEntries(labels)) {
    errs.push(...validateLabelName(k, p));
    errs.push(...isLabelValue(v).map((m) => field.invalid(p, v, m)));
  }
  return errs;
}

/** ValidateAnnotations: keys are case-insensitive qualified names; keys + values ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of sortedEntries(annotations)) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => field.invalid(p, k, m)));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(p, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function parseGroupVersion(apiVersion: string): { group: string; version: string } | null {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  return null;
}

function validateOwnerReference(ref: OwnerReference, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const gv = parseGroupVersion(ref.apiVersion ?? '') ?? { group: '', version: '' };
  const kind = ref.kind ?? '';
  if (gv.version === '') errs.push(field.invalid(p.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (kind === '') errs.push(field.invalid(p.child('kind'), kind, 'must not be empty'));
  if ((ref.name ?? '') === '') errs.push(field.invalid(p.child('name'), ref.name ?? '', 'must not be empty'));
  if ((ref.uid ?? '') === '') errs.push(field.invalid(p.child('uid'), ref.uid ?? '', 'must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
    errs.push(field.invalid(p, ref, `${gv.group}/${gv.version}, Kind=${kind} is disallowed from being an owner`));
  }
  return errs;
}

/** ValidateOwnerReferences: each reference complete, at most one controller. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, p));
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController !== '') {
        errs.push(
          field.invalid(p, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`),
        );
      } else firstController = cur;
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names; `orphan` and `foregroundDeletion` are exclusive. */
export function validateFinalizers(finalizers: string[] | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...isQualifiedName(f).map((m) => field.invalid(p, f, m)));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(field.invalid(p, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** The core group's extra rule: an unqualified finalizer must be a standard one. */
export function validateKubeFinalizerName(name: string, p: P): FieldError[] {
  if (name.split('/').length === 1 && !STANDARD_FINALIZERS.has(name)) {
    return [field.invalid(p, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/** How {@link validateObjectMeta} checks one kind's metadata. */
export interface ObjectMetaOptions {
  /** True for namespaced kinds (namespace required); false for cluster-scoped ones (forbidden). */
  namespaced: boolean;
  /** The kind's name rule, e.g. {@link nameIsDNSSubdomain}. */
  nameRule: NameValidator;
}

/**
 * ValidateObjectMeta (core flavour) at `p` (default `metadata`): name or generateName, namespace,
 * generation, labels, annotations, owner references, finalizers. Expects name generation done.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, p: P = field.path('metadata')): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  const generateName = m.generateName ?? '';
  const name = m.name ?? '';
  if (generateName !== '') errs.push(...opts.nameRule(generateName, true).map((msg) => field.invalid(p.child('generateName'), generateName, msg)));
  if (name === '') errs.push(field.required(p.child('name'), 'name or generateName is required'));
  else errs.push(...opts.nameRule(name, false).map((msg) => field.invalid(p.child('name'), name, msg)));
  const ns = m.namespace ?? '';
  if (opts.namespaced) {
    if (ns === '') errs.push(field.required(p.child('namespace')));
    else errs.push(...nameIsDNSLabel(ns, false).map((msg) => field.invalid(p.child('namespace'), ns, msg)));
  } else if (ns !== '') {
    errs.push(field.forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateCommon(m, p));
  return errs;
}


function validateCommon(m: ObjectMeta, p: P): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(m.generation, p.child('generation')));
  errs.push(...validateLabels(m.labels, p.child('labels')));
  errs.push(...validateAnnotations(m.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, p.child('finalizers')));
  (m.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, p.child('finalizers').index(i))));
  return errs;
}

/**
 * ValidateObjectMetaUpdate (core flavour): identity fields immutable, resourceVersion present,
 * generation not decremented, no new finalizers once deleting, plus the create-time format rules.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined, p: P = field.path('metadata')): FieldError[] {
  const n = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const oldSet = new Set(o.finalizers ?? []);
    const extra = [...new Set((n.finalizers ?? []).filter((f) => !oldSet.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(field.forbidden(p.child('finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`));
    }
  }
  if ((n.resourceVersion ?? '') === '') errs.push(field.invalid(p.child('resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(field.invalid(p.child('generation'), n.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutable(n.name ?? '', o.name ?? '', p.child('name')));
  errs.push(...validateImmutable(n.namespace ?? '', o.namespace ?? '', p.child('namespace')));
  errs.push(...validateImmutable(n.uid ?? '', o.uid ?? '', p.child('uid')));
  errs.push(...validateImmutable(n.creationTimestamp, o.creationTimestamp, p.child('creationTimestamp')));
  errs.push(...validateImmutable(n.deletionTimestamp, o.deletionTimestamp, p.child('deletionTimestamp')));
  errs.push(...validateImmutable(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, p.child('deletionGracePeriodSeconds')));
  errs.push(...validateLabels(n.labels, p.child('labels')));
  errs.push(...validateAnnotations(n.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, p.child('ownerReferences')));
  (n.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, p.child('finalizers').index(i))));
  return errs;
}
