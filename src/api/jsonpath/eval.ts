/**
 * Evaluation of parsed JSONPath templates over decoded JSON, with upstream's semantics and error
 * wording: results per action, `range`/`end` blocks re-running the nodes between them per item,
 * out-of-range indexes as errors, missing keys as errors unless allowed, and Go's comparison rules
 * in filters (an int never equals a float; strings order bytewise).
 *
 * Values: `undefined` stands for Go's invalid reflect.Value (the data of a range over nothing, or a
 * null range item), `null` for a JSON null; both are skipped by field and index steps.
 */
import { goPrint, goStringCompare, goTypeName, isGoInt } from '../gofmt.js';
import { JsonPathError, type ListNode, type Node, type Param } from './parser.js';

/** A float literal of the template (`2.0`): a float64 to Go even when whole, so never equal to an int. */
export class FloatLiteral {
  constructor(readonly value: number) {}
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof FloatLiteral);

/** The children a wildcard or recursive step visits: map values, list items, a string's bytes. */
function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v as unknown[];
  // Go ranges maps in no fixed order; document order is one of the orders it can produce.
  if (isObj(v)) return Object.values(v);
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  return [];
}

type Kind = 'bool' | 'int' | 'float' | 'string';

function basicKind(v: unknown): Kind {
  if (v instanceof FloatLiteral) return 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return isGoInt(v) ? 'int' : 'float';
  throw new JsonPathError('invalid type for comparison');
}

/** Go template's eq/lt semantics for one pair of operands. */
function equal(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb) throw new JsonPathError('incompatible types for comparison');
  return num(a) === num(b);
}

const num = (v: unknown): unknown => (v instanceof FloatLiteral ? v.value : v);

function less(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb) throw new JsonPathError('incompatible types for comparison');
  if (ka === 'bool') throw new JsonPathError('invalid type for comparison');
  if (ka === 'string') return goStringCompare(a as string, b as string) < 0;
  return (num(a) as number) < (num(b) as number);
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '<':
      return less(a, b);
    case '>': {
      if (less(a, b)) return false;
      return !equal(a, b);
    }
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<=':
      return less(a, b) || equal(a, b);
    case '>=':
      return !less(a, b);
    default:
      throw new JsonPathError(`unrecognized filter operator ${op}`);
  }
}

/** One evaluation of a template; holds upstream's range bookkeeping. */
export class Evaluator {
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode = -1;

  constructor(
    private readonly nodes: readonly Node[],
    private readonly allowMissingKeys: boolean,
  ) {}

