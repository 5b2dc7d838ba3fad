// metav1.LabelSelector (matchLabels + matchExpressions) → LabelSelector, and the API validation of
// that structure, both as upstream (`metav1.LabelSelectorAsSelector`, `ValidateLabelSelector`).
import { LabelSelector, newRequirement, type LabelOperator, type LabelRequirement } from './label-selector.js';
import { fail, ok, type SelectorResult } from './result.js';
import { formatFieldError, goQuote, isLabelKey, isLabelValue, type FieldError } from './validation.js';

/** One `matchExpressions` entry of a metav1.LabelSelector. */
export interface LabelSelectorRequirementSpec {
  key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`; anything else is rejected. */
  operator: string;
  values?: string[] | null;
}

/** The structured selector of Deployments, ReplicaSets, Jobs, NetworkPolicies... */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirementSpec[] | null;
}

const STRUCT_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * Converts a structured selector to a matcher, as upstream `LabelSelectorAsSelector`:
 * - `null`/`undefined` → {@link LabelSelector.nothing}: an absent selector selects no objects
 *   (a workload without a selector must not adopt every pod);
 * - `{}` or both lists empty → {@link LabelSelector.everything};
 * - otherwise the AND of `key=value` per matchLabels entry and one requirement per expression.
 *
 * Fails with upstream's text on an unknown operator (`"Foo" is not a valid label selector
 * operator`) or on what `newRequirement` rejects (e.g. In with no values).
 */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | null | undefined): SelectorResult<LabelSelector> {
  if (spec === null || spec === undefined) return ok(LabelSelector.nothing());
  const matchLabels = Object.entries(spec.matchLabels ?? {});
  const exprs = spec.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return ok(LabelSelector.everything());
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of matchLabels) {
    const r = newRequirement(k, '=', [v]);
    if (!r.ok) return fail(r.error);
    reqs.push(r.value);
  }
  for (const e of exprs) {
    const op = Object.hasOwn(STRUCT_OPERATORS, e.operator) ? STRUCT_OPERATORS[e.operator] : undefined;
    if (op === undefined) return fail(`${goQuote(e.operator)} is not a valid label selector operator`);
    // Upstream copies values with append(nil, ...): an empty list becomes a nil slice in messages.
    const vals = e.values === null || e.values === undefined || e.values.length === 0 ? null : e.values;
    const r = newRequirement(e.key, op, vals);
    if (!r.ok) return fail(r.error);
    reqs.push(r.value);
  }
  return ok(LabelSelector.of(reqs));
}

/** Options for {@link validateLabelSelectorSpec}. */
export interface LabelSelectorValidationOptions {
  /** Skip label-value checks of matchExpressions values (upstream `AllowInvalidLabelValueInSelector`,
   * granted on update when the old object already had invalid values). */
  allowInvalidLabelValueInSelector?: boolean;
}

/**
 * API validation of a structured selector field at `path` (e.g. `spec.selector`), as upstream
 * `ValidateLabelSelector`: one message per problem, each formatted like a `field.Error`, in
 * field order. A `null` selector is valid here (whether it is required is the caller's rule).
 */
export function validateLabelSelectorSpec(
  spec: LabelSelectorSpec | null | undefined,
  path: string,
  opts: LabelSelectorValidationOptions = {},
): string[] {
  if (spec === null || spec === undefined) return [];
  const errs: FieldError[] = [];
  const invalid = (p: string, value: string, detail: string): void => {
    errs.push({ path: p, type: 'Invalid value', value: goQuote(value), detail });
  };
  const mlPath = `${path}.matchLabels`;
  // Go iterates maps in random order; sorting the keys makes our messages deterministic.
  for (const [k, v] of Object.entries(spec.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const m of isLabelKey(k)) invalid(mlPath, k, m);
    for (const m of isLabelValue(v)) invalid(mlPath, v, m);
  }
  (spec.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push({ path: `${p}.values`, type: 'Required value', detail: "must be specified when `operator` is 'In' or 'NotIn'" });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push({ path: `${p}.values`, type: 'Forbidden', detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
        break;
      default:
        invalid(`${p}.operator`, e.operator, 'not a valid selector operator');
    }
    for (const m of isLabelKey(e.key)) invalid(`${p}.key`, e.key, m);
    if (opts.allowInvalidLabelValueInSelector !== true) {
      values.forEach((v, j) => {
        for (const m of isLabelValue(v)) invalid(`${p}.values[${j}]`, v, m);
      });
    }
  });
  return errs.map(formatFieldError);
}
