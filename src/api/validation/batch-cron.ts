// The CronJob schedule and time-zone checks, worded as the libraries kube-apiserver uses word them:
// robfig/cron v3's standard parser (5 fields or @descriptor) and Go's time.LoadLocation.

/** One schedule field's range and names (robfig's bounds). */
export interface CronBounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}
type Bounds = CronBounds;

const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
/** minute, hour, day of month, month, day of week. */
export const CRON_FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];
/** The @descriptors robfig accepts, as the five-field schedules they stand for. */
export const CRON_DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

class CronError extends Error {}

/** Go's strconv.Atoi with robfig's wording around it. */
function parseUint(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number.parseInt(expr, 10);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names: Bounds['names']): number {
  const named = names ? Object.entries(names).find(([k]) => k === expr.toLowerCase()) : undefined;
  return named ? named[1] : parseUint(expr);
}

function checkRange(expr: string, b: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = parseIntOrName(lowAndHigh[0] ?? '', b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] ?? '', b.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1] ?? '');
    if (lowAndHigh.length === 1) end = b.max; // "N/step" means "N-max/step"
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

const DURATION_RE = /^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/** Go's time.ParseDuration error text, or undefined when Go would accept the duration. */
function goDurationError(s: string): string | undefined {
  if (DURATION_RE.test(s) || /^[-+]?0$/.test(s)) return undefined;
  const q = JSON.stringify(s);
  if (/^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(s)) return `time: missing unit in duration ${q}`;
  const unit = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)([^0-9.]+)/.exec(s);
  if (unit?.[1] !== undefined) return `time: unknown unit ${JSON.stringify(unit[1])} in duration ${q}`;
  return `time: invalid duration ${q}`;
}

/**
 * Parses a schedule as robfig/cron v3 `ParseStandard` does and returns its error text, or
 * undefined when the schedule is valid.
 */
export function cronScheduleError(schedule: string): string | undefined {
  let spec = schedule;
  if (spec.length === 0) return 'empty spec string';
  try {
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const space = spec.indexOf(' ');
      const eq = spec.indexOf('=');
      const loc = space < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, space);
      const err = timeZoneLoadError(loc);
      if (err !== undefined || space < 0) return `provided bad location ${loc}: ${err ?? 'missing schedule'}`;
      spec = spec.slice(space).trim();
    }
    if (spec.startsWith('@')) {
      if (Object.hasOwn(CRON_DESCRIPTORS, spec)) return undefined;
      if (spec.startsWith('@every ')) {
        const err = goDurationError(spec.slice('@every '.length));
        return err === undefined ? undefined : `failed to parse duration ${spec}: ${err}`;
      }
      return `unrecognized descriptor: ${spec}`;
    }
    const fields = spec.split(/\s+/).filter((f) => f.length > 0);
    if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
    fields.forEach((f, i) => {
      const b = CRON_FIELDS[i];
      if (!b) return;
      for (const expr of f.split(',').filter((e) => e.length > 0)) checkRange(expr, b);
    });
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

let zones: Set<string> | undefined;

/**
 * Go's time.LoadLocation error for `name` (`unknown time zone X`), or undefined when it loads.
 * Node's ICU data stands in for Go's zoneinfo; Go is case-sensitive, so the name must match an
 * IANA name exactly (aliases such as `US/Eastern` included).
 */
export function timeZoneLoadError(name: string): string | undefined {
  if (name === '' || name === 'UTC') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone ${name}`;
  }
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  // ICU accepts any letter case; Go's file lookup does not. An exact canonical name, or an alias
  // ICU resolved to a different zone, is taken as written correctly.
  if (resolved === name || zones.has(name) || resolved.toLowerCase() !== name.toLowerCase()) return undefined;
  return `unknown time zone ${name}`;
}
