import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '../../api/generated/core/v1.js';
import type { DescribeContext } from './context.js';
import { describeEvents, eventAge, searchEvents } from './events.js';
import { tabbed } from './writer.js';

const now = () => Date.parse('2026-01-01T00:10:00Z');
const ev = (e: Partial<Event>): Event => ({ metadata: { name: 'e' }, involvedObject: {}, ...e });

test('eventAge: first seen, or last seen with the count and first seen', () => {
  const cases: [Partial<Event>, string][] = [
    [{ firstTimestamp: '2026-01-01T00:05:00Z', lastTimestamp: '2026-01-01T00:05:00Z', count: 1 }, '5m'],
    [{ firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:09:30Z', count: 3 }, '30s (x3 over 10m)'],
    [{ eventTime: '2026-01-01T00:09:00.000000Z', series: { count: 4, lastObservedTime: '2026-01-01T00:09:55.000000Z' } }, '5s (x4 over 60s)'],
    [{ eventTime: '2026-01-01T00:09:58.000000Z', firstTimestamp: '2025-01-01T00:00:00Z' }, '2s'],
    [{}, '<unknown>'],
  ];
  for (const [e, want] of cases) assert.equal(eventAge(ev(e), now), want);
});

test('describeEvents: the table, oldest last-seen first, source or reporting controller, messages trimmed', () => {
  const text = tabbed((w) =>
    describeEvents(
      [
        ev({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting\n', source: { component: 'kubelet' }, firstTimestamp: '2026-01-01T00:01:00Z', lastTimestamp: '2026-01-01T00:09:00Z', count: 7 }),
        ev({ type: 'Normal', reason: 'Scheduled', message: 'assigned', reportingComponent: 'default-scheduler', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z' }),
      ],
      w,
      now,
    ),
  );
  assert.equal(
    text,
    [
      'Events:',
      '  Type     Reason     Age               From               Message',
      '  ----     ------     ----              ----               -------',
      '  Normal   Scheduled  10m               default-scheduler  assigned',
      '  Warning  BackOff    60s (x7 over 9m)  kubelet            Back-off restarting',
      '',
    ].join('\n'),
  );
  assert.equal(
    tabbed((w) => describeEvents([], w, now)),
    'Events:  <none>\n',
  );
});

test('searchEvents: selects by involved object fields, follows continue, and swallows errors unless asked', async () => {
  const queries: Record<string, unknown>[] = [];
  let fail = false;
  const client = {
    resource: () => ({
      list: (o: Record<string, unknown>) => {
        queries.push(o);
        if (fail) return Promise.reject(new Error('boom'));
        return Promise.resolve(o['continue'] ? { items: [ev({ reason: 'b' })], metadata: {} } : { items: [ev({ reason: 'a' })], metadata: { continue: 'next' } });
      },
    }),
  };
  const ctx = { client, settings: { showEvents: true, chunkSize: 2 }, now } as unknown as DescribeContext;
  const events = await searchEvents(ctx, { name: 'web', namespace: 'default', kind: 'Deployment', uid: 'u1' });
  assert.deepEqual(
    events.map((e) => e.reason),
    ['a', 'b'],
  );
  assert.equal(queries[0]?.['fieldSelector'], 'involvedObject.kind=Deployment,involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=u1');
  assert.equal(queries[0]?.['limit'], 2);
  assert.equal(queries[1]?.['continue'], 'next');
  fail = true;
  assert.deepEqual(await searchEvents(ctx, { name: 'n', namespace: '' }), []);
  assert.equal(queries[2]?.['namespace'], undefined);
  await assert.rejects(searchEvents(ctx, { name: 'n', namespace: 'x' }, { throwErrors: true }), /boom/);
});
