/**
 * CronJob schedules as the CronJob controller reads them (robfig/cron v3's standard parser):
 * five fields (minute hour day-of-month month day-of-week) with `*`, `?`, ranges, steps, lists and
 * month/day names; the descriptors @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly and
 * `@every <duration>`; a `TZ=` / `CRON_TZ=` prefix. `next` walks months, days, hours, minutes in the
 * schedule's zone the way robfig does, so DST gaps skip and DST overlaps repeat as upstream.
 */
import { CRON_DESCRIPTORS, CRON_FIELDS, cronScheduleError, type CronBounds as Bounds } from '../../api/validation/batch-cron.js';
import { Zone, type WallTime } from './zone.js';

/** A parsed schedule. */
export interface CronSchedule {
  /** The first activation strictly after `ms`, on a whole second; undefined if none within five years. */
  next(ms: number): number | undefined;
}

/** A parse result: the schedule, or robfig's error text. */
export type CronParseResult = { ok: true; value: CronSchedule } | { ok: false; error: string };

interface Field {
  bits: boolean[];
  /** Written as `*` or `?` (without a step above 1): day-of-month and day-of-week then AND instead of OR. */
  star: boolean;
}


const valueOf = (s: string, b: Bounds): number => (b.names ? b.names[s.toLowerCase()] : undefined) ?? Number.parseInt(s, 10);

/** One field (already validated by cronScheduleError): the union of its comma-separated ranges. */
function parseField(text: string, b: Bounds): Field {
  const field: Field = { bits: new Array<boolean>(b.max + 1).fill(false), star: false };
  for (const expr of text.split(',').filter((e) => e !== '')) {
    const [range = '', stepText] = expr.split('/');
    const [low = '', high] = range.split('-');
    const all = low === '*' || low === '?';
    const start = all ? b.min : valueOf(low, b);
    let end = all ? b.max : high !== undefined ? valueOf(high, b) : start;
    const step = stepText !== undefined ? Number.parseInt(stepText, 10) : 1;
    if (stepText !== undefined && high === undefined) end = b.max; // "N/step" means "N-max/step"
    if (all && step <= 1) field.star = true;
    for (let i = start; i <= end; i += step) field.bits[i] = true;
  }
  return field;
}

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (validated) in ms. */
function parseGoDuration(s: string): number {
  const sign = s.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const m of s.replace(/^[-+]/, '').matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 0);
  return sign * total;
}

/** robfig's ConstantDelaySchedule: every `delay` (at least a second, whole seconds) from the given time. */
class EverySchedule implements CronSchedule {
  constructor(private readonly delayMs: number) {}

  next(ms: number): number {
    return Math.floor(ms / 1000) * 1000 + this.delayMs;
  }
}

/** robfig's SpecSchedule: minute, hour, day-of-month, month and day-of-week sets in a zone (seconds are 0). */
class SpecSchedule implements CronSchedule {
  constructor(
    private readonly fields: { minute: Field; hour: Field; dom: Field; month: Field; dow: Field },
    private readonly zone: Zone,
  ) {}

  #dayMatches(w: WallTime): boolean {
    const { dom, dow } = this.fields;
    const domMatch = dom.bits[w.day] === true;
    const dowMatch = dow.bits[w.weekday] === true;
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(from: number): number | undefined {
    const z = this.zone;
    const { minute, hour, month } = this.fields;
    // The earliest candidate is the next whole second.
    let t = Math.floor(from / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = z.wall(t).year + 5;
    // Each pass checks month, day, hour, minute, second; a field that wraps restarts the pass.
    wrap: for (;;) {
      let w = z.wall(t);
      if (w.year > yearLimit) return undefined;
      while (month.bits[w.month] !== true) {
        if (!added) {
          added = true;
          t = z.instant(w.year, w.month, 1);
          w = z.wall(t);
        }
        t = z.instant(w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
        w = z.wall(t);
        if (w.month === 1) continue wrap;
      }
      while (!this.#dayMatches(w)) {
        if (!added) {
          added = true;
          t = z.instant(w.year, w.month, w.day);
          w = z.wall(t);
        }
        t = z.instant(w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
        w = z.wall(t);
        // Where DST moved midnight, land back on the day's first hour.
        if (w.hour !== 0) {
          t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
          w = z.wall(t);
        }
        if (w.day === 1) continue wrap;
      }
      while (hour.bits[w.hour] !== true) {
        if (!added) {
          added = true;
          t = z.instant(w.year, w.month, w.day, w.hour);
        }
        // Absolute hours: a wall hour skipped by DST is never seen, a repeated one is seen twice.
        t += 3_600_000;
        w = z.wall(t);
        if (w.hour === 0) continue wrap;
      }
      while (minute.bits[w.minute] !== true) {
        if (!added) {
          added = true;
          t = Math.floor(t / 60_000) * 60_000;
        }
        t += 60_000;
        w = z.wall(t);
        if (w.minute === 0) continue wrap;
      }
      if (w.second !== 0) {
        // Seconds only match 0: move to the next minute and check everything again.
        added = true;
        t += (60 - w.second) * 1000;
        continue wrap;
      }
      return t;
    }
  }
}

/**
 * Parses a schedule as robfig's ParseStandard (upstream's error texts). A `TZ=`/`CRON_TZ=` prefix
 * picks the zone; otherwise `defaultZone` (the controller's local zone, as Go's time.Local).
 */
export function parseCron(spec: string, defaultZone: Zone = Zone.UTC): CronParseResult {
  const error = cronScheduleError(spec);
  if (error !== undefined) return { ok: false, error };
  let rest = spec;
  let zone = defaultZone;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const name = rest.slice(rest.indexOf('=') + 1, space);
    const loaded = Zone.load(name);
    if (!loaded) return { ok: false, error: `provided bad location ${name}: unknown time zone ${name}` };
    zone = loaded;
    rest = rest.slice(space).trim();
  }
  if (rest.startsWith('@every ')) {
    const ms = parseGoDuration(rest.slice('@every '.length).trim());
    return { ok: true, value: new EverySchedule(Math.max(1000, Math.floor(ms / 1000) * 1000)) };
  }
  const text = CRON_DESCRIPTORS[rest] ?? rest;
  const parts = text.split(/\s+/).filter((f) => f !== '');
  const field = (i: number): Field => parseField(parts[i] ?? '*', CRON_FIELDS[i] ?? { min: 0, max: 0 });
  return { ok: true, value: new SpecSchedule({ minute: field(0), hour: field(1), dom: field(2), month: field(3), dow: field(4) }, zone) };
}
