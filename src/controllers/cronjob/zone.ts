/**
 * Wall-clock time in an IANA time zone through Intl (what Go's time.Location gives robfig/cron):
 * instant → wall fields, and wall fields → instant with Go's `time.Date` rules (fields may
 * overflow and are normalised; a wall time in a DST gap or overlap resolves as Go resolves it).
 */

/** Wall-clock fields of an instant in a zone. Month is 1–12, weekday 0 (Sunday)–6. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function utcWall(ms: number): WallTime {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
}

/** A time zone: `UTC`, or an IANA name Intl knows. */
export class Zone {
  private constructor(
    readonly name: string,
    private readonly utc: boolean,
  ) {}

  static readonly UTC = new Zone('UTC', true);

  /** The zone named `name` ('' and 'UTC' are UTC, as Go's LoadLocation), or undefined when unknown. */
  static load(name: string): Zone | undefined {
    if (name === '' || name === 'UTC') return Zone.UTC;
    try {
      formatter(name);
    } catch {
      return undefined;
    }
    return new Zone(name, false);
  }

  /** The process's local zone (where kube-controller-manager's `time.Local` would point). */
  static local(): Zone {
    return Zone.load(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? Zone.UTC;
  }

  /** The wall-clock fields of instant `ms` (to the second). */
  wall(ms: number): WallTime {
    if (this.utc) return utcWall(ms);
    const parts: Record<string, number> = {};
    for (const p of formatter(this.name).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const year = parts['year'] ?? 1970;
    const month = parts['month'] ?? 1;
    const day = parts['day'] ?? 1;
    return { year, month, day, hour: parts['hour'] ?? 0, minute: parts['minute'] ?? 0, second: parts['second'] ?? 0, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
  }

  /** The zone's offset from UTC at instant `ms`, in ms. */
  offset(ms: number): number {
    if (this.utc) return 0;
    const w = this.wall(ms);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - floorSecond(ms);
  }

  /**
   * The instant of wall time (year, month, day, hour, minute, second) — Go's `time.Date`: fields
   * outside their ranges are normalised (month 13 is January of the next year), and a wall time
   * that does not exist or exists twice takes the offset in force just before or after it.
   */
  instant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    if (this.utc) return local;
    // Go looks up the offset at `local` read as UTC, then re-checks it at the resulting instant.
    const before = this.offset(local);
    const guess = local - before;
    const after = this.offset(guess);
    return after === before ? guess : local - after;
  }
}
