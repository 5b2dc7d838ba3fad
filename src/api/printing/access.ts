// Narrowing accessors for the untyped JSON objects the printers read. A missing or mistyped field
// reads as Go's zero value, as the typed structs upstream printers see after decoding.

/** A JSON object, or undefined when `v` is not one. */
export function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Walks `path` through nested objects; undefined as soon as a step is missing. */
export function get(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    const o = asObject(cur);
    if (o === undefined) return undefined;
    cur = o[key];
  }
  return cur;
}

/** The object at `path`, or `{}` (a zero struct). */
export function obj(o: unknown, ...path: string[]): Record<string, unknown> {
  return asObject(get(o, ...path)) ?? {};
}

/** The array at `path`, or `[]` (a nil slice). */
export function arr(o: unknown, ...path: string[]): unknown[] {
  const v = get(o, ...path);
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/** The array of objects at `path`; non-object entries read as `{}`. */
export function objs(o: unknown, ...path: string[]): Record<string, unknown>[] {
  return arr(o, ...path).map((e) => asObject(e) ?? {});
}

/** The string at `path`, or `''`. */
export function str(o: unknown, ...path: string[]): string {
  const v = get(o, ...path);
  return typeof v === 'string' ? v : '';
}

/** The string at `path`, or undefined when absent (a nil `*string`). */
export function optStr(o: unknown, ...path: string[]): string | undefined {
  const v = get(o, ...path);
  return typeof v === 'string' ? v : undefined;
}

/** The integer at `path`, or 0. */
export function int(o: unknown, ...path: string[]): number {
  const v = get(o, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** The integer at `path`, or undefined when absent (a nil `*int32`). */
export function optInt(o: unknown, ...path: string[]): number | undefined {
  const v = get(o, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

/** The boolean at `path`, or false. */
export function bool(o: unknown, ...path: string[]): boolean {
  return get(o, ...path) === true;
}

/** The boolean at `path`, or undefined when absent (a nil `*bool`). */
export function optBool(o: unknown, ...path: string[]): boolean | undefined {
  const v = get(o, ...path);
  return typeof v === 'boolean' ? v : undefined;
}

/** A `map[string]string` at `path`; non-string values are skipped. */
export function strMap(o: unknown, ...path: string[]): Record<string, string> {
  const m = asObject(get(o, ...path));
  const out: Record<string, string> = {};
  if (m === undefined) return out;
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Number of keys of the map at `path` (`len(map)`), 0 when absent. */
export function mapLen(o: unknown, ...path: string[]): number {
  const m = asObject(get(o, ...path));
  return m === undefined ? 0 : Object.keys(m).length;
}

// 0001-01-01T00:00:00Z, which Go encoders write for a zero time and IsZero() reports as unset.
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * The time at `path` (an RFC 3339 string, `metav1.Time` or `MicroTime`), or undefined for an
 * absent, empty or unparsable value (Go's zero time).
 */
export function time(o: unknown, ...path: string[]): Date | undefined {
  const s = get(o, ...path);
  if (typeof s !== 'string' || s === '') return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) || ms === GO_ZERO_TIME_MS ? undefined : new Date(ms);
}
