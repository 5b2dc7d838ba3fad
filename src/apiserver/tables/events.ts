// The Event table, for core/v1 Events and events.k8s.io/v1 Events alike: upstream prints both
// through the internal Event, so the events.k8s.io fields are read under their core names.
import { get, int, obj, optInt, str, time } from '../../api/printing/access.js';
import { NAME, col, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { nameOf, since } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

const COLUMNS = [
  s('Last Seen', D.evLastTimestamp),
  s('Type', D.evType),
  s('Reason', D.evReason),
  s('Object', D.evInvolvedObject),
  s('Subobject', D.evFieldPath, true),
  s('Source', D.evSource, true),
  s('Message', D.evMessage),
  s('First Seen', D.evFirstTimestamp, true),
  s('Count', D.evCount, true),
  col('Name', 'string', NAME.description, { wide: true, format: 'name' }),
];

/** The fields the printer reads, whichever API group the event came from. */
interface EventView {
  involved: Record<string, unknown>;
  source: Record<string, unknown>;
  message: string;
  first: Date | undefined;
  last: Date | undefined;
  count: number;
}

function view(e: Record<string, unknown>): EventView {
  const newApi = str(e, 'apiVersion') === 'events.k8s.io/v1' || (e['involvedObject'] === undefined && e['regarding'] !== undefined);
  if (newApi) {
    return {
      involved: obj(e, 'regarding'),
      source: obj(e, 'deprecatedSource'),
      message: str(e, 'note'),
      first: time(e, 'deprecatedFirstTimestamp'),
      last: time(e, 'deprecatedLastTimestamp'),
      count: int(e, 'deprecatedCount'),
    };
  }
  return {
    involved: obj(e, 'involvedObject'),
    source: obj(e, 'source'),
    message: str(e, 'message'),
    first: time(e, 'firstTimestamp'),
    last: time(e, 'lastTimestamp'),
    count: int(e, 'count'),
  };
}

function eventCells(e: Record<string, unknown>, now: Date): unknown[] {
  const v = view(e);
  // Events from the new API carry eventTime instead of the deprecated timestamps.
  const first = since(v.first ?? time(e, 'eventTime'), now);
  let last = v.last === undefined ? first : since(v.last, now);
  let count = v.count;
  const series = get(e, 'series');
  if (series !== undefined && series !== null) {
    last = since(time(series, 'lastObservedTime'), now);
    count = optInt(series, 'count') ?? 0;
  } else if (count === 0) {
    // Singleton events of the new API have no count.
    count = 1;
  }
  const kind = str(v.involved, 'kind').toLowerCase();
  const name = str(v.involved, 'name');
  const component = str(v.source, 'component') || str(e, 'reportingController');
  const instance = str(v.source, 'host') || str(e, 'reportingInstance');
  return [
    last,
    str(e, 'type'),
    str(e, 'reason'),
    name === '' ? kind : `${kind}/${name}`,
    str(v.involved, 'fieldPath'),
    instance === '' ? component : `${component}, ${instance}`,
    v.message.trim(),
    first,
    count,
    nameOf(e),
  ];
}

/** Event: Last Seen, Type, Reason, Object "pod/web-1", Message; wide Subobject, Source, First Seen, Count, Name. */
export const eventTable: TableConvertor = { columns: COLUMNS, cells: eventCells };
