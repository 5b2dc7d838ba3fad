import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuQuantity, memoryQuantity, timeString, windowString } from './format.js';

test('CPU is written as metrics-server writes NewScaledQuantity(nanocores, -9)', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [123_456_789, '123456789n'],
    [12_000_000, '12m'],
    [1_500_000, '1500u'],
    [2_000_000_000, '2'],
    [199_999_999.6, '200m'],
  ];
  for (const [nano, want] of cases) assert.equal(cpuQuantity(nano), want, String(nano));
});

test('memory is a BinarySI byte count', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [1_200_128, '1172Ki'],
    [1_234_567, '1234567'],
    [1_073_741_824, '1Gi'],
    [52_428_800, '50Mi'],
  ];
  for (const [bytes, want] of cases) assert.equal(memoryQuantity(bytes), want, String(bytes));
});

test('windows print as Go durations, times as metav1.Time', () => {
  const cases: Array<[number, string]> = [
    [15_000, '15s'],
    [15_012, '15.012s'],
    [10_000, '10s'],
    [61_500, '1m1.5s'],
    [0, '0s'],
  ];
  for (const [ms, want] of cases) assert.equal(windowString(ms), want, String(ms));
  assert.equal(timeString(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05Z');
});
