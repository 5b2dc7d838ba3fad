// Test helpers for the group validators: render errors as kube-apiserver prints them.
import { fieldErrorString, type FieldError } from '../errors.js';

/** Every error as `path: Type: value: detail`. */
export const messages = (errs: readonly FieldError[]): string[] => errs.map(fieldErrorString);

/** A deep copy with `edit` applied, so table rows start from one valid fixture. */
export function edited<T>(base: T, edit: (copy: T) => void): T {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}
