/**
 * Path elements of managed fields, in the string form FieldsV1 uses as object keys: `f:<name>`
 * (a map key or struct field), `k:{"name":"nginx"}` (an item of a keyed list), `v:"x"` (an item of
 * a set list) and `i:3` (a list index). Also their total order (the order FieldsV1 is written in)
 * and the `.spec.containers[name="nginx"]` form conflict messages print.
 */

/** One parsed path element. Key fields are kept sorted by name, as Kubernetes writes them. */
export type PathElement =
  | { kind: 'field'; name: string }
  | { kind: 'key'; fields: Array<[string, unknown]> }
  | { kind: 'value'; value: unknown }
  | { kind: 'index'; index: number };

/** A path as a list of element keys (`['f:spec', 'f:replicas']`). */
export type Path = readonly string[];

/** The FieldsV1 key of a struct field or map key. */
export const fieldKey = (name: string): string => `f:${name}`;

/** The FieldsV1 key of a keyed-list item; fields are sorted by name. */
export function keyKey(fields: Array<[string, unknown]>): string {
  const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `k:{${sorted.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** The FieldsV1 key of a set-list item. */
export const valueKey = (value: unknown): string => `v:${JSON.stringify(value)}`;

/** The FieldsV1 key of a list index (lists that are neither keyed nor sets, which are rare). */
export const indexKey = (index: number): string => `i:${index}`;

/** Parses a FieldsV1 key; throws on a malformed one. */
export function parseElement(key: string): PathElement {
  const body = key.slice(2);
  switch (key.slice(0, 2)) {
    case 'f:':
      return { kind: 'field', name: body };
    case 'k:': {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`invalid key element ${key}`);
      return { kind: 'key', fields: Object.entries(parsed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
    }
    case 'v:':
      return { kind: 'value', value: JSON.parse(body) as unknown };
    case 'i:': {
      const index = Number(body);
      if (!Number.isInteger(index)) throw new Error(`invalid index element ${key}`);
      return { kind: 'index', index };
    }
    default:
      throw new Error(`unknown path element prefix in ${JSON.stringify(key)}`);
  }
}

const typeRank = (v: unknown): number =>
  typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4;

const cmp = (a: string | number | boolean, b: string | number | boolean): number => (a < b ? -1 : a > b ? 1 : 0);

/** Total order of values: numbers, strings, booleans, lists, maps, null (structured-merge-diff's). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') return cmp(a, b as typeof a);
  return cmp(JSON.stringify(a), JSON.stringify(b));
}

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** Order of path elements: fields, then keys, values, indexes; each by content. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] - kindRank[b.kind];
  if (a.kind === 'field' && b.kind === 'field') return cmp(a.name, b.name);
  if (a.kind === 'index' && b.kind === 'index') return a.index - b.index;
  if (a.kind === 'value' && b.kind === 'value') return compareValues(a.value, b.value);
  if (a.kind === 'key' && b.kind === 'key') {
    for (let i = 0; ; i++) {
      const x = a.fields[i];
      const y = b.fields[i];
      if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : -1) : 1;
      const c = cmp(x[0], y[0]) || compareValues(x[1], y[1]);
      if (c !== 0) return c;
    }
  }
  return 0;
}

/** Go's %q-like rendering used by messages: strings quoted, other values as JSON. */
const show = (v: unknown): string => JSON.stringify(v);

/** One element as conflict messages print it: `.name`, `[name="nginx"]`, `[="x"]`, `[0]`. */
export function elementString(key: string): string {
  const e = parseElement(key);
  switch (e.kind) {
    case 'field':
      return `.${e.name}`;
    case 'key':
      return `[${e.fields.map(([n, v]) => `${n}=${show(v)}`).join(',')}]`;
    case 'value':
      return `[=${show(e.value)}]`;
    case 'index':
      return `[${e.index}]`;
  }
}

/** A whole path as conflict messages print it, e.g. `.spec.template.spec.containers[name="nginx"].image`. */
export const pathString = (path: Path): string => path.map(elementString).join('');
