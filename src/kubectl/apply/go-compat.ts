/**
 * The few Go behaviours kubectl's apply shows through its output: how `encoding/json` writes a
 * document (the last-applied annotation is compared byte for byte on the next apply, so it must
 * read exactly as kubectl writes it) and how `fmt`'s `%v` renders scalars (strategic patch diffing
 * sorts lists and compares merge keys by that text).
 */
import { isList, isObject } from '../../api/patch/json.js';

/** A JSON string as Go writes it: HTML-significant characters and line separators are escaped. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A number as Go writes a float64: plain below 1e21, exponent form (`1e+21`, `1e-7`) otherwise. */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  const abs = Math.abs(n);
  // JavaScript's exponent form (`1e+21`, `1e-7`) is already the one Go writes after its clean-up.
  return abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? n.toExponential() : JSON.stringify(n);
}

/**
 * `json.Marshal` of a decoded JSON value: object keys sorted, no spaces, Go's escaping.
 * Undefined members are left out as JSON.stringify does.
 */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isList(v)) return `[${v.map((x) => (x === undefined ? 'null' : goJson(x))).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort(compareGoStrings);
    return `{${keys.map((k) => `${goQuote(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  throw new Error(`json: unsupported type: ${typeof v}`);
}

/** Go's string order: by UTF-8 bytes, which for the BMP below the surrogates is code-unit order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `fmt.Sprintf("%v", x)` for the scalars a JSON document holds (float64, string, bool, nil). */
export function goText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloatV(v);
  if (isList(v)) return `[${v.map(goText).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[${keys.map((k) => `${k}:${goText(v[k])}`).join(' ')}]`;
  }
  return typeof v === 'bigint' ? v.toString() : '';
}

/** `%v` of a float64 (`%g`, shortest): exponent form, two digits at least, when the exponent is below -4 or 6 and above. */
function goFloatV(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  const [mantissa = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(n);
}

/** Go's `sort.Sort` of scalars by their `%v` text (kubectl's sortScalars); returns a new list. */
export function sortScalars(list: readonly unknown[]): unknown[] {
  return [...list].sort((a, b) => compareGoStrings(goText(a), goText(b)));
}

/**
 * kubectl's deduplicateScalars: a duplicate is replaced by the last element, so the survivors'
 * order can change. Equality is Go's `==` on interface values (same type and value).
 */
export function deduplicateScalars(list: readonly unknown[]): unknown[] {
  const s = [...list];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}
