/**
 * Go's fmt.Sprintf, Sprint and Sprintln over template values: the verbs templates use (`%s %d %v
 * %q %x %X %o %b %c %e %f %g %t %T %%`), flags (`-+# 0`), width and precision, and Go's in-band
 * errors (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA …)`).
 */
import { formatFloatG, goQuote, goSyntax, sortedKeys as goSortedKeys } from '../../../api/gofmt.js';
import { formatV, GoFloat, GoInt, kindOf, numberOf, typeName } from './values.js';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, f: Spec, numeric: boolean): string {
  const w = f.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  const fill = w - len;
  if (f.minus) return s + ' '.repeat(fill);
  if (f.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s.slice(0, 1) : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function bad(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatV(v)})`;
}

function withSign(s: string, n: number, f: Spec): string {
  if (n < 0 || Object.is(n, -0)) return s;
  return f.plus ? `+${s}` : f.space ? ` ${s}` : s;
}

function formatInt(n: number, verb: string, f: Spec): string {
  const neg = n < 0;
  const abs = BigInt(Math.abs(n));
  let digits: string;
  switch (verb) {
    case 'x':
      digits = abs.toString(16);
      if (f.sharp) digits = `0x${digits}`;
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) digits = `0X${digits}`;
      break;
    case 'o':
      digits = abs.toString(8);
      if (f.sharp) digits = `0${digits}`;
      break;
    case 'b':
      digits = abs.toString(2);
      break;
    default:
      digits = abs.toString(10);
  }
  if (f.prec !== undefined) digits = digits.padStart(f.prec, '0');
  return withSign(neg ? `-${digits}` : digits, n, f);
}

/** The exact decimal digits of a finite double and where the point goes (value = 0.digits × 10^point). */
function exactDigits(n: number): { digits: string; point: number } {
  const a = Math.abs(n);
  if (a === 0) return { digits: '0', point: 1 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) {
    const digits = (mant << BigInt(e)).toString();
    return { digits, point: digits.length };
  }
  // mant / 2^k = mant × 5^k / 10^k
  const digits = (mant * 5n ** BigInt(-e)).toString();
  return { digits, point: digits.length + e };
}

/** Rounds exact digits to `keep` leading digits, half to even as Go's strconv does. */
function roundDigits(d: { digits: string; point: number }, keep: number): { digits: string; point: number } {
  if (keep >= d.digits.length) return { digits: d.digits.padEnd(keep, '0'), point: d.point };
  if (keep < 0) return { digits: '', point: d.point };
  const head = d.digits.slice(0, keep);
  const rest = d.digits.slice(keep);
  const first = rest[0] ?? '0';
  const tie = first === '5' && /^50*$/.test(rest);
  const up = first > '5' || (first === '5' && !tie) || (tie && keep > 0 && Number(head[keep - 1]) % 2 === 1);
  if (!up) return { digits: head, point: d.point };
  const bumped = (BigInt(head || '0') + 1n).toString();
  if (keep === 0) return { digits: bumped, point: d.point + 1 };
  return bumped.length > keep ? { digits: bumped.slice(0, keep), point: d.point + 1 } : { digits: bumped.padStart(keep, '0'), point: d.point };
}

/** %.{p}f with exact rounding. */
function toFixedGo(n: number, p: number): string {
  const r = roundDigits(exactDigits(n), exactDigits(n).point + p);
  const all = r.digits.padEnd(r.point + p, '0');
  const intPart = r.point > 0 ? all.slice(0, r.point).replace(/^0+(?=\d)/, '') || '0' : '0';
  const frac = r.point >= 0 ? all.slice(r.point, r.point + p) : ('0'.repeat(-r.point) + all).slice(0, p);
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  return `${sign}${intPart}${p > 0 ? `.${frac.padEnd(p, '0')}` : ''}`;
}

/** %.{p}e with exact rounding (`1.50e+03`). */
function toExpGo(n: number, p: number): string {
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  if (n === 0) return `${sign}${p > 0 ? `0.${'0'.repeat(p)}` : '0'}e+00`;
  const d = exactDigits(n);
  const lead = d.digits.length - d.digits.replace(/^0+/, '').length;
  const r = roundDigits({ digits: d.digits.slice(lead), point: d.point - lead }, p + 1);
  const exp = r.point - 1;
  const mant = r.digits.slice(0, 1) + (p > 0 ? `.${r.digits.slice(1, p + 1)}` : '');
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function formatFloat(n: number, verb: string, f: Spec): string {
  let s: string;
  const p = f.prec;
  switch (verb) {
    case 'e':
    case 'E': {
      s = toExpGo(n, p ?? 6);
      if (verb === 'E') s = s.toUpperCase();
      break;
    }
    case 'f':
    case 'F':
      s = toFixedGo(n, p ?? 6);
      break;
    default: {
      if (p === undefined) s = formatFloatG(n);
      else {
        // Go's 'g': round to p significant digits, then %e or %f on the digits that are left.
        const prec = Math.max(p, 1);
        const e = toExpGo(n, prec - 1);
        const [m = '', ex = '0'] = e.split('e');
        const digits = m.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
        const nd = digits.length;
        const exp = Number(ex);
        let eprec = prec;
        if (eprec > nd && nd >= exp + 1) eprec = nd;
        if (exp < -4 || exp >= eprec) s = toExpGo(n, nd - 1);
        else s = toFixedGo(n, Math.max(nd - exp - 1, 0));
      }
      if (verb === 'G') s = s.toUpperCase();
    }
  }
  return withSign(s, n, f);
}

/** %x of a float64: shortest hexadecimal mantissa and a binary exponent (`0x1.cp+01`). */
function hexFloat(n: number, upper: boolean): string {
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  let s: string;
  if (n === 0) s = '0x0p+00';
  else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(n));
    const bits = view.getBigUint64(0);
    let exp = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & ((1n << 52n) - 1n);
    if (exp === 0) {
      // Subnormal: normalise so the leading digit is 1.
      exp = -1022;
      while ((mant & (1n << 52n)) === 0n) {
        mant <<= 1n;
        exp--;
      }
      mant &= (1n << 52n) - 1n;
      exp += 1023;
    }
    const e = exp - 1023;
    const frac = mant.toString(16).padStart(13, '0').replace(/0+$/, '');
    s = `0x1${frac ? `.${frac}` : ''}p${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return sign + (upper ? s.toUpperCase() : s);
}

function formatOne(v: unknown, verb: string, f: Spec, depth = 0): string {
  if (verb === 'T') return pad(v === undefined || v === null ? '<nil>' : typeName(v), f, false);
  if (verb === 'v' && f.sharp) return pad(v instanceof GoInt || v instanceof GoFloat ? formatV(v) : goSyntax(v), f, false);
  const k = kindOf(v);
  // A nil element of a list or map prints <nil> whatever the verb; a nil argument does only for %v.
  if (k === 'invalid' || k === 'nil') return verb === 'v' || depth > 0 ? pad('<nil>', f, false) : bad(verb, v);
  const inner = { ...f, width: undefined };
  if (k === 'slice') return pad(`[${(v as unknown[]).map((e) => formatOne(e, verb, inner, depth + 1)).join(' ')}]`, f, false);
  if (k === 'map') {
    const m = v as Record<string, unknown>;
    return pad(`map[${goSortedKeys(m).map((key) => `${formatOne(key, verb, inner, depth + 1)}:${formatOne(m[key], verb, inner, depth + 1)}`).join(' ')}]`, f, false);
  }
  switch (verb) {
    case 'v':
      if (k === 'int') return pad(formatInt(numberOf(v), 'd', f), f, true);
      if (k === 'float') return pad(formatFloat(numberOf(v), 'g', f), f, true);
      return pad(k === 'string' && f.prec !== undefined ? [...(v as string)].slice(0, f.prec).join('') : String(v), f, false);
    case 's':
      if (k !== 'string') return bad(verb, v);
      return pad(f.prec !== undefined ? [...(v as string)].slice(0, f.prec).join('') : (v as string), f, false);
    case 'q':
      if (k === 'string') return pad(goQuote(v as string), f, false);
      if (k === 'int') return pad(`'${String.fromCodePoint(numberOf(v))}'`, f, false);
      return bad(verb, v);
    case 't':
      return k === 'bool' ? pad(String(v), f, false) : bad(verb, v);
    case 'd':
    case 'o':
    case 'b':
      return k === 'int' ? pad(formatInt(numberOf(v), verb, f), f, true) : bad(verb, v);
    case 'c':
      return k === 'int' ? pad(String.fromCodePoint(numberOf(v)), f, false) : bad(verb, v);
    case 'x':
    case 'X':
      if (k === 'int') return pad(formatInt(numberOf(v), verb, f), f, true);
      if (k === 'string') {
        const hex = Buffer.from(v as string, 'utf8').toString('hex');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, f, false);
      }
      if (k === 'float') return pad(withSign(hexFloat(numberOf(v), verb === 'X'), numberOf(v), f), f, true);
      return bad(verb, v);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return k === 'float' ? pad(formatFloat(numberOf(v), verb, f), f, true) : bad(verb, v);
    default:
      return bad(verb, v);
  }
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; ) {
    const c = format[i] ?? '';
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    const f: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const fl = format[i];
      if (fl === '-') f.minus = true;
      else if (fl === '+') f.plus = true;
      else if (fl === '#') f.sharp = true;
      else if (fl === ' ') f.space = true;
      else if (fl === '0') f.zero = !f.minus;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return kindOf(a) === 'int' ? numberOf(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (m === null) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    f.width = num();
    if (format[i] === '.') {
      i++;
      f.prec = num() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argi++], verb, f);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatV(a)}`))
      .join(', ')})`;
  }
  return out;
}

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += a === undefined ? '<nil>' : formatV(a);
  });
  return out;
}

/** fmt.Sprintln: operands separated by spaces, then a newline. */
export function sprintln(args: unknown[]): string {
  return `${args.map((a) => (a === undefined ? '<nil>' : formatV(a))).join(' ')}\n`;
}
