/**
 * `kubectl get --sort-by=<jsonpath>`: the first result of the path in each object decides the
 * order, as kubectl's sorter compares it: int64s and float64s numerically, strings as quantities
 * when both parse as one (`2Gi` after `500Mi`, `10` after `9`) and otherwise bytewise (RFC 3339
 * timestamps sort in time order that way), objects without the field first. Sorting uses Go's
 * unstable sort.Sort, so ties come out in the same order as kubectl's.
 */
import { goTypeName, isGoInt } from '../../api/gofmt.js';
import { JsonPath, JsonPathError } from '../../api/jsonpath.js';
import { compareQuantities, tryParseQuantity, Quantity } from '../../api/quantity.js';
import { CliError } from '../errors.js';
import { relaxedJsonPath } from './custom-columns.js';
import { goSort } from './gosort.js';

const MISSING = Symbol('missing');

/**
 * A Table that kubectl cannot sort (the path does not parse, or no row has the field). kubectl's
 * table printer returns this error and `get` ignores it: the table is not printed at all, and when
 * nothing was printed, `get` says `No resources found…` as for an empty result.
 */
export class TableSortError extends CliError {}

function unsortable(field: string, type: string, err: string): CliError {
  return new CliError(`Field ${field} in ${type} is an unsortable type: interface, err: ${err}`);
}

/** kubectl's isLess for two values found by the path (both from decoded JSON). */
function isLess(a: unknown, b: unknown, fail: (err: string) => never): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return false;
  if (a === null || a === undefined) return true;
  if (b === null || b === undefined) return false;
  if (typeof a === 'number') {
    if (typeof b === 'number' && isGoInt(a) === isGoInt(b)) return a < b;
    return fail('unsortable interface: interface');
  }
  if (typeof a === 'string') {
    if (typeof b !== 'string') return fail('unsortable interface: interface');
    const qa = tryParseQuantity(a);
    const qb = tryParseQuantity(b);
    if (qa instanceof Quantity && qb instanceof Quantity) return compareQuantities(qa, qb) < 0;
    return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
  }
  return fail(`unsortable type: ${goTypeName(a)}`);
}

/**
 * Returns `items` ordered by `sortBy` (`.metadata.name` or `{.metadata.name}`), `objectOf` giving
 * the full object of an item (the item itself, or a Table row's `object`).
 *
 * `table`: the items are the rows of a server-side Table. kubectl then sorts only when there is
 * more than one row, accepts a path it cannot relax as is, and reports a path it cannot use with
 * {@link TableSortError} (which `get` must swallow, see there). Without `table`, call it only for
 * a list: kubectl does not sort a single object asked for by name, nor complain about the path then.
 * A value kubectl cannot compare (a map, mixed types) is a {@link CliError} either way.
 */
export function sortObjects<T>(items: readonly T[], sortBy: string, objectOf: (item: T) => unknown, o: { table?: boolean } = {}): T[] {
  const Failure = o.table ? TableSortError : CliError;
  if (items.length === 0 || (o.table && items.length === 1)) return [...items];
  let field: string;
  try {
    field = relaxedJsonPath(sortBy);
  } catch (e) {
    if (!o.table) throw e;
    field = sortBy;
  }
  let path: JsonPath;
  try {
    path = new JsonPath(field, { allowMissingKeys: true });
  } catch (e) {
    if (e instanceof JsonPathError) throw new Failure(o.table ? `sorting error: ${e.message}` : e.message);
    throw e;
  }
  const keys = items.map((item) => {
    let results: unknown[][];
    try {
      results = path.findResults(objectOf(item));
    } catch (e) {
      if (e instanceof JsonPathError) throw new Failure(e.message);
      throw e;
    }
    const first = results[0];
    return first !== undefined && first.length > 0 ? first[0] : MISSING;
  });
  if (!keys.some((k) => k !== MISSING)) throw new Failure(`couldn't find any field with path "${field}" in the list of objects`);
  const type = o.table ? '[][][]reflect.Value' : '*unstructured.Unstructured';
  const order = items.map((item, i) => ({ item, key: keys[i] }));
  goSort(order.length, {
    less: (i, j) => {
      const a = order[i]?.key;
      const b = order[j]?.key;
      // kubectl: an object without the field is less than anything, even another such object.
      if (a === MISSING) return true;
      if (b === MISSING) return false;
      return isLess(a, b, (err) => {
        throw unsortable(field, type, err);
      });
    },
    swap: (i, j) => {
      const x = order[i];
      const y = order[j];
      if (x !== undefined && y !== undefined) {
        order[i] = y;
        order[j] = x;
      }
    },
  });
  return order.map((e) => e.item);
}
