// Scalar values between protobufjs and JSON: 64-bit integers (protobufjs hands out Long objects
// when the `long` package is installed) become plain numbers, bytes become base64 strings.
import { ProtobufError } from './errors.js';

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', ...LONG_TYPES]);

interface LongLike {
  toNumber(): number;
}

function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as Partial<LongLike>).toNumber === 'function';
}

/** A protobufjs integer (number or Long) as a JS number. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (isLongLike(v)) return v.toNumber();
  if (typeof v === 'string') return Number(v);
  return 0;
}

/** Whether a decoded scalar is its type's zero value ("" / 0 / false / empty bytes). */
export function isZeroScalar(v: unknown): boolean {
  if (v === '' || v === 0 || v === false || v === null || v === undefined) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  return isLongLike(v) && v.toNumber() === 0;
}

/** A decoded scalar of proto type `scalar` in its JSON form. */
export function scalarToJson(scalar: string, v: unknown): unknown {
  if (scalar === 'bytes') return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : '';
  if (INT_TYPES.has(scalar)) return toNumber(v);
  return v;
}

/** A JSON value as the protobufjs input for a scalar of proto type `scalar`; throws on a type mismatch. */
export function scalarFromJson(scalar: string, v: unknown, path: string): unknown {
  switch (scalar) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'bool':
      if (typeof v === 'boolean') return v;
      break;
    case 'double':
    case 'float':
      if (typeof v === 'number') return v;
      break;
    case 'bytes':
      if (typeof v === 'string') return Buffer.from(v, 'base64');
      if (v instanceof Uint8Array) return v;
      break;
    default:
      if (INT_TYPES.has(scalar) && typeof v === 'number' && Number.isInteger(v)) return v;
      if (!INT_TYPES.has(scalar)) return v; // enums: none in the Kubernetes schemas; pass through
  }
  throw new ProtobufError(`${path}: expected ${scalar}, got ${JSON.stringify(v)}`);
}
