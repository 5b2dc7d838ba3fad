import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCron } from './cron.js';
import { Zone } from './zone.js';

const iso = (ms: number | undefined) => (ms === undefined ? 'never' : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** Each case: the schedule, an optional default zone, a start, and the next activations in order. */
const cases: { spec: string; zone?: string; from: string; next: string[] }[] = [
  { spec: '*/1 * * * *', from: '2025-01-01T00:00:00Z', next: ['2025-01-01T00:01:00Z', '2025-01-01T00:02:00Z'] },
  { spec: '*/15 * * * *', from: '2025-01-01T00:07:30Z', next: ['2025-01-01T00:15:00Z', '2025-01-01T00:30:00Z', '2025-01-01T00:45:00Z', '2025-01-01T01:00:00Z'] },
  { spec: '5-10/2 * * * *', from: '2025-01-01T00:00:00Z', next: ['2025-01-01T00:05:00Z', '2025-01-01T00:07:00Z', '2025-01-01T00:09:00Z', '2025-01-01T01:05:00Z'] },
  { spec: '50/5 * * * *', from: '2025-01-01T00:00:00Z', next: ['2025-01-01T00:50:00Z', '2025-01-01T00:55:00Z', '2025-01-01T01:50:00Z'] },
  { spec: '0,30 8-9 * * *', from: '2025-01-01T08:10:00Z', next: ['2025-01-01T08:30:00Z', '2025-01-01T09:00:00Z', '2025-01-01T09:30:00Z', '2025-01-02T08:00:00Z'] },
  { spec: '@yearly', from: '2025-01-01T00:00:00Z', next: ['2026-01-01T00:00:00Z'] },
  { spec: '@annually', from: '2025-06-01T00:00:00Z', next: ['2026-01-01T00:00:00Z'] },
  { spec: '@monthly', from: '2025-01-15T00:00:00Z', next: ['2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z'] },
  { spec: '@weekly', from: '2025-01-01T00:00:00Z', next: ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z'] },
  { spec: '@daily', from: '2025-01-01T00:00:00Z', next: ['2025-01-02T00:00:00Z'] },
  { spec: '@midnight', from: '2025-01-01T23:59:59Z', next: ['2025-01-02T00:00:00Z'] },
  { spec: '@hourly', from: '2025-01-01T10:30:00Z', next: ['2025-01-01T11:00:00Z'] },
  // 2025-01-01 is a Wednesday.
  { spec: '30 2 * * mon-fri', from: '2025-01-02T03:00:00Z', next: ['2025-01-03T02:30:00Z', '2025-01-06T02:30:00Z'] },
  { spec: '0 9 * JAN,mar *', from: '2025-01-31T10:00:00Z', next: ['2025-03-01T09:00:00Z'] },
  { spec: '0 0 * * 6,0', from: '2025-01-01T00:00:00Z', next: ['2025-01-04T00:00:00Z', '2025-01-05T00:00:00Z', '2025-01-11T00:00:00Z'] },
  // Day-of-month and day-of-week both restricted: either matches (the 13th, or any Friday).
  { spec: '0 0 13 * 5', from: '2025-01-01T00:00:00Z', next: ['2025-01-03T00:00:00Z', '2025-01-10T00:00:00Z', '2025-01-13T00:00:00Z'] },
  // A step makes `*` a restriction: odd days AND any weekday.
  { spec: '0 0 */2 * *', from: '2025-01-01T00:00:00Z', next: ['2025-01-03T00:00:00Z', '2025-01-05T00:00:00Z'] },
  { spec: '0 0 ? * ?', from: '2025-01-01T00:00:00Z', next: ['2025-01-02T00:00:00Z'] },
  { spec: '0 0 29 2 *', from: '2025-01-01T00:00:00Z', next: ['2028-02-29T00:00:00Z'] },
  { spec: '0 0 30 2 *', from: '2025-01-01T00:00:00Z', next: ['never'] },
  { spec: '@every 90m', from: '2025-01-01T00:00:10.500Z', next: ['2025-01-01T01:30:10Z', '2025-01-01T03:00:10Z'] },
  { spec: '@every 10ms', from: '2025-01-01T00:00:00Z', next: ['2025-01-01T00:00:01Z'] },
  // Zones: the prefix and the default zone (spec.timeZone / the controller's local zone).
  { spec: 'TZ=Asia/Tokyo 0 9 * * *', from: '2025-01-01T00:00:00Z', next: ['2025-01-02T00:00:00Z'] },
  { spec: '0 0 * * *', zone: 'Asia/Kolkata', from: '2025-01-01T00:00:00Z', next: ['2025-01-01T18:30:00Z', '2025-01-02T18:30:00Z'] },
  // US DST starts 2025-03-09 02:00 EST: 02:30 does not exist that day and is skipped.
  { spec: 'TZ=America/New_York 30 2 * * *', from: '2025-03-08T12:00:00Z', next: ['2025-03-10T06:30:00Z'] },
  { spec: 'TZ=America/New_York 30 3 * * *', from: '2025-03-08T12:00:00Z', next: ['2025-03-09T07:30:00Z', '2025-03-10T07:30:00Z'] },
  // US DST ends 2025-11-02 02:00 EDT: 01:30 happens twice, and runs twice.
  { spec: 'CRON_TZ=America/New_York 30 1 * * *', from: '2025-11-02T04:00:00Z', next: ['2025-11-02T05:30:00Z', '2025-11-02T06:30:00Z', '2025-11-03T06:30:00Z'] },
  { spec: '0 0 * * *', zone: 'America/New_York', from: '2025-11-01T12:00:00Z', next: ['2025-11-02T04:00:00Z', '2025-11-03T05:00:00Z'] },
  // Europe/London springs forward at 01:00 GMT: the hour after 00:59 GMT is 02:00 BST.
  { spec: '0 * * * *', zone: 'Europe/London', from: '2025-03-30T00:30:00Z', next: ['2025-03-30T01:00:00Z', '2025-03-30T02:00:00Z'] },
  // Sao Paulo (DST until 2019) had no midnight on 2018-11-04 (00:00 became 01:00): that day is skipped.
  { spec: '0 0 * * *', zone: 'America/Sao_Paulo', from: '2018-11-03T12:00:00Z', next: ['2018-11-05T02:00:00Z', '2018-11-06T02:00:00Z'] },
  { spec: '0 1 * * 0', zone: 'America/Sao_Paulo', from: '2018-11-03T12:00:00Z', next: ['2018-11-04T03:00:00Z', '2018-11-11T03:00:00Z'] },
];

test('next activations', () => {
  for (const c of cases) {
    const zone = c.zone ? Zone.load(c.zone) : Zone.UTC;
    assert.ok(zone, c.zone);
    const parsed = parseCron(c.spec, zone);
    assert.ok(parsed.ok, `${c.spec}: ${parsed.ok ? '' : parsed.error}`);
    let t = Date.parse(c.from);
    const got: string[] = [];
    for (let i = 0; i < c.next.length; i++) {
      const n = parsed.value.next(t);
      got.push(iso(n));
      if (n === undefined) break;
      t = n;
    }
    assert.deepEqual(got, c.next, c.spec);
  }
});

test('parse errors carry robfig/cron texts', () => {
  const cases: [string, string][] = [
    ['', 'empty spec string'],
    ['bogus', 'expected exactly 5 fields, found 1: [bogus]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['TZ=Mars/Base * * * * *', 'provided bad location Mars/Base: unknown time zone Mars/Base'],
  ];
  for (const [spec, error] of cases) assert.deepEqual(parseCron(spec), { ok: false, error }, spec);
});

test('zones: wall time and Go time.Date normalisation', () => {
  const ny = Zone.load('America/New_York');
  assert.ok(ny);
  assert.deepEqual(ny.wall(Date.parse('2025-07-04T16:05:09Z')), { year: 2025, month: 7, day: 4, hour: 12, minute: 5, second: 9, weekday: 5 });
  // Month 13 is next January; day 32 overflows into the next month.
  assert.equal(iso(ny.instant(2025, 13, 1)), '2026-01-01T05:00:00Z');
  assert.equal(iso(Zone.UTC.instant(2025, 1, 32, 1)), '2025-02-01T01:00:00Z');
  assert.equal(Zone.load('Nowhere/Special'), undefined);
  assert.equal(Zone.load(''), Zone.UTC);
});
