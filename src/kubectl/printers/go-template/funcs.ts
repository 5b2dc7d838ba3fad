/**
 * text/template's builtin functions and kubectl's two extras (`base64decode`, `exists`), each with
 * the parameter kinds Go declares, which decide how a missing value reaches it: `value` parameters
 * (reflect.Value) see it as invalid, `any` (interface{}) as nil, `string` ones reject it.
 */
import { formatV, GoInt, CallError, eq, isMap, isTrue, kindOf, lt, numberOf, typeName } from './values.js';
import { sprint, sprintf, sprintln } from './printf.js';

export type Param = 'value' | 'any' | 'string';

export interface Builtin {
  /** Fixed parameters; with `variadic`, the last entry is the element type of the rest. */
  params: Param[];
  variadic?: boolean;
  fn: (...args: unknown[]) => unknown;
}

function indexArg(index: unknown, len: number): number {
  const k = kindOf(index);
  if (k === 'invalid' || k === 'nil') throw new CallError('cannot index slice/array with nil');
  if (k !== 'int') throw new CallError(`cannot index slice/array with type ${typeName(index)}`);
  const x = numberOf(index);
  if (x < 0 || x >= len) throw new CallError(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let v = item;
  if (v === undefined || v === null) throw new CallError('index of untyped nil');
  for (const i of indexes) {
    if (v === null) throw new CallError('index of nil pointer');
    if (typeof v === 'string') v = new GoInt(Buffer.from(v, 'utf8')[indexArg(i, Buffer.byteLength(v))] ?? 0);
    else if (Array.isArray(v)) v = (v as unknown[])[indexArg(i, v.length)];
    else if (isMap(v)) {
      if (i === undefined || i === null) throw new CallError('value is nil; should be of type string');
      if (typeof i !== 'string') throw new CallError(`value has type ${typeName(i)}; should be string`);
      // A missing key gives the zero value of interface{}: nil.
      v = Object.hasOwn(v, i) ? v[i] : null;
    } else throw new CallError(`can't index item of type ${typeName(v)}`);
  }
  return v;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new CallError('slice of untyped nil');
  if (indexes.length > 3) throw new CallError(`too many slice indexes: ${indexes.length}`);
  const len = typeof item === 'string' ? Buffer.byteLength(item) : Array.isArray(item) ? item.length : -1;
  if (len < 0) throw new CallError(`can't slice item of type ${typeName(item)}`);
  if (typeof item === 'string' && indexes.length === 3) throw new CallError('cannot 3-index slice a string');
  const idx = [0, len];
  indexes.forEach((x, k) => {
    const kind = kindOf(x);
    if (kind !== 'int') throw new CallError(kind === 'invalid' || kind === 'nil' ? 'cannot index slice/array with nil' : `cannot index slice/array with type ${typeName(x)}`);
    const n = numberOf(x);
    if (n < 0 || n > len) throw new CallError(`index out of range: ${n}`);
    idx[k] = n;
  });
  const [from = 0, to = len] = idx;
  if (from > to) throw new CallError(`invalid slice index: ${from} > ${to}`);
  return typeof item === 'string' ? Buffer.from(item, 'utf8').subarray(from, to).toString('utf8') : (item as unknown[]).slice(from, to);
}

function length(item: unknown): GoInt {
  // Go panics inside len on the invalid value and reports the panic.
  if (item === undefined) throw new CallError('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new CallError('len of nil pointer');
  if (typeof item === 'string') return new GoInt(Buffer.byteLength(item));
  if (Array.isArray(item)) return new GoInt(item.length);
  if (isMap(item)) return new GoInt(Object.keys(item).length);
  throw new CallError(`len of type ${typeName(item)}`);
}

/** Go's base64.StdEncoding.DecodeString: strict alphabet and padding; CR and LF are skipped. */
function base64decode(v: unknown): string {
  const s = v as string;
  const clean = s.replace(/[\r\n]/g, '');
  const badAt = clean.search(/[^A-Za-z0-9+/=]/);
  const valid = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean);
  if (!valid) {
    const at = badAt >= 0 ? badAt : clean.indexOf('=') >= 0 ? clean.indexOf('=') : clean.length - (clean.length % 4);
    throw new CallError(`base64 decode failed: illegal base64 data at input byte ${at}`);
  }
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** kubectl's `exists`: whether `index item indices…` would find something. */
function exists(item: unknown, ...indices: unknown[]): boolean {
  let v = item;
  for (const i of indices) {
    if (v === undefined || v === null) return false;
    if (Array.isArray(v) || typeof v === 'string') {
      if (kindOf(i) !== 'int') return false;
      const x = numberOf(i);
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      if (x < 0 || x >= len) return false;
      v = typeof v === 'string' ? new GoInt(0) : (v as unknown[])[x];
    } else if (isMap(v)) {
      if (typeof i !== 'string') return false;
      v = Object.hasOwn(v, i) ? v[i] : null;
    } else return false;
  }
  return v !== undefined && v !== null;
}

const escapeArgs = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args.map((a) => (a === undefined ? '<no value>' : a))));

export const BUILTINS: Record<string, Builtin> = {
  and: { params: ['value', 'value'], variadic: true, fn: () => undefined },
  or: { params: ['value', 'value'], variadic: true, fn: () => undefined },
  not: { params: ['value'], fn: (a) => !isTrue(a) },
  len: { params: ['value'], fn: length },
  index: { params: ['value', 'value'], variadic: true, fn: index },
  slice: { params: ['value', 'value'], variadic: true, fn: slice },
  print: { params: ['any'], variadic: true, fn: (...a) => sprint(a) },
  printf: { params: ['string', 'any'], variadic: true, fn: (f, ...a) => sprintf(f as string, a) },
  println: { params: ['any'], variadic: true, fn: (...a) => sprintln(a) },
  eq: { params: ['value', 'value'], variadic: true, fn: (a, ...b) => eq(a, ...b) },
  ne: { params: ['value', 'value'], fn: (a, b) => !eq(a, b) },
  lt: { params: ['value', 'value'], fn: (a, b) => lt(a, b) },
  le: { params: ['value', 'value'], fn: (a, b) => lt(a, b) || eq(a, b) },
  gt: { params: ['value', 'value'], fn: (a, b) => !(lt(a, b) || eq(a, b)) },
  ge: { params: ['value', 'value'], fn: (a, b) => !lt(a, b) },
  html: { params: ['any'], variadic: true, fn: (...a) => escapeArgs(a).replace(/["'&<>]/g, (c) => ({ '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c) },
  js: {
    params: ['any'],
    variadic: true,
    fn: (...a) =>
      escapeArgs(a).replace(/[\\'"<>\x00-\x1f]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E' })[c] ?? `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`),
  },
  urlquery: { params: ['any'], variadic: true, fn: (...a) => encodeURIComponent(escapeArgs(a)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) },
  base64decode: { params: ['string'], fn: base64decode },
  exists: { params: ['any', 'any'], variadic: true, fn: exists },
};

export { formatV };
