/**
 * How Go prints decoded JSON (`map[string]interface{}`, `[]interface{}`, string, int64, float64,
 * bool, nil), for tools that must match kubectl byte for byte: `fmt`'s `%v` and `%#v`,
 * `strconv.Quote`, and `encoding/json` (sorted keys, HTML-safe escapes, optional indent).
 *
 * Numbers: Go's unstructured decoding keeps an integral JSON number as int64 and anything else as
 * float64, and the two print differently (`3` vs `1e+06`), so {@link isGoInt} decides which a JS
 * number stands for.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when Go's unstructured decoding would hold `n` as an int64 (an integer that fits). */
export function isGoInt(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

/** Go's string order (bytewise UTF-8), which differs from UTF-16 order only past U+D7FF. */
export function goStringCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

/** The keys of a map in the order Go's fmt and encoding/json print them. */
export function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort(goStringCompare);
}

/** `strconv.FormatFloat(v, 'g', -1, 64)`, which is also what `%v` prints for a float64. */
export function formatFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant = '', expText = '0'] = v.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  // Shortest formatting switches to an exponent below 1e-4 and from 1e6 up (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const frac = digits.slice(1);
    const e = Math.abs(exp);
    body = `${digits[0] ?? ''}${frac ? `.${frac}` : ''}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : String(e)}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${body}` : body;
}

/** A number as Go's fmt prints the int64 or float64 it decodes to. */
export function goNumber(n: number): string {
  return isGoInt(n) ? BigInt(n).toString() : formatFloatG(n);
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** `strconv.Quote`: a double-quoted Go string literal, non-printable runes escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's `%v` (and `%+v`, the same for these types) of a decoded JSON value. */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${(v as unknown[]).map(goPrint).join(' ')}]`;
  if (isObj(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goPrint(v[k])}`).join(' ')}]`;
  return typeof v === 'bigint' ? v.toString() : '';
}

/** Go's `%#v` of a decoded JSON value (`map[string]interface {}{"a":1}`). */
export function goSyntax(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${(v as unknown[]).map(goSyntax).join(', ')}}`;
  if (isObj(v)) return `map[string]interface {}{${sortedKeys(v).map((k) => `${goQuote(k)}:${goSyntax(v[k])}`).join(', ')}}`;
  return typeof v === 'bigint' ? v.toString() : '';
}

/** The Go type name of a decoded JSON value, as reflect prints it in error messages. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return isGoInt(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** encoding/json's string literal: HTML-safe (`<`, `>`, `&` escaped) and U+2028/U+2029 escaped. */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c !== 0x2028 && c !== 0x2029 && (c < 0xd800 || c > 0xdfff)) {
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      default:
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            out += s.slice(i, i + 2);
            i++;
            break;
          }
        }
        // A lone surrogate is invalid UTF-8 to Go, which writes the replacement character.
        if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
        else out += `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}"`;
}

/** A number as encoding/json writes the int64 or float64 it decodes to. */
function goJsonNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  return isGoInt(n) ? BigInt(n).toString() : JSON.stringify(n);
}

/**
 * `json.Marshal` (indent '') or `json.MarshalIndent(v, "", indent)` of a decoded JSON value: map
 * keys sorted, empty maps and lists as `{}` and `[]`.
 */
export function goJson(v: unknown, indent = ''): string {
  const write = (x: unknown, pad: string): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return goJsonString(x);
    if (typeof x === 'number') return goJsonNumber(x);
    if (typeof x === 'boolean') return String(x);
    const inner = pad + indent;
    const nl = indent === '' ? '' : '\n';
    const sep = indent === '' ? ':' : ': ';
    if (Array.isArray(x)) {
      const a = x as unknown[];
      if (a.length === 0) return '[]';
      return `[${nl}${a.map((e) => inner + write(e, inner)).join(`,${nl}`)}${nl}${pad}]`;
    }
    if (isObj(x)) {
      const keys = sortedKeys(x);
      if (keys.length === 0) return '{}';
      return `{${nl}${keys.map((k) => `${inner}${goJsonString(k)}${sep}${write(x[k], inner)}`).join(`,${nl}`)}${nl}${pad}}`;
    }
    return 'null';
  };
  return write(v, '');
}
