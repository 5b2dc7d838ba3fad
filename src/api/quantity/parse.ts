// Parses the Quantity string form exactly as apimachinery's ParseQuantity does, quirks included.
import { type Decimal, digitCount, pow10, roundAwayFromZero } from './decimal.js';

/** How a quantity is written back: `12e6`, `12Mi` (12 × 2^20) or `12M` (12 × 10^6). */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** The regular expression quoted by the format error; the scanner below is the actual grammar. */
export const QUANTITY_SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** Upstream's error texts (ErrFormatWrong, ErrNumeric, ErrSuffix), word for word. */
export const QUANTITY_ERRORS = {
  format: `quantities must match the regular expression '${QUANTITY_SPLIT_RE}'`,
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
} as const;

/** Which of upstream's three parse errors occurred. */
export type QuantityErrorKind = keyof typeof QUANTITY_ERRORS;

/** A string that is not a valid quantity. `message` is upstream's text; `input` is the offending string. */
export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
  constructor(
    readonly kind: QuantityErrorKind,
    readonly input: string,
  ) {
    super(QUANTITY_ERRORS[kind]);
  }
}

/** The outcome of a successful parse: the exact value, its format, and the string to echo if any. */
export interface ParsedQuantity {
  readonly value: Decimal;
  readonly format: QuantityFormat;
  /**
   * The input itself when upstream keeps it as the serialized form (it already looks canonical),
   * else undefined. This is why the API server echoes `+1` or `1.G` verbatim.
   */
  readonly cached: string | undefined;
}

/** Largest magnitude a BinarySI quantity may parse to (int64 max); larger values are capped. */
export const MAX_BINARY = (1n << 63n) - 1n;
const NANO = -9;

interface Scanned {
  positive: boolean;
  /** Integer digits with leading zeros removed; "0" when there are none. */
  num: string;
  /** Fraction digits, possibly empty. */
  denom: string;
  suffix: string;
  /** Whether the numeric part held any digit at all ("." and "" do not). */
  hasDigits: boolean;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const SUFFIX_CHARS = 'eEinumkKMGTP';

/** The fast scanner of parseQuantityString: permissive, the suffix is validated afterwards. */
function scan(str: string): Scanned | undefined {
  const end = str.length;
  let pos = 0;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  const start = pos;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '', hasDigits: true };
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  const num = str.slice(numStart, pos) || '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
  }
  const hasDigits = /[0-9]/.test(str.slice(start, pos));
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] ?? '')) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return undefined;
  return { positive, num, denom, suffix: str.slice(suffixStart), hasDigits };
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const INT64_MIN = -(1n << 63n);

/** Suffix → base, exponent and format, as the upstream suffixer interprets it. */
function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    // strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64.
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed < INT64_MIN || parsed > MAX_BINARY) return undefined;
    // Upstream then narrows with int32(parsed), so an exponent like 4294967296 wraps to 0.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/**
 * Whether upstream's int64 fast path would take this input and keep it as the serialized string.
 * The fast path only fires for values that fit in 18 digits at nano precision; it keeps the input when
 * it already has canonical shape (scale a multiple of 3, no trailing "000", no leading zero digit; for
 * binary, a mantissa not divisible by 8).
 */
function keepsInput(s: Scanned, base: 2 | 10, exponent: number): boolean {
  const shifted = s.num + s.denom;
  if (base === 10) {
    const precision = 18 - shifted.length;
    const scale = exponent - s.denom.length;
    if (precision < 0 || scale < NANO) return false;
    return scale % 3 === 0 && !shifted.endsWith('000') && !shifted.startsWith('0');
  }
  if (s.denom.length > 0) return false;
  const precision = 15 - s.num.length - Math.floor((exponent * 3) / 10) - 1;
  if (precision < 0) return false;
  const value = BigInt(shifted);
  if (value << BigInt(exponent) > MAX_BINARY) return false;
  return exponent % 10 === 0 && (value & 7n) !== 0n;
}

/** Whether upstream's fast path handles the input at all (it never needs inf.Dec's digit check). */
function fastPath(s: Scanned, base: 2 | 10, exponent: number): boolean {
  if (base === 10) return 18 - s.num.length - s.denom.length >= 0 && exponent - s.denom.length >= NANO;
  if (s.denom.length > 0) return false;
  const precision = 15 - s.num.length - Math.floor((exponent * 3) / 10) - 1;
  return precision >= 0 && BigInt(s.num) << BigInt(exponent) <= MAX_BINARY;
}

/**
 * Parses a quantity string. Returns the exact value (rounded up to a multiple of 1n, BinarySI capped
 * at ±(2^63-1)), its format, and the input when upstream would echo it. Throws {@link QuantityParseError}.
 */
export function parseQuantityString(str: string): ParsedQuantity {
  if (str.length === 0) throw new QuantityParseError('format', str);
  if (str === '0') return { value: { mantissa: 0n, exponent: 0 }, format: 'DecimalSI', cached: str };
  const s = scan(str);
  if (s === undefined) throw new QuantityParseError('format', str);
  const suffix = interpretSuffix(s.suffix);
  if (suffix === undefined) throw new QuantityParseError('suffix', str);
  const { base, exponent } = suffix;
  let format = suffix.format;
  // The slow path hands the numeric text to inf.Dec, which refuses text without digits ("." or "").
  if (!s.hasDigits && !fastPath(s, base, exponent)) throw new QuantityParseError('numeric', str);

  let mantissa = BigInt(s.num + s.denom);
  if (!s.positive) mantissa = -mantissa;
  let value: Decimal;
  if (base === 10) {
    value = { mantissa, exponent: exponent - s.denom.length };
  } else {
    value = { mantissa: mantissa << BigInt(exponent), exponent: -s.denom.length };
  }
  // Non-zero values round up to the smallest representable unit: ask for some, get some.
  value = roundAwayFromZero(value, NANO).value;
  if (format === 'BinarySI') {
    const magnitude = { mantissa: value.mantissa < 0n ? -value.mantissa : value.mantissa, exponent: value.exponent };
    if (exceedsMaxBinary(magnitude)) value = { mantissa: value.mantissa < 0n ? -MAX_BINARY : MAX_BINARY, exponent: 0 };
    else if (value.mantissa !== 0n && digitCount(magnitude.mantissa) + magnitude.exponent <= 0) format = 'DecimalSI';
  }
  return { value, format, cached: keepsInput(s, base, exponent) ? str : undefined };
}

/** |value| > 2^63-1, for a non-negative value already rounded to nano precision. */
function exceedsMaxBinary(magnitude: Decimal): boolean {
  if (magnitude.exponent >= 0) return magnitude.mantissa * pow10(magnitude.exponent) > MAX_BINARY;
  return magnitude.mantissa > MAX_BINARY * pow10(-magnitude.exponent);
}
