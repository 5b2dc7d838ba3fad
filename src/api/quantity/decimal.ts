// Exact decimal arithmetic on BigInt mantissas: the number behind every Quantity, never a float.

/**
 * An exact decimal number, `mantissa × 10^exponent`. Not normalised: `10e0` and `1e1` are the same
 * number; compare with {@link cmpDecimal}, never field by field.
 */
export interface Decimal {
  readonly mantissa: bigint;
  readonly exponent: number;
}

/** 10^n as a BigInt; `n` must be a non-negative integer. */
export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** -1, 0 or 1 by the sign of `n`. */
export function signOf(n: bigint): -1 | 0 | 1 {
  return n === 0n ? 0 : n < 0n ? -1 : 1;
}

/** Number of decimal digits in |n| (1 for zero). */
export function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** Divides out every factor of `base` from `n`, returning what is left and how many were removed. */
export function removeFactors(n: bigint, base: bigint): { rest: bigint; times: number } {
  let rest = n;
  let times = 0;
  while (rest !== 0n && rest % base === 0n) {
    rest /= base;
    times++;
  }
  return { rest, times };
}

/** Rewrites `a` and `b` over their smaller exponent so their mantissas can be added or compared. */
function align(a: Decimal, b: Decimal): { x: bigint; y: bigint; exponent: number } {
  if (a.exponent === b.exponent) return { x: a.mantissa, y: b.mantissa, exponent: a.exponent };
  if (a.exponent > b.exponent) {
    return { x: a.mantissa * pow10(a.exponent - b.exponent), y: b.mantissa, exponent: b.exponent };
  }
  return { x: a.mantissa, y: b.mantissa * pow10(b.exponent - a.exponent), exponent: a.exponent };
}

/**
 * Compares two decimals exactly: -1 if `a < b`, 0 if equal, 1 if `a > b`.
 *
 * Why not just align: `1e2000000000` vs `1` would build a two-billion-digit BigInt. Comparing the
 * position of the leading digit first keeps the aligned case bounded by the operands' own lengths.
 */
export function cmpDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const sa = signOf(a.mantissa);
  const sb = signOf(b.mantissa);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const orderA = digitCount(a.mantissa) + a.exponent;
  const orderB = digitCount(b.mantissa) + b.exponent;
  if (orderA !== orderB) return ((orderA > orderB ? 1 : -1) * sa) as -1 | 1;
  const { x, y } = align(a, b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** `a + b`, exact. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  if (b.mantissa === 0n) return a;
  if (a.mantissa === 0n) return b;
  const { x, y, exponent } = align(a, b);
  return { mantissa: x + y, exponent };
}

/** `-a`. */
export function negDecimal(a: Decimal): Decimal {
  return { mantissa: -a.mantissa, exponent: a.exponent };
}

/**
 * Rounds `a` to a multiple of `10^exponent`, away from zero (Kubernetes' "round up": 0.1m becomes
 * 1m, -1.5 becomes -2). `exact` is false when a non-zero remainder was rounded away. A value already
 * at or finer than that precision is returned unchanged.
 */
export function roundAwayFromZero(a: Decimal, exponent: number): { value: Decimal; exact: boolean } {
  if (a.exponent >= exponent) return { value: a, exact: true };
  const shift = exponent - a.exponent;
  if (a.mantissa === 0n) return { value: { mantissa: 0n, exponent }, exact: true };
  // |a| < 10^exponent: the answer is ±1 unit; skip building 10^shift, which may be enormous.
  if (digitCount(a.mantissa) <= shift) {
    return { value: { mantissa: BigInt(signOf(a.mantissa)), exponent }, exact: false };
  }
  const divisor = pow10(shift);
  let q = a.mantissa / divisor;
  const r = a.mantissa % divisor;
  if (r !== 0n) q += a.mantissa < 0n ? -1n : 1n;
  return { value: { mantissa: q, exponent }, exact: r === 0n };
}

/** True when `a` is a whole number. */
export function isInteger(a: Decimal): boolean {
  return roundAwayFromZero(a, 0).exact;
}

/** The whole number `a` equals; only meaningful when {@link isInteger} holds (otherwise rounded away from zero). */
export function toBigInt(a: Decimal): bigint {
  const { value } = roundAwayFromZero(a, 0);
  return value.mantissa * pow10(value.exponent);
}
