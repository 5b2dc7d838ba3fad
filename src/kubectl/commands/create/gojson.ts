/**
 * JSON as Go's `encoding/json` writes it, where kubectl's output depends on the exact bytes: the
 * `last-applied-configuration` annotation, `--append-hash` names (a hash of a marshalled map) and
 * `.dockerconfigjson`. Go escapes `<`, `>`, `&`, U+2028 and U+2029, and sorts map keys; typed
 * structs keep their field order, which our generators reproduce by building objects in that order.
 */

const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** A JSON string literal with Go's HTML-safe escaping. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * JSON of `value` as Go marshals it: compact, or with `indent` as json.MarshalIndent (kubectl's
 * `-o json` uses four spaces). `sortKeys` sorts every object's keys (Go maps and unstructured
 * objects); without it, keys keep insertion order (typed structs). `undefined` members are left
 * out, as `omitempty` would.
 */
export function goJSON(value: unknown, o: { sortKeys?: boolean; indent?: string } = {}, pad = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  const indent = o.indent ?? '';
  const inner = pad + indent;
  const nl = indent === '' ? '' : '\n';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v: unknown) => inner + goJSON(v === undefined ? null : v, o, inner)).join(`,${nl}`)}${nl}${pad}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    if (o.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sep = indent === '' ? ':' : ': ';
    return `{${nl}${entries.map(([k, v]) => `${inner}${goString(k)}${sep}${goJSON(v, o, inner)}`).join(`,${nl}`)}${nl}${pad}}`;
  }
  return 'null';
}

/** A deep copy without `undefined` members (what Go's `omitempty` leaves out), for printers and bodies. */
export function pruneUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => pruneUndefined(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, pruneUndefined(v)])) as T;
  }
  return value;
}
