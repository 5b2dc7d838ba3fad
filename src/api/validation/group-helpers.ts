// Small validation building blocks the non-core API groups share (apps, batch, autoscaling, ...):
// non-negative ints, int-or-percent, label selectors as field errors, metadata and immutability
// (from meta.ts), and the hook through which core's pod template validation is passed in.
import type * as coreV1 from '../generated/core/v1.js';
import type * as metaV1 from '../generated/meta/v1.js';
import { field, FieldPath, type FieldError } from '../errors.js';
import { isLabelKey, isLabelValue, labelSelectorFromSpec, type LabelSelector } from '../selectors.js';
import { deepEqual, validateImmutable, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import type { NameValidator } from './names.js';

export { FieldPath, validateLabels };
export type { FieldError };

/**
 * Validates a pod template at `path` (upstream `ValidatePodTemplateSpec`). Core owns it; the
 * workload validators call it through this hook so apps/batch do not depend on core's internals.
 */
export type PodTemplateValidator = (template: coreV1.PodTemplateSpec, path: FieldPath) => FieldError[];

/** How a kind's metadata is checked: namespaced or not, and its name rule (names.ts). */
export interface MetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/** What a group validator needs from outside the api layer's reach; every hook is optional. */
export interface GroupValidationOptions {
  /** Core's pod template validation, run inside workload templates. */
  validatePodTemplate?: PodTemplateValidator;
}

export const root = (name: string): FieldPath => FieldPath.root(name);

/** Upstream `ValidateNonnegativeField`; absent values pass. */
export const nonNegative = (value: number | undefined | null, path: FieldPath): FieldError[] => validateNonnegative(value ?? undefined, path);

/** Metadata errors on create (upstream `ValidateObjectMeta`). */
export function metaErrors(meta: metaV1.ObjectMeta | undefined, rules: MetaRules): FieldError[] {
  return validateObjectMeta(meta, { namespaced: rules.namespaced, nameRule: rules.name }, root('metadata'));
}

/** Metadata errors on update (upstream `ValidateObjectMetaUpdate`). */
export function metaUpdateErrors(meta: metaV1.ObjectMeta | undefined, old: metaV1.ObjectMeta | undefined): FieldError[] {
  return validateObjectMetaUpdate(meta, old, root('metadata'));
}

/** Pod template errors through the hook when the caller gave one. */
export function podTemplateErrors(template: coreV1.PodTemplateSpec | undefined, path: FieldPath, opts: GroupValidationOptions): FieldError[] {
  return opts.validatePodTemplate ? opts.validatePodTemplate(template ?? {}, path) : [];
}

// ---- labels and selectors -------------------------------------------------------------------

/** Upstream `ValidateLabelSelector` as field errors; a null selector is valid here. */
export function validateLabelSelector(
  sel: metaV1.LabelSelector | undefined | null,
  path: FieldPath,
  allowInvalidLabelValue = false,
): FieldError[] {
  if (sel === undefined || sel === null) return [];
  const errs: FieldError[] = validateLabels(sel.matchLabels ?? undefined, path.child('matchLabels'));
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = path.child('matchExpressions').index(i);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(field.required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(field.forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(field.invalid(p.child('operator'), e.operator, 'not a valid selector operator'));
    }
    for (const m of isLabelKey(e.key)) errs.push(field.invalid(p.child('key'), e.key, m));
    if (!allowInvalidLabelValue) {
      values.forEach((v, j) => {
        for (const m of isLabelValue(v)) errs.push(field.invalid(p.child('values').index(j), v, m));
      });
    }
  });
  return errs;
}

/** The selector as a matcher (`LabelSelectorAsSelector`), or undefined when it cannot be built. */
export function asSelector(sel: metaV1.LabelSelector | undefined | null): LabelSelector | undefined {
  const r = labelSelectorFromSpec(sel);
  return r.ok ? r.value : undefined;
}

/** True when a non-null selector has neither matchLabels nor matchExpressions. */
export const isEmptySelector = (sel: metaV1.LabelSelector): boolean =>
  Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

// ---- equality and immutability -------------------------------------------------------------

/** Deep equality of JSON values; absent and null are the same (as a Go zero value is). */
export const semanticEqual = deepEqual;

/** Upstream `ValidateImmutableField`. */
export const immutable = validateImmutable;

// ---- int-or-percent -------------------------------------------------------------------------

const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_ERR =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** Upstream `IsValidPercent`. */
export const isValidPercent = (s: string): string[] => (PERCENT_RE.test(s) ? [] : [PERCENT_ERR]);

/** The percentage of a valid percent string, else undefined. */
export function percentValue(v: number | string | undefined): number | undefined {
  if (typeof v !== 'string' || !PERCENT_RE.test(v)) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

/** Upstream `getIntOrPercentValue`: the percentage, the integer, or 0 (`IntValue` of junk). */
export function intOrPercentValue(v: number | string | undefined): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[+-]?[0-9]+$/.test(v)) return Number.parseInt(v, 10);
  return 0;
}

/** Upstream `ValidatePositiveIntOrPercent`. */
export function validatePositiveIntOrPercent(v: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => field.invalid(path, v, m));
  return nonNegative(v ?? 0, path);
}

/** Upstream `IsNotMoreThan100Percent`. */
export function notMoreThan100Percent(v: number | string | undefined, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  return p === undefined || p <= 100 ? [] : [field.invalid(path, v, 'must not be greater than 100%')];
}

/** RBAC's name rule (`ValidateRBACName`): a path segment; a generateName prefix only may not contain '/' or '%'. */
export const nameIsPathSegment: NameValidator = (name, prefix) => (prefix ? isValidPathSegmentName(name).filter((m) => m.startsWith('may not contain')) : isValidPathSegmentName(name));

// ---- names -----------------------------------------------------------------------------------

/** Upstream `IsValidPathSegmentName` (apimachinery api/validation/path). */
export function isValidPathSegmentName(name: string): string[] {
  for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}
