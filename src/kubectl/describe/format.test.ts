import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabels, formatLabelSelector, humanDuration, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, printTolerationsMultiline, rfc1123z, since } from './format.js';
import { tabbed } from './writer.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

const durations: [number, string][] = [
  [-3 * s, '<invalid>'],
  [-1500, '0s'],
  [0, '0s'],
  [119 * s, '119s'],
  [2 * m, '2m'],
  [3 * m + 20 * s, '3m20s'],
  [10 * m + 59 * s, '10m'],
  [179 * m, '179m'],
  [3 * h, '3h'],
  [5 * h + 10 * m, '5h10m'],
  [47 * h, '47h'],
  [3 * d + 4 * h, '3d4h'],
  [7 * d, '7d'],
  [400 * d, '400d'],
  [2 * 365 * d + 30 * d, '2y30d'],
  [3 * 365 * d, '3y'],
  [9 * 365 * d + 100 * d, '9y'],
];
for (const [ms, want] of durations) test(`humanDuration(${ms}) is ${want}`, () => assert.equal(humanDuration(ms), want));

test('since: absent or unparsable times are <unknown>, others an age against the clock', () => {
  const now = () => Date.parse('2026-01-02T03:04:05Z');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since('garbage', now), '<unknown>');
  assert.equal(since('2026-01-02T03:00:00Z', now), '4m5s');
});

test('rfc1123z: Go RFC1123Z in the local zone; an absent time is the zero time', () => {
  const tz = process.env['TZ'];
  process.env['TZ'] = 'UTC';
  try {
    assert.equal(rfc1123z('2026-11-23T04:52:02Z'), 'Mon, 23 Nov 2026 04:52:02 +0000');
    assert.equal(rfc1123z(undefined), 'Mon, 01 Jan 0001 00:00:00 +0000');
    process.env['TZ'] = 'Asia/Kolkata';
    assert.equal(rfc1123z('2026-11-23T04:52:02Z'), 'Mon, 23 Nov 2026 10:22:02 +0530');
  } finally {
    if (tz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = tz;
  }
});

test('formatLabels and formatLabelSelector: sorted, <none> when empty', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }), 'app=web,tier in (a,b)');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }), '<error>');
});

test('printLabelsMultiline: one label per line under the title, <none> when empty', () => {
  assert.equal(
    tabbed((w) => printLabelsMultiline(w, 'Labels', { b: '2', a: '1' })),
    'Labels:  a=1\n         b=2\n',
  );
  assert.equal(
    tabbed((w) => printLabelsMultiline(w, 'Labels', undefined)),
    'Labels:  <none>\n',
  );
});

test('printAnnotationsMultiline: skips last-applied, breaks long and multi-line values', () => {
  const long = 'x'.repeat(150);
  const text = tabbed((w) =>
    printAnnotationsMultiline(w, 'Annotations', {
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      short: 'v',
      long,
      multi: 'one\ntwo\n',
    }),
  );
  assert.equal(text, ['Annotations:  long:', `                ${'x'.repeat(138)}...`, '              multi:', '                one', '                two', '              short: v', ''].join('\n'));
  assert.equal(
    tabbed((w) => printAnnotationsMultiline(w, 'Annotations', { 'kubectl.kubernetes.io/last-applied-configuration': '{}' })),
    'Annotations:  <none>\n',
  );
});

test('taints sort by effect then key; tolerations by key, with op=Exists and seconds', () => {
  assert.equal(
    tabbed((w) =>
      printTaintsMultiline(w, 'Taints', [
        { key: 'z', effect: 'NoSchedule' },
        { key: 'a', value: 'v', effect: 'NoSchedule' },
        { key: 'b', effect: 'NoExecute' },
      ]),
    ),
    'Taints:  b:NoExecute\n         a=v:NoSchedule\n         z:NoSchedule\n',
  );
  assert.equal(
    tabbed((w) =>
      printTolerationsMultiline(w, 'Tolerations', [
        { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { operator: 'Exists' },
        { key: 'd', operator: 'Equal', value: 'x', effect: 'NoSchedule' },
      ]),
    ),
    'Tolerations:  op=Exists\n              d=x:NoSchedule\n              k:NoExecute op=Exists for 300s\n',
  );
});
