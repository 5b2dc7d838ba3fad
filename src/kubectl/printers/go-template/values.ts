/**
 * Template values as Go sees them. Decoded JSON keeps its shape (a JS number is the int64 or
 * float64 Go's decoder made of it); numbers the template itself makes (`3`, `len x`, range
 * indexes) are Go `int`s and float literals are float64s whatever their value, so they are wrapped
 * to print and compare as Go would. `undefined` is Go's invalid value (a missing key), `null` a
 * nil interface (a JSON null).
 */
import { formatFloatG, goNumber, goPrint, goStringCompare, isGoInt } from '../../../api/gofmt.js';

/** A Go `int`. */
export class GoInt {
  constructor(readonly n: number) {}
}

/** A float64 that came from a template literal (`1.0` is a float, not an int). */
export class GoFloat {
  constructor(readonly n: number) {}
}

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map';

export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoFloat);

export function kindOf(v: unknown): Kind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'number') return isGoInt(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

/** The number inside a numeric value. */
export const numberOf = (v: unknown): number => (v instanceof GoInt || v instanceof GoFloat ? v.n : (v as number));

/** reflect's type name, as Go's errors and `%T` print it. */
export function typeName(v: unknown): string {
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float64';
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'int':
      return 'int64';
    case 'float':
      return 'float64';
    case 'slice':
      return '[]interface {}';
    default:
      return 'map[string]interface {}';
  }
}

/** `fmt.Sprint` of one value (`%v`). */
export function formatV(v: unknown): string {
  if (v instanceof GoInt) return String(v.n);
  if (v instanceof GoFloat) return formatFloatG(v.n);
  if (typeof v === 'number') return goNumber(v);
  return goPrint(v);
}

/** text/template's truth: non-zero numbers, non-empty strings, maps and lists, true. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return numberOf(v) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    default:
      return Object.keys(v as object).length > 0;
  }
}

/** Map keys in the order text/template ranges over them (sorted). */
export const sortedKeys = (m: Record<string, unknown>): string[] => Object.keys(m).sort(goStringCompare);

type Basic = 'bool' | 'int' | 'float' | 'string';

function basicKind(v: unknown): Basic | undefined {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : undefined;
}

/** Thrown by functions; the executor reports it as `error calling <fn>: <message>`. */
export class CallError extends Error {}

/** The builtin `eq`: arg1 equals any of the others. */
export function eq(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new CallError('missing argument for comparison');
  const ka = basicKind(a);
  for (const b of others) {
    const kb = basicKind(b);
    let truth: boolean;
    if (ka !== kb) {
      const valid = (x: unknown): boolean => x !== undefined && x !== null;
      if (valid(a) && valid(b)) throw new CallError('incompatible types for comparison');
      truth = false;
    } else if (ka === undefined) {
      const nil = (x: unknown): boolean => x === undefined || x === null;
      if (nil(a) || nil(b)) truth = nil(a) === nil(b);
      else throw new CallError(`non-comparable type ${formatV(b)}: ${typeName(b)}`);
    } else if (ka === 'int' || ka === 'float') truth = numberOf(a) === numberOf(b);
    else truth = a === b;
    if (truth) return true;
  }
  return false;
}

/** The builtin `lt`. */
export function lt(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === undefined || kb === undefined) throw new CallError('invalid type for comparison');
  if (ka !== kb) throw new CallError('incompatible types for comparison');
  if (ka === 'bool') throw new CallError('invalid type for comparison');
  if (ka === 'string') return goStringCompare(a as string, b as string) < 0;
  return numberOf(a) < numberOf(b);
}
