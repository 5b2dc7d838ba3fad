// JSON value helpers shared by the three patch types: narrowing `unknown`, deep copy, deep equality
// and own-property access that is safe for keys such as `__proto__` (patches come from clients).

/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The own property `key` of `obj`, or undefined; never reads the prototype chain. */
export function getOwn(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Sets an own data property. Plain assignment with the key `__proto__` would change the object's
 * prototype instead of adding a field, so every write of a client-chosen key goes through here.
 */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy of a JSON value; objects and arrays are new, scalars are returned as they are. */
export function cloneJson(v: unknown): unknown {
  if (isList(v)) return v.map(cloneJson);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setOwn(out, k, cloneJson(v[k]));
    return out;
  }
  return v;
}

/** Deep equality of JSON values: same type, same keys regardless of order, same array order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isList(a)) {
    return isList(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A short JSON rendering of a value for error messages (long values are cut). */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}

/** The JSON type name of a value, as error messages say it. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** True for a JSON array; unlike `Array.isArray` it narrows to `unknown[]`, not `any[]`. */
export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}
