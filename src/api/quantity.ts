// Kubernetes resource.Quantity: exact fixed-point amounts ("500m", "1Gi") with upstream's parsing,
// canonical form, comparison and rounding. Pure logic; the wire type stays a string.
import { canonicalString } from './quantity/canonical.js';
import {
  addDecimal,
  cmpDecimal,
  type Decimal,
  digitCount,
  negDecimal,
  pow10,
  roundAwayFromZero,
  signOf,
} from './quantity/decimal.js';
import { parseQuantityString, QuantityParseError, type QuantityFormat } from './quantity/parse.js';

export { QUANTITY_ERRORS, QUANTITY_SPLIT_RE, QuantityParseError } from './quantity/parse.js';
export type { QuantityErrorKind, QuantityFormat } from './quantity/parse.js';

/** Scales (powers of ten) named as upstream names them, for {@link Quantity.scaledValue} and friends. */
export const Scale = { Nano: -9, Micro: -6, Milli: -3, None: 0, Kilo: 3, Mega: 6, Giga: 9, Tera: 12, Peta: 15, Exa: 18 } as const;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Accepts a safe integer or a bigint as an exact whole number. */
function wholeNumber(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what}: ${value} is not a safe integer`);
  return BigInt(value);
}

/**
 * An immutable Kubernetes quantity. The value is exact (a BigInt mantissa and a power of ten, never
 * a float); `format` decides how it is written back. Arithmetic returns new quantities.
 *
 * Differences from upstream, all at the edges: {@link Quantity.value} and friends saturate at the
 * int64 range where Go overflows, and values beyond the suffix tables (≥ 1000E, ≥ 1024Ei, < 1n) keep
 * their value when serialized where upstream drops the suffix.
 */
export class Quantity {
  readonly #value: Decimal;
  readonly #format: QuantityFormat;
  /** The serialized form: the input when upstream keeps it, else computed on first use. */
  #string: string | undefined;

  private constructor(value: Decimal, format: QuantityFormat, cached?: string) {
    this.#value = value;
    this.#format = format;
    this.#string = cached;
  }

  /** Parses a quantity string (ParseQuantity). Throws {@link QuantityParseError} with upstream's message. */
  static parse(str: string): Quantity {
    const parsed = parseQuantityString(str);
    return new Quantity(parsed.value, parsed.format, parsed.cached);
  }

  /** `value` units in `format` (NewQuantity). */
  static fromInt(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity({ mantissa: wholeNumber(value, 'Quantity.fromInt'), exponent: 0 }, format);
  }

  /** `value` thousandths in `format` (NewMilliQuantity): `fromMilli(500)` is "500m". */
  static fromMilli(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity({ mantissa: wholeNumber(value, 'Quantity.fromMilli'), exponent: Scale.Milli }, format);
  }

  /** `value × 10^scale` in DecimalSI (NewScaledQuantity): `fromScaled(5, Scale.Mega)` is "5M". */
  static fromScaled(value: bigint | number, scale: number): Quantity {
    if (!Number.isInteger(scale)) throw new RangeError(`Quantity.fromScaled: scale ${scale} is not an integer`);
    return new Quantity({ mantissa: wholeNumber(value, 'Quantity.fromScaled'), exponent: scale }, 'DecimalSI');
  }

  /** How the quantity is serialized. */
  get format(): QuantityFormat {
    return this.#format;
  }

  /** The same value serialized in another format ("Change Format at will"). */
  withFormat(format: QuantityFormat): Quantity {
    return format === this.#format ? this : new Quantity(this.#value, format);
  }

  /** -1, 0 or 1 by the sign of the value. */
  sign(): -1 | 0 | 1 {
    return signOf(this.#value.mantissa);
  }

  /** True when the value is zero, whatever its suffix ("0Gi" included). */
  isZero(): boolean {
    return this.#value.mantissa === 0n;
  }

  /** Exact comparison across formats: -1 if this < other, 0 if equal ("1Gi" vs "1073741824"), 1 if greater. */
  cmp(other: Quantity): -1 | 0 | 1 {
    return cmpDecimal(this.#value, other.#value);
  }

  /** Value equality (Quantity.Equal): formats and spelling are ignored. */
  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** `this + other`, exact. Keeps this format, or takes other's when this is zero (Quantity.Add). */
  add(other: Quantity): Quantity {
    return new Quantity(addDecimal(this.#value, other.#value), this.isZero() ? other.#format : this.#format);
  }

  /** `this - other`, exact. Keeps this format, or takes other's when this is zero (Quantity.Sub). */
  sub(other: Quantity): Quantity {
    return new Quantity(addDecimal(this.#value, negDecimal(other.#value)), this.isZero() ? other.#format : this.#format);
  }

  /** `-this`, same format. */
  neg(): Quantity {
    return new Quantity(negDecimal(this.#value), this.#format);
  }

  /** `this × factor`, exact, same format. */
  mul(factor: bigint | number): Quantity {
    const f = wholeNumber(factor, 'Quantity.mul');
    return new Quantity({ mantissa: this.#value.mantissa * f, exponent: this.#value.exponent }, this.#format);
  }

  /**
   * The value rounded away from zero to a multiple of `10^scale` (Quantity.RoundUp); `exact` is false
   * when precision was lost. `Quantity.parse("9.01").roundUp(0)` is 10, inexact.
   */
  roundUp(scale: number): { quantity: Quantity; exact: boolean } {
    const { value, exact } = roundAwayFromZero(this.#value, scale);
    if (value === this.#value) return { quantity: this, exact };
    return { quantity: new Quantity(value, this.#format), exact };
  }

  /**
   * The value in units of `10^scale`, rounded away from zero (Quantity.ScaledValue), saturating at the
   * int64 range. `parse("1").scaledValue(Scale.Milli)` is 1000n; `parse("1n").scaledValue(0)` is 1n.
   */
  scaledValue(scale: number): bigint {
    const { value } = roundAwayFromZero(this.#value, scale);
    const { mantissa } = value;
    if (mantissa === 0n) return 0n;
    const shift = value.exponent - scale;
    // 19 digits and more may exceed int64; decide on the digit count before building 10^shift.
    if (digitCount(mantissa) + shift > 19) return mantissa < 0n ? INT64_MIN : INT64_MAX;
    const n = mantissa * pow10(shift);
    return n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n;
  }

  /** The value as a whole number, rounded away from zero (Quantity.Value): "1.5" → 2n, "-1.5" → -2n. */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** The value in thousandths, rounded away from zero (Quantity.MilliValue): "0.1m" → 1n. */
  milliValue(): bigint {
    return this.scaledValue(Scale.Milli);
  }

  /** The nearest float to the exact value, for display and ratios only; never compare with it. */
  toNumber(): number {
    return Number(`${this.#value.mantissa}e${this.#value.exponent}`);
  }

  /**
   * The serialized form the API server writes (Quantity.String / MarshalJSON): the canonical form,
   * or the input itself when upstream keeps it (it does for `+1`, `01`, `1E3`, `1.G`).
   */
  toString(): string {
    this.#string ??= canonicalString(this.#value, this.#format);
    return this.#string;
  }

  /** The canonical form, ignoring any kept input spelling: `parse("+1").canonical()` is "1". */
  canonical(): string {
    return canonicalString(this.#value, this.#format);
  }

  /** JSON.stringify writes the serialized string. */
  toJSON(): string {
    return this.toString();
  }
}

