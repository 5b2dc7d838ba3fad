// Go time.Duration text ("1h2m3.5s", "300ms", "0s") ↔ nanoseconds, for meta/v1 Duration, whose
// JSON form is Go's Duration.String() and whose protobuf form is the int64 nanosecond count.
// BigInt keeps durations past 2^53 ns (~104 days) exact.

const NS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign, what Go prints
  'μs': 1_000n, // U+03BC Greek mu, which Go also accepts
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Parses a Go duration string (as time.ParseDuration does); throws on bad input. */
export function parseGoDuration(text: string): bigint {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw new Error(`invalid duration ${JSON.stringify(text)}`);
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = part.exec(rest);
    const whole = m?.[1] ?? '';
    const frac = m?.[2] ?? '';
    const unit = m === null ? undefined : NS_PER_UNIT[m[3] ?? ''];
    if (m === null || unit === undefined || (whole === '' && frac === '')) {
      throw new Error(`invalid duration ${JSON.stringify(text)}`);
    }
    total += BigInt(whole === '' ? '0' : whole) * unit;
    if (frac !== '') total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    rest = rest.slice(m[0].length);
  }
  return negative ? -total : total;
}

/** Prints nanoseconds the way Go's Duration.String() does. */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${fraction(u, 1_000n, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${fraction(u, 1_000_000n, 6)}ms`;
  const totalSeconds = u / 1_000_000_000n;
  let out = `${fraction(u % 60_000_000_000n, 1_000_000_000n, 9)}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes > 0n) {
    out = `${totalMinutes % 60n}m${out}`;
    const hours = totalMinutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

/** value/unit with up to `digits` fractional digits, trailing zeros removed. */
function fraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const frac = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}
