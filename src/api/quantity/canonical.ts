// Canonical serialization of a quantity, as apimachinery's CanonicalizeBytes writes it.
import { cmpDecimal, type Decimal, isInteger, removeFactors, toBigInt } from './decimal.js';
import type { QuantityFormat } from './parse.js';

const DECIMAL_SUFFIX_BY_EXPONENT: ReadonlyMap<number, string> = new Map([
  [-9, 'n'], [-6, 'u'], [-3, 'm'], [0, ''], [3, 'k'], [6, 'M'], [9, 'G'], [12, 'T'], [15, 'P'], [18, 'E'],
]);
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const LIMIT_1024: Decimal = { mantissa: 1024n, exponent: 0 };
const LIMIT_MINUS_1024: Decimal = { mantissa: -1024n, exponent: 0 };

/**
 * The canonical string for `value` in `format`: no fractional digits, no lost precision, the
 * largest suffix (or exponent, a multiple of 3) that keeps the mantissa whole. Zero is always "0".
 * BinarySI falls back to DecimalSI for |value| < 1024 and for values that are not whole numbers
 * (`0.5Ki` is "512", `1.1Ki` is "1126400m").
 */
export function canonicalString(value: Decimal, format: QuantityFormat): string {
  if (value.mantissa === 0n) return '0';
  if (format === 'BinarySI') {
    const small = cmpDecimal(value, LIMIT_MINUS_1024) > 0 && cmpDecimal(value, LIMIT_1024) < 0;
    if (!small && isInteger(value)) return binaryString(toBigInt(value));
    format = 'DecimalSI';
  }
  const stripped = removeFactors(value.mantissa, 10n);
  let mantissa = stripped.rest;
  let exponent = value.exponent + stripped.times;
  // Exponent down to a multiple of 3; JS `%` keeps the sign, so -1 and -2 step down too.
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
  if (suffix !== undefined) return `${mantissa}${suffix}`;
  // Beyond the SI table. Upstream drops the suffix here and prints a wrong number ("1000E" → "1");
  // we keep the value instead: large values stay in E, sub-nano values (only reachable through
  // fromScaled) use the exponent form.
  if (exponent > 18) return `${mantissa * 10n ** BigInt(exponent - 18)}E`;
  return `${mantissa}e${exponent}`;
}

/** A whole number of at least 1024 in magnitude, in the largest binary suffix that keeps it whole. */
function binaryString(n: bigint): string {
  const { rest, times } = removeFactors(n, 1024n);
  const last = BINARY_SUFFIXES.length - 1;
  if (times <= last) return `${rest}${BINARY_SUFFIXES[times] ?? ''}`;
  // Past Ei (2^70 and up; only reachable by arithmetic, parsing caps at 2^63-1): stay in Ei.
  return `${rest * 1024n ** BigInt(times - last)}Ei`;
}