/** Parses a quantity string; throws {@link QuantityParseError}. Same as {@link Quantity.parse}. */
export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}

/** Parses a quantity string, returning the error instead of throwing it (for validation). */
export function tryParseQuantity(str: string): Quantity | QuantityParseError {
  try {
    return Quantity.parse(str);
  } catch (err) {
    if (err instanceof QuantityParseError) return err;
    throw err;
  }
}

/**
 * Decodes a quantity as it appears in a JSON object (UnmarshalJSON): a string or a number, with
 * surrounding whitespace ignored. A JS number has already lost digits past 2^53; send strings.
 */
export function quantityFromJSON(value: string | number): Quantity {
  return Quantity.parse(typeof value === 'number' ? String(value) : value.trim());
}

/** A quantity or its wire string. */
export type QuantityLike = Quantity | string;

const toQuantity = (q: QuantityLike): Quantity => (typeof q === 'string' ? Quantity.parse(q) : q);

/**
 * CPU in millicores, as the scheduler and kubelet count it (MilliValue): "500m" → 500, "1" → 1000,
 * "0.1m" → 1 (rounded up). Exact below 2^53 millicores.
 */
export function cpuMillis(q: QuantityLike): number {
  return Number(toQuantity(q).milliValue());
}

/** Memory (or storage) in bytes, rounded up (Value): "1Gi" → 1073741824, "1.5k" → 1500. Exact below 2^53 (8Pi). */
export function memoryBytes(q: QuantityLike): number {
  return Number(toQuantity(q).value());
}

/** Exact comparison of two quantities or wire strings: `compareQuantities("1Gi", "1073741824")` is 0. */
export function compareQuantities(a: QuantityLike, b: QuantityLike): -1 | 0 | 1 {
  return toQuantity(a).cmp(toQuantity(b));
}

/** The serialized form the API server would write back for a wire string: "0.5" → "500m". */
export function canonicalizeQuantity(str: string): string {
  return Quantity.parse(str).toString();
}
