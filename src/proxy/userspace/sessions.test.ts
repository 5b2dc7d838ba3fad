import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdleTable } from './sessions.js';

test('entries expire after the idle period; get and touch count as use', () => {
  let t = 0;
  const table = new IdleTable<string, string>(60_000, () => t);
  table.set('a', 'A');
  table.set('b', 'B');
  table.set('c', 'C');
  t = 50_000;
  assert.equal(table.get('a'), 'A');
  table.touch('b');
  t = 60_001;
  assert.deepEqual(table.expire(), ['C']);
  assert.equal(table.size, 2);
  t = 110_001;
  assert.deepEqual(table.expire(), ['A', 'B']);
  assert.equal(table.get('a'), undefined);
});

test('evict and clear return what they removed', () => {
  const table = new IdleTable<number, string>(1000, () => 0);
  for (const [k, v] of [
    [1, 'keep'],
    [2, 'drop'],
    [3, 'keep'],
  ] as const)
    table.set(k, v);
  assert.deepEqual(table.evict((v) => v === 'keep'), ['drop']);
  assert.equal(table.delete(1), 'keep');
  assert.equal(table.delete(1), undefined);
  assert.deepEqual(table.clear(), ['keep']);
  assert.equal(table.size, 0);
});
