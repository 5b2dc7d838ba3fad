/**
 * Kubernetes error vocabulary: Status errors (ApiError, `notFound`, `invalid`, ...) and, under the
 * `field` namespace, field errors for validation (`field.required(p)`, `field.invalid(p, v, why)`),
 * as Go has `apierrors` and `field`.
 */
export * from './errors/status.js';
export * as field from './errors/field.js';
export type { FieldError, FieldErrorType } from './errors/field.js';
export { FieldPath, fieldErrorBody, fieldErrorString } from './errors/field.js';
