/**
 * Field errors, worded as Kubernetes words them (apimachinery's field.Error): validation returns a
 * list of these; the API server turns them into a 422 `Invalid` Status with one cause each.
 */

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

export interface FieldError {
  readonly type: FieldErrorType;
  /** Dotted path with indexes and keys: `spec.containers[0].image`, `metadata.labels[app]`. */
  readonly field: string;
  /** The offending value, when the message shows it. */
  readonly badValue?: unknown;
  /** Extra words after the standard phrase. */
  readonly detail?: string;
}

const PHRASES: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

/** Types whose message shows the bad value (as Go's %#v would: strings quoted, numbers bare). */
const SHOWS_VALUE = new Set<FieldErrorType>(['FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueDuplicate', 'FieldValueNotFound', 'FieldValueTypeInvalid']);

function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The message without the field: what a Status cause carries (`Invalid value: "Foo": detail`). */
export function fieldErrorBody(e: FieldError): string {
  let s = PHRASES[e.type];
  if (SHOWS_VALUE.has(e.type) && e.badValue !== undefined) s += `: ${showValue(e.badValue)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** The whole message: `spec.containers[0].image: Required value`. */
export function fieldErrorString(e: FieldError): string {
  return e.field ? `${e.field}: ${fieldErrorBody(e)}` : fieldErrorBody(e);
}

/** A field path under construction: `path('spec').child('containers').index(0).child('image')`. */
export class FieldPath {
  private constructor(private readonly s: string) {}
  static root(name = ''): FieldPath {
    return new FieldPath(name);
  }
  child(name: string): FieldPath {
    return new FieldPath(this.s ? `${this.s}.${name}` : name);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.s}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.s}[${k}]`);
  }
  toString(): string {
    return this.s;
  }
}

export const path = (...parts: string[]): FieldPath => parts.reduce((p, c) => p.child(c), FieldPath.root());

type P = FieldPath | string;
const f = (p: P) => String(p);

export const required = (p: P, detail?: string): FieldError => ({ type: 'FieldValueRequired', field: f(p), detail });
export const invalid = (p: P, value: unknown, detail?: string): FieldError => ({ type: 'FieldValueInvalid', field: f(p), badValue: value, detail });
export const notSupported = (p: P, value: unknown, valid: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field: f(p),
  badValue: value,
  detail: valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : undefined,
});
export const forbidden = (p: P, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: f(p), detail });
export const duplicate = (p: P, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: f(p), badValue: value });
export const tooLong = (p: P, max: number): FieldError => ({ type: 'FieldValueTooLong', field: f(p), detail: `must have at most ${max} bytes` });
export const tooMany = (p: P, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field: f(p), detail: `must have at most ${max} items (${actual} given)` });
export const notFoundField = (p: P, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: f(p), badValue: value });
export const typeInvalid = (p: P, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field: f(p), badValue: value, detail });
