// Go text forms of the special meta/v1 types: durations and RFC 3339 times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoDuration, parseGoDuration } from './duration.js';
import { formatMicroTime, formatTime, parseRFC3339 } from './time.js';

test('Go durations print as time.Duration.String()', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'],
    [1n, '1ns'],
    [1_500n, '1.5µs'],
    [300_000_000n, '300ms'],
    [1_500_000_000n, '1.5s'],
    [60_000_000_000n, '1m0s'],
    [90_000_000_000n, '1m30s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_500_000_000n, '1h2m3.5s'],
    [-5_000_000_000n, '-5s'],
    [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
  ];
  for (const [nanos, text] of cases) {
    assert.equal(formatGoDuration(nanos), text, `format ${nanos}`);
    assert.equal(parseGoDuration(text), nanos, `parse ${text}`);
  }
});

test('Go duration parsing accepts what time.ParseDuration accepts and rejects the rest', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('1.5h'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('2us'), 2_000n);
  assert.equal(parseGoDuration('2μs'), 2_000n);
  assert.equal(parseGoDuration('+0'), 0n);
  for (const bad of ['', '5', 'h', '1d', '1.5', '-', '1h 2m']) assert.throws(() => parseGoDuration(bad), Error, bad);
});

test('RFC 3339 times parse with offsets and fractions and print as Go does', () => {
  assert.deepEqual(parseRFC3339('2024-01-02T03:04:05Z'), { seconds: 1704164645, nanos: 0 });
  assert.deepEqual(parseRFC3339('2024-01-02T05:04:05.5+02:00'), { seconds: 1704164645, nanos: 500_000_000 });
  assert.deepEqual(parseRFC3339('1970-01-01T00:00:00.000000001Z'), { seconds: 0, nanos: 1 });
  assert.equal(formatTime({ seconds: 1704164645, nanos: 999_999_999 }), '2024-01-02T03:04:05Z');
  assert.equal(formatMicroTime({ seconds: 1704164645, nanos: 123_456_789 }), '2024-01-02T03:04:05.123456Z');
  assert.equal(formatMicroTime({ seconds: 1704164645, nanos: 0 }), '2024-01-02T03:04:05.000000Z');
  for (const bad of ['2024-01-02', '2024-01-02T03:04:05', 'yesterday']) assert.throws(() => parseRFC3339(bad), Error, bad);
});
