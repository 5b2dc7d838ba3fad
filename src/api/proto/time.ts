// RFC 3339 text ↔ (seconds, nanos) for meta/v1 Time (whole seconds, as Go's Time.MarshalJSON
// writes it) and MicroTime (six fractional digits, as MicroTime.MarshalJSON writes it).
// Both always print UTC with a "Z".

/** Seconds since the Unix epoch plus nanoseconds, the shape of the proto Timestamp. */
export interface SecondsNanos {
  seconds: number;
  nanos: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses RFC 3339 with optional fraction and offset; throws on anything else. */
export function parseRFC3339(text: string): SecondsNanos {
  const m = RFC3339.exec(text);
  if (!m) throw new Error(`invalid RFC 3339 time ${JSON.stringify(text)}`);
  const n = (i: number): number => Number(m[i] ?? '0');
  let seconds = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6)) / 1000;
  // Date.UTC maps years 0–99 to 1900–1999; Kubernetes times never use them, so leave it.
  if (m[9] !== undefined) {
    const offset = (n(10) * 60 + n(11)) * 60;
    seconds += m[9] === '+' ? -offset : offset;
  }
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  return { seconds, nanos };
}

function formatSeconds(seconds: number): string {
  // toISOString gives "YYYY-MM-DDTHH:MM:SS.mmmZ"; the milliseconds are replaced by the caller.
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** Go's metav1.Time JSON form: "2024-01-02T03:04:05Z" (fraction dropped). */
export function formatTime(t: SecondsNanos): string {
  return `${formatSeconds(t.seconds)}Z`;
}

/** Go's metav1.MicroTime JSON form: "2024-01-02T03:04:05.123456Z". */
export function formatMicroTime(t: SecondsNanos): string {
  const micros = Math.floor(t.nanos / 1000);
  return `${formatSeconds(t.seconds)}.${String(micros).padStart(6, '0')}Z`;
}
