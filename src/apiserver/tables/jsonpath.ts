// The subset of Kubernetes JSONPath that CRD additionalPrinterColumns use: `.a.b`, `['a.b']`,
// `[0]`, `[-1]`, `[1:3]`, `[*]`, `.*` and filters `[?(@.type=="Ready")]` (==, !=, <, >, <=, >=,
// or bare existence). Missing keys yield no result, as with upstream's AllowMissingKeys(true).

type Literal = string | number | boolean;

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number | undefined; end: number | undefined }
  | { kind: 'filter'; left: Step[]; op: string; right: Literal | undefined };

/** A parsed path; {@link evaluate} runs it. */
export interface JsonPath {
  readonly source: string;
  readonly steps: readonly Step[];
}

/** Thrown for a path outside the supported subset or malformed. */
export class JsonPathError extends Error {}

const FIELD_END = /[.[\]]/;

function parseLiteral(text: string): Literal {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new JsonPathError(`unrecognized literal ${t}`);
}

function parseFilter(expr: string): Step {
  const m = /^@((?:\.[^.\s=!<>]+)+)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/.exec(expr.trim());
  if (m === null) throw new JsonPathError(`unsupported filter ${expr}`);
  const left = parseSteps(m[1] ?? '');
  const op = m[2];
  if (op === undefined) {
    if ((m[3] ?? '') !== '') throw new JsonPathError(`unsupported filter ${expr}`);
    return { kind: 'filter', left, op: 'exists', right: undefined };
  }
  return { kind: 'filter', left, op, right: parseLiteral(m[3] ?? '') };
}

function parseBracket(inner: string): Step {
  const t = inner.trim();
  if (t === '*') return { kind: 'wildcard' };
  if (t.startsWith('?(') && t.endsWith(')')) return parseFilter(t.slice(2, -1));
  if (/^'[^']*'$|^"[^"]*"$/.test(t)) return { kind: 'field', name: t.slice(1, -1) };
  if (/^-?\d+$/.test(t)) return { kind: 'index', index: Number(t) };
  const slice = /^(-?\d+)?:(-?\d+)?$/.exec(t);
  if (slice !== null) {
    return { kind: 'slice', start: slice[1] === undefined ? undefined : Number(slice[1]), end: slice[2] === undefined ? undefined : Number(slice[2]) };
  }
  throw new JsonPathError(`unsupported subscript [${inner}]`);
}

/** Index of the `]` closing the bracket opened at `open`, skipping quoted text and nested parentheses. */
function closingBracket(path: string, open: number): number {
  let quote = '';
  let depth = 0;
  for (let k = open + 1; k < path.length; k++) {
    const c = path[k];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ']' && depth === 0) return k;
  }
  throw new JsonPathError(`unclosed [ in ${path}`);
}

function parseSteps(path: string): Step[] {
  const steps: Step[] = [];
  let k = 0;
  while (k < path.length) {
    const c = path[k];
    if (c === '.') {
      if (path[k + 1] === '.') throw new JsonPathError('recursive descent is not supported');
      const rest = path.slice(k + 1);
      const end = rest.search(FIELD_END);
      const name = end === -1 ? rest : rest.slice(0, end);
      if (name === '') {
        k++;
        continue;
      }
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
      k += 1 + name.length;
    } else if (c === '[') {
      const close = closingBracket(path, k);
      steps.push(parseBracket(path.slice(k + 1, close)));
      k = close + 1;
    } else {
      throw new JsonPathError(`unexpected ${c} in ${path}`);
    }
  }
  return steps;
}

/** Parses a column path such as `.status.conditions[?(@.type=="Ready")].status` (braces optional). */
export function parseJsonPath(source: string): JsonPath {
  let p = source.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  if (p === '' || (p[0] !== '.' && p[0] !== '[')) throw new JsonPathError(`unrecognized path ${source}`);
  return { source, steps: parseSteps(p) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ordered<T extends string | number>(l: T, op: string, r: T): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    default:
      return l >= r;
  }
}

/** Go text/template comparison: both strings, both numbers, or booleans for (in)equality only. */
function compare(left: unknown, op: string, right: Literal | undefined): boolean {
  if (typeof left === 'string' && typeof right === 'string') return ordered(left, op, right);
  if (typeof left === 'number' && typeof right === 'number') return ordered(left, op, right);
  if (typeof left === 'boolean' && typeof right === 'boolean' && (op === '==' || op === '!=')) return (left === right) === (op === '==');
  throw new JsonPathError('incompatible types for comparison');
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(v) && Object.hasOwn(v, step.name)) out.push(v[step.name]);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...(v as unknown[]));
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'index':
        if (Array.isArray(v)) {
          const a = v as unknown[];
          const idx = step.index < 0 ? a.length + step.index : step.index;
          if (idx >= 0 && idx < a.length) out.push(a[idx]);
        }
        break;
      case 'slice':
        if (Array.isArray(v)) out.push(...(v as unknown[]).slice(step.start, step.end));
        break;
      case 'filter':
        if (!Array.isArray(v)) throw new JsonPathError('not array or slice and cannot be filtered');
        for (const elem of v as unknown[]) {
          const lefts = step.left.reduce(applyStep, [elem]);
          if (step.op === 'exists') {
            if (lefts.length > 0) out.push(elem);
            continue;
          }
          if (lefts.length === 0) continue;
          if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
          if (compare(lefts[0], step.op, step.right)) out.push(elem);
        }
        break;
    }
  }
  return out;
}

/** All values `path` selects in `root`, in document order; throws {@link JsonPathError} on a failed comparison. */
export function evaluate(path: JsonPath, root: unknown): unknown[] {
  return path.steps.reduce(applyStep, [root]);
}
