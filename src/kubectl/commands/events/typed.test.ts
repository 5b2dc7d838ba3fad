import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '../../../api/generated/core/v1.js';
import { structJson, typedEvent, typedEventList } from './typed.js';

const managed = [{ manager: 'm', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:z': {}, 'f:a': {} } }];

test('a bare event gains the fields Go always encodes, in field order', () => {
  const e = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'bare', namespace: 'd', creationTimestamp: '2024-01-01T00:00:00Z', managedFields: managed }, involvedObject: {}, extra: 1 } as unknown as Event;
  const t = typedEvent(e, { showManagedFields: false });
  assert.deepEqual(Object.keys(t), ['kind', 'apiVersion', 'metadata', 'involvedObject', 'source', 'firstTimestamp', 'lastTimestamp', 'eventTime', 'reportingComponent', 'reportingInstance']);
  assert.deepEqual(t, {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'bare', namespace: 'd', creationTimestamp: '2024-01-01T00:00:00Z' },
    involvedObject: {},
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  });
});

test('times are normalised to UTC (seconds for Time, microseconds for MicroTime); empty optional fields drop', () => {
  const e: Event = {
    metadata: { name: 'x', labels: { b: '1', a: '2' }, annotations: {}, finalizers: [] },
    involvedObject: { name: 'p', kind: 'Pod', apiVersion: 'v1', fieldPath: '' },
    firstTimestamp: '2020-06-01T02:00:00.75+02:00',
    lastTimestamp: '2020-06-01T00:00:01Z',
    eventTime: '2021-03-04T05:06:07.1Z',
    series: { count: 0, lastObservedTime: '2021-03-04T05:06:07.000001Z' },
    count: 0,
    type: '',
    related: { kind: 'Node', name: 'n' },
    source: { host: 'h' },
    action: 'Start',
  };
  const t = typedEvent(e, { showManagedFields: false }) as unknown as Record<string, unknown>;
  assert.equal(t['firstTimestamp'], '2020-06-01T00:00:00Z');
  assert.equal(t['eventTime'], '2021-03-04T05:06:07.100000Z');
  assert.deepEqual(t['series'], { lastObservedTime: '2021-03-04T05:06:07.000001Z' });
  assert.equal('count' in t, false);
  assert.equal('type' in t, false);
  assert.deepEqual(Object.keys(t['involvedObject'] as object), ['kind', 'name', 'apiVersion']);
  assert.deepEqual(Object.keys((t['metadata'] as { labels: object }).labels), ['a', 'b']);
  assert.deepEqual(Object.keys(t['metadata'] as object), ['name', 'creationTimestamp', 'labels']);
  assert.deepEqual(Object.keys(t).slice(-5), ['series', 'action', 'related', 'reportingComponent', 'reportingInstance']);
});

test('managedFields are kept only when asked for, entries in struct order', () => {
  const e: Event = { metadata: { name: 'x', managedFields: managed }, involvedObject: {} };
  const meta = (typedEvent(e, { showManagedFields: true }) as { metadata: { managedFields: object[] } }).metadata;
  assert.deepEqual(Object.keys(meta.managedFields[0] ?? {}), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
  // FieldsV1 is raw JSON in Go: its keys stay in the server's order.
  assert.deepEqual(Object.keys((meta.managedFields[0] as { fieldsV1: object }).fieldsV1), ['f:z', 'f:a']);
});

test('structJson writes Go MarshalIndent, keeping insertion order and escaping as Go', () => {
  const list = typedEventList([{ kind: 'Event', apiVersion: 'v1', metadata: { name: 'a<b>' } }]);
  assert.equal(
    structJson(list),
    '{\n    "kind": "EventList",\n    "apiVersion": "v1",\n    "metadata": {},\n    "items": [\n        {\n            "kind": "Event",\n            "apiVersion": "v1",\n            "metadata": {\n                "name": "a\\u003cb\\u003e"\n            }\n        }\n    ]\n}',
  );
  assert.equal(structJson({ z: [1, null], a: '' }, ''), '{"z":[1,null],"a":""}');
});
