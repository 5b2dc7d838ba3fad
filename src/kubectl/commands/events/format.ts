/**
 * The pure parts of `kubectl events`: the LAST SEEN interval, the table row, the order events are
 * printed in, and the `--types` filter, each with kubectl 1.32's exact rules
 * (pkg/cmd/events/events.go and event_printer.go).
 */
import type { Event } from '../../../api/generated/core/v1.js';
import { humanDuration } from '../../../api/printing/format.js';
import { CliError } from '../../errors.js';
import { goSort } from '../../printers/gosort.js';

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i;
/** Go's zero time.Time, 0001-01-01T00:00:00Z (what an unset timestamp decodes to). */
const GO_ZERO_MS = -62135596800000;

/**
 * A timestamp in microseconds since the epoch, or undefined when unset, unparsable or Go's zero
 * time. Microseconds because eventTime and series.lastObservedTime are MicroTimes, and two events
 * a few microseconds apart must sort as kubectl sorts them.
 */
export function parseMicros(v: string | undefined | null): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = RFC3339.exec(v);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}${(m[3] ?? 'Z').toUpperCase()}`);
  if (Number.isNaN(ms) || ms === GO_ZERO_MS) return undefined;
  const frac = Number((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
  return ms * 1000 + frac;
}

/** `duration.HumanDuration(time.Since(t))`, or `<unknown>` for an unset time. */
function since(micros: number | undefined, nowMs: number): string {
  return micros === undefined ? '<unknown>' : humanDuration(nowMs - micros / 1000);
}

/**
 * LAST SEEN: the age of the first sighting (eventTime, else firstTimestamp); for a repeated event
 * `<age of last> (x<count> over <age of first>)`, from the series when there is one, else from
 * lastTimestamp and count.
 */
export function interval(e: Event, nowMs: number): string {
  const eventTime = parseMicros(e.eventTime);
  const first = since(eventTime ?? parseMicros(e.firstTimestamp), nowMs);
  if (e.series) return `${since(parseMicros(e.series.lastObservedTime), nowMs)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.count ?? 0) > 1) return `${since(parseMicros(e.lastTimestamp), nowMs)} (x${e.count ?? 0} over ${first})`;
  return first;
}

/** The time kubectl sorts by: series.lastObservedTime, else lastTimestamp, else eventTime. */
export function sortTime(e: Event): number {
  const t = e.series ? parseMicros(e.series.lastObservedTime) : (parseMicros(e.lastTimestamp) ?? parseMicros(e.eventTime));
  // Go's zero time is before every other time.
  return t ?? -Infinity;
}

/**
 * Sorts in place, oldest first, with Go's (unstable) sort.Sort so that events with equal times end
 * up in kubectl's order too.
 */
export function sortEvents(events: Event[]): Event[] {
  const keys = events.map(sortTime);
  goSort(events.length, {
    less: (i, j) => (keys[i] ?? 0) < (keys[j] ?? 0),
    swap: (i, j) => {
      [events[i], events[j]] = [events[j] as Event, events[i] as Event];
      [keys[i], keys[j]] = [keys[j] as number, keys[i] as number];
    },
  });
  return events;
}

/** kubectl's `printers.EscapeTerminal`: no raw escape sequences or carriage returns reach the terminal. */
export const escapeTerminal = (s: string): string => s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');

/** Go's unicode.IsSpace set (JS's trim() also strips U+FEFF, which Go keeps). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Go's strings.TrimSpace. */
export const goTrimSpace = (s: string): string => s.replace(GO_SPACE, '');

/** The header line, tab-separated for the tabwriter. */
export function headerLine(allNamespaces: boolean): string {
  return `${allNamespaces ? 'NAMESPACE\t' : ''}LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n`;
}

/** One event's row, tab-separated: OBJECT is the involved object's Kind/name exactly as recorded. */
export function eventLine(e: Event, o: { allNamespaces: boolean; nowMs: number }): string {
  const ref = e.involvedObject ?? {};
  const cells = [
    interval(e, o.nowMs),
    escapeTerminal(e.type ?? ''),
    escapeTerminal(e.reason ?? ''),
    `${escapeTerminal(ref.kind ?? '')}/${escapeTerminal(ref.name ?? '')}`,
    escapeTerminal(goTrimSpace(e.message ?? '')),
  ];
  return `${o.allNamespaces ? `${e.metadata?.namespace ?? ''}\t` : ''}${cells.join('\t')}\n`;
}

/** Go's strings.EqualFold for the ASCII-and-Latin text event types are made of. */
const equalFold = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();

/** Checks `--types`; throws kubectl's message for anything but Normal or Warning (any case). */
export function validateTypes(types: string[]): void {
  for (const t of types) {
    if (!equalFold(t, 'Normal') && !equalFold(t, 'Warning')) throw new CliError('valid --types are Normal or Warning');
  }
}

/** Whether an event of type `type` passes `--types` (no types: all do). */
export function typeMatches(types: string[], type: string | undefined): boolean {
  return types.length === 0 || types.some((t) => equalFold(t, type ?? ''));
}
