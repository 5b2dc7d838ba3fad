// Label key and value validation (shared with object validation, in kube-apiserver 1.32's words),
// plus the tiny bits of `field.Error` formatting selectors need.

import { isLabelValue as labelValueErrors, isQualifiedName } from '../validation/names.js';

/** Maximum length of a label value and of the name part of a label key. */
export const LABEL_VALUE_MAX_LENGTH = 63;

/**
 * Checks a label key (a "qualified name": optional DNS-subdomain prefix, `/`, name of at most 63
 * characters). Returns the problems, empty when valid, in kube-apiserver 1.32's words.
 */
export const isLabelKey = (value: string): string[] => isQualifiedName(value);

/** Checks a label value (empty, or at most 63 of `[-A-Za-z0-9_.]` starting and ending alphanumeric). */
export const isLabelValue = (value: string): string[] => labelValueErrors(value);

/**
 * Go's `%q` for the strings selectors can carry. JSON escaping agrees with Go for `"`, `\` and the
 * common control characters; it differs only for rare control characters (`\u0001` vs Go's `\x01`).
 */
export const goQuote = (s: string): string => JSON.stringify(s);

/** Go's `%#v` of a `[]string`, which upstream prints as the bad value of a values-count error. */
export const goStringSlice = (values: readonly string[] | null): string =>
  values === null ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;

/**
 * One field-level problem, rendered like apimachinery's `field.Error`:
 * `<path>: <type>: <quoted value>: <detail>`.
 */
export interface FieldError {
  /** Field path as upstream prints it, e.g. `values[0][app]`, `<nil>` for a parser without a path. */
  readonly path: string;
  /** `Invalid value`, `Required value`, `Forbidden`, ... */
  readonly type: 'Invalid value' | 'Required value' | 'Forbidden';
  /** The bad value already rendered (quoted string or Go slice syntax); absent for Required/Forbidden. */
  readonly value?: string;
  readonly detail: string;
}

/** Renders one field error the way `(*field.Error).Error()` does. */
export function formatFieldError(e: FieldError): string {
  const body = e.value === undefined ? e.type : `${e.type}: ${e.value}`;
  return `${e.path}: ${body}${e.detail.length > 0 ? `: ${e.detail}` : ''}`;
}

/**
 * Renders a list the way `ErrorList.ToAggregate().Error()` does: duplicates dropped, one error
 * bare, several as `[a, b]`.
 */
export function formatAggregate(errors: readonly FieldError[]): string {
  const msgs = [...new Set(errors.map(formatFieldError))];
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}
