// Cell formatting helpers against upstream's texts: HumanDuration, labels, selectors, quantities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessModes, boolPtr, formatLabelSelector, formatLabels, humanDuration, listWithMore, quantity, selectorString, since } from './format.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration matches duration.HumanDuration at every boundary', () => {
  const cases: [number, string][] = [
    [-2500, '<invalid>'],
    [-2000, '<invalid>'],
    [-1999, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [59 * S, '59s'],
    [119 * S + 999, '119s'],
    [2 * M, '2m'],
    [5 * M + 30 * S, '5m30s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 10 * M + 5 * S, '3h10m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [49 * H, '2d1h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [731 * D, '2y1d'],
    [8 * 365 * D - 1, '7y364d'],
    [8 * 365 * D, '8y'],
    [20 * 365 * D, '20y'],
  ];
  for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms}ms`);
});

test('since prints <unknown> for an unset time', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since(new Date('2024-05-01T11:55:00Z'), now), '5m');
});

test('formatLabels sorts the k=v strings and prints <none> for no labels', () => {
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels({ tier: 'web', app: 'shop' }), 'app=shop,tier=web');
  // Go sorts "a.b=1" before "a=2" because '.' < '='.
  assert.equal(formatLabels({ a: '2', 'a.b': '1' }), 'a.b=1,a=2');
});

test('formatLabelSelector and the Deployment selector string', () => {
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] };
  assert.equal(formatLabelSelector(sel), 'app=web,tier in (a,b)');
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }), '<error>');
  assert.equal(selectorString({ matchLabels: { app: 'web' } }), 'app=web');
  assert.equal(selectorString(undefined), '');
  assert.equal(selectorString({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }), '<invalid>');
});

test('quantity prints the canonical form, and 0 when absent', () => {
  assert.equal(quantity('1Gi'), '1Gi');
  assert.equal(quantity('1024Mi'), '1Gi');
  assert.equal(quantity('0.5'), '500m');
  assert.equal(quantity(undefined), '0');
  assert.equal(quantity('not-a-quantity'), 'not-a-quantity');
});

test('accessModes, boolPtr and listWithMore', () => {
  assert.equal(accessModes(['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce']), 'RWO,RWX');
  assert.equal(accessModes(['ReadWriteOncePod', 'ReadOnlyMany']), 'ROX,RWOP');
  assert.equal(accessModes([]), '');
  assert.deepEqual([boolPtr(true), boolPtr(false), boolPtr(undefined)], ['True', 'False', '<unset>']);
  assert.equal(listWithMore([], 3), '<unset>');
  assert.equal(listWithMore(['a', 'b', 'c'], 3), 'a,b,c');
  assert.equal(listWithMore(['a', 'b', 'c', 'd', 'e'], 3), 'a,b,c + 2 more...');
});
