import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '../../../api/generated/core/v1.js';
import { CliError } from '../../errors.js';
import { eventLine, goTrimSpace, headerLine, interval, parseMicros, sortEvents, sortTime, typeMatches, validateTypes } from './format.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const ev = (o: Partial<Event>): Event => ({ metadata: { name: 'e' }, involvedObject: {}, ...o });

test('interval: first sighting, repeats, series, unset and future times', () => {
  const cases: [string, Partial<Event>, string][] = [
    ['single', { firstTimestamp: ago(5_000), lastTimestamp: ago(5_000), count: 1 }, '5s'],
    ['count 1 uses the first time', { firstTimestamp: ago(90 * 60_000), lastTimestamp: ago(5_000), count: 1 }, '90m'],
    ['repeated', { firstTimestamp: ago(2 * 60_000), lastTimestamp: ago(5_000), count: 3 }, '5s (x3 over 2m)'],
    ['eventTime wins over firstTimestamp', { eventTime: ago(3 * 3600_000 + 60_000), firstTimestamp: ago(10_000) }, '3h1m'],
    ['series', { eventTime: ago(26 * 3600_000), series: { count: 4, lastObservedTime: ago(61_000) } }, '61s (x4 over 26h)'],
    ['series without a last time', { eventTime: ago(10_000), series: { count: 2 } }, '<unknown> (x2 over 10s)'],
    ['nothing set', {}, '<unknown>'],
    ['repeated without times', { count: 2 }, '<unknown> (x2 over <unknown>)'],
    ['Go zero time is unset', { firstTimestamp: '0001-01-01T00:00:00Z' }, '<unknown>'],
    ['far future', { firstTimestamp: '2099-01-01T00:00:00Z' }, '<invalid>'],
    ['days', { firstTimestamp: ago(3 * 86400_000 + 2 * 3600_000) }, '3d2h'],
  ];
  for (const [name, e, want] of cases) assert.equal(interval(ev(e), NOW), want, name);
});

test('parseMicros keeps microseconds and honours offsets', () => {
  assert.equal(parseMicros('2021-03-04T05:06:07.123456Z'), Date.parse('2021-03-04T05:06:07Z') * 1000 + 123456);
  assert.equal(parseMicros('2020-06-01T00:00:00.5+02:00'), Date.parse('2020-05-31T22:00:00Z') * 1000 + 500000);
  assert.equal(parseMicros(null), undefined);
  assert.equal(parseMicros('yesterday'), undefined);
});

test('sortTime: series, else lastTimestamp, else eventTime; unset sorts first', () => {
  const series = ev({ lastTimestamp: '2030-01-01T00:00:00Z', series: { lastObservedTime: '2020-01-01T00:00:00.000001Z' } });
  assert.equal(sortTime(series), parseMicros('2020-01-01T00:00:00.000001Z'));
  assert.equal(sortTime(ev({ lastTimestamp: '2021-01-01T00:00:00Z', eventTime: '2022-01-01T00:00:00.000000Z' })), parseMicros('2021-01-01T00:00:00Z'));
  assert.equal(sortTime(ev({ eventTime: '2022-01-01T00:00:00.000000Z' })), parseMicros('2022-01-01T00:00:00.000000Z'));
  assert.equal(sortTime(ev({})), -Infinity);
});

test('sortEvents puts equal times where kubectl (Go sort.Sort) puts them', () => {
  // Input in the server's order and kubectl 1.32's output for it, recorded on a k8ts cluster.
  const at = (name: string): Event => {
    if (name === 'future') return ev({ metadata: { name }, lastTimestamp: '2099-01-01T00:00:00Z' });
    if (name === 'micro') return ev({ metadata: { name }, eventTime: '2021-03-04T05:06:07.123456Z', series: { count: 4, lastObservedTime: '2022-03-04T05:06:07.000001Z' } });
    if (name === 'micro2') return ev({ metadata: { name }, eventTime: '2021-03-04T05:06:07.123457Z' });
    const i = Number(name.slice(5));
    return ev({ metadata: { name }, lastTimestamp: i < 15 ? '2020-06-01T00:00:00Z' : '2020-05-31T22:00:00Z' });
  };
  const input = ['future', 'micro', 'micro2', ...Array.from({ length: 20 }, (_, i) => `same-${String(i).padStart(2, '0')}`)];
  const want = 'same-15 same-19 same-18 same-17 same-16 same-07 same-02 same-04 same-05 same-06 same-00 same-08 same-09 same-10 same-11 same-12 same-13 same-14 same-03 same-01 micro2 micro future';
  assert.equal(sortEvents(input.map(at)).map((e) => e.metadata.name).join(' '), want);
});

test('--types: Normal and Warning in any case; anything else is kubectl\'s error', () => {
  validateTypes(['normal', 'WARNING', 'Normal']);
  validateTypes([]);
  for (const bad of [['bogus'], ['Normal', ''], ['Warnings']]) {
    assert.throws(() => validateTypes(bad), (e: unknown) => e instanceof CliError && e.message === 'valid --types are Normal or Warning');
  }
  assert.equal(typeMatches([], 'Whatever'), true);
  assert.equal(typeMatches(['warning'], 'Warning'), true);
  assert.equal(typeMatches(['warning'], 'Normal'), false);
  assert.equal(typeMatches(['normal'], undefined), false);
});

test('rows: Kind/name as recorded, message trimmed the Go way, terminal escapes defused', () => {
  const e = ev({
    metadata: { name: 'e', namespace: 'ns1' },
    involvedObject: { kind: 'Deployment', name: 'web' },
    type: 'Warning',
    reason: 'Bad\x1b[0m',
    message: '  two\rlines\n\n',
    firstTimestamp: ago(5_000),
  });
  assert.equal(eventLine(e, { allNamespaces: false, nowMs: NOW }), '5s\tWarning\tBad^[[0m\tDeployment/web\ttwo\\rlines\n');
  assert.equal(eventLine(e, { allNamespaces: true, nowMs: NOW }), 'ns1\t5s\tWarning\tBad^[[0m\tDeployment/web\ttwo\\rlines\n');
  assert.equal(eventLine(ev({}), { allNamespaces: false, nowMs: NOW }), '<unknown>\t\t\t/\t\n');
  assert.equal(headerLine(true), 'NAMESPACE\tLAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n');
  // Go's TrimSpace strips NBSP and NEL but, unlike String.prototype.trim, keeps a BOM.
  assert.equal(goTrimSpace('\u00a0\u0085x\ufeff \t'), 'x\ufeff');
});