  /** The results of each action (and text) from `start` on, `range` blocks expanded per item. */
  findResults(data: unknown, start = 0): unknown[][] {
    const full: unknown[][] = [];
    for (let i = start; i < this.nodes.length; i++) {
      const node = this.nodes[i];
      if (node === undefined) break;
      const results = this.walk([data], node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = i;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        if (results.length > 0) {
          for (const value of results) full.push(...this.findResults(value === null ? undefined : value, i + 1));
        } else {
          // Upstream still walks the body (with no data) to find where the range ends.
          this.findResults(undefined, i + 1);
        }
        this.inRange--;
        for (let k = i + 1; k < this.nodes.length; k++) {
          if (k === this.lastEndNode) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private walk(input: unknown[], node: Node): unknown[] {
    switch (node.type) {
      case 'list':
        return this.evalList(input, node);
      case 'text':
        return [node.text];
      case 'field':
        return this.evalField(input, node.name);
      case 'array':
        return evalArray(input, node.params);
      case 'filter':
        return this.evalFilter(input, node);
      case 'int':
      case 'bool':
        return input.map(() => node.value);
      case 'float':
        return input.map(() => new FloatLiteral(node.value));
      case 'wildcard':
        return input.flatMap((v) => (v === null || v === undefined ? [] : children(v)));
      case 'recursive':
        return evalRecursive(input);
      case 'union':
        return node.nodes.flatMap((l) => this.evalList(input, l));
      case 'identifier':
        return this.evalIdentifier(input, node.name);
    }
  }

  private evalList(input: unknown[], list: ListNode): unknown[] {
    let cur = input;
    for (const n of list.nodes) cur = this.walk(cur, n);
    return cur;
  }

  private evalIdentifier(input: unknown[], name: string): unknown[] {
    if (name === 'range') {
      this.beginRange++;
      return input;
    }
    if (name === 'end') {
      if (this.inRange > 0) {
        this.endRange++;
        return [];
      }
      throw new JsonPathError('not in range, nothing to end');
    }
    throw new JsonPathError(`unrecognized identifier ${name}`);
  }

  private evalField(input: unknown[], name: string): unknown[] {
    if (input.length === 0) return [];
    const results: unknown[] = [];
    for (const v of input) {
      if (isObj(v) && Object.hasOwn(v, name)) results.push(v[name]);
    }
    if (results.length === 0 && !this.allowMissingKeys) throw new JsonPathError(`${name} is not found`);
    return results;
  }

  private evalFilter(input: unknown[], node: Extract<Node, { type: 'filter' }>): unknown[] {
    const results: unknown[] = [];
    for (const value of input) {
      if (!Array.isArray(value)) {
        const shown = value === undefined ? '<invalid reflect.Value>' : goPrint(value);
        throw new JsonPathError(`${shown} is not array or slice and cannot be filtered`);
      }
      for (const elem of value as unknown[]) {
        let lefts: unknown[];
        if (node.op === 'exists') {
          try {
            lefts = this.evalList([elem], node.left);
          } catch {
            lefts = [];
          }
          if (lefts.length > 0) results.push(elem);
          continue;
        }
        lefts = this.evalList([elem], node.left);
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
        const rights = this.evalList([elem], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
        if (compare(node.op, lefts[0], rights[0])) results.push(elem);
      }
    }
    return results;
  }
}

function evalArray(input: unknown[], spec: readonly Param[]): unknown[] {
  const result: unknown[] = [];
  for (const value of input) {
    if (value === null) continue;
    if (!Array.isArray(value)) {
      if (value === undefined) throw new JsonPathError('<invalid Value> is not array or slice');
      throw new JsonPathError(`${goTypeName(value)} is not array or slice`);
    }
    const a = value as unknown[];
    const [p0, p1, p2] = spec.map((p) => ({ ...p }));
    if (p0 === undefined || p1 === undefined || p2 === undefined) continue;
    if (!p0.known) p0.value = 0;
    if (p0.value < 0) p0.value += a.length;
    if (!p1.known) p1.value = a.length;
    if (p1.value < 0 || (p1.value === 0 && p1.derived)) p1.value += a.length;
    // Asking for zero elements is allowed, and (as upstream) ends the step for all inputs.
    if (p1.value === p0.value) return result;
    if (p0.value >= a.length || p0.value < 0) throw new JsonPathError(`array index out of bounds: index ${p0.value}, length ${a.length}`);
    if (p1.value > a.length || p1.value < 0) throw new JsonPathError(`array index out of bounds: index ${p1.value - 1}, length ${a.length}`);
    if (p0.value > p1.value) throw new JsonPathError(`starting index ${p0.value} is greater than ending index ${p1.value}`);
    let step = 1;
    if (p2.known) {
      if (p2.value <= 0) throw new JsonPathError('step must be > 0');
      step = p2.value;
    }
    const slice = a.slice(p0.value, p1.value);
    for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
  }
  return result;
}

/** Every value with children, in pre-order, each followed by its descendants. */
function evalRecursive(input: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of input) {
    if (value === null || value === undefined) continue;
    const kids = children(value);
    if (kids.length !== 0) {
      result.push(value);
      result.push(...evalRecursive(kids));
    }
  }
  return result;
}
