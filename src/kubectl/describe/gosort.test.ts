import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goSort } from './gosort.js';

test('goSort: orders ties exactly as kubectl 1.32 did (40 events over three seconds, seen on a cluster)', () => {
  // Reason and last-seen second of each event, in the order the API listed them.
  const listed = '0:1 1:0 2:1 3:2 4:0 5:0 6:2 7:0 8:1 9:2 10:0 11:2 12:0 13:0 14:0 15:1 16:1 17:0 18:0 19:0 20:2 21:1 22:0 23:2 24:0 25:0 26:2 27:2 28:2 29:0 30:2 31:2 32:1 33:0 34:0 35:0 36:2 37:0 38:1 39:1';
  const events = listed.split(' ').map((p) => p.split(':').map(Number) as [number, number]);
  const printed = '14 25 12 33 4 5 13 7 24 37 10 35 34 1 18 22 19 17 29 16 0 21 15 32 8 38 39 2 20 28 30 31 27 26 23 11 36 9 6 3';
  assert.equal(goSort(events, (a, b) => a[1] < b[1]).map((e) => e[0]).join(' '), printed);
});

test('goSort: up to twelve elements are sorted stably (insertion sort)', () => {
  const items = [3, 1, 2, 1, 3, 2, 1, 2, 3, 1, 2, 3].map((k, i) => ({ k, i }));
  const sorted = goSort([...items], (a, b) => a.k < b.k);
  assert.deepEqual(sorted, [...items].sort((a, b) => a.k - b.k || a.i - b.i));
});

test('goSort: sorts whatever the shape (random, reversed, sorted, constant; short and long)', () => {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const shapes: [string, (n: number) => number[]][] = [
    ['random', (n) => Array.from({ length: n }, () => rand(10))],
    ['reversed', (n) => Array.from({ length: n }, (_, i) => n - i)],
    ['sorted', (n) => Array.from({ length: n }, (_, i) => i)],
    ['constant', (n) => Array.from({ length: n }, () => 7)],
    ['sawtooth', (n) => Array.from({ length: n }, (_, i) => i % 5)],
  ];
  for (const [name, make] of shapes) {
    for (const n of [0, 1, 13, 49, 50, 51, 200, 1000]) {
      const input = make(n);
      assert.deepEqual(
        goSort([...input], (a, b) => a < b),
        [...input].sort((a, b) => a - b),
        `${name} ${n}`,
      );
    }
  }
});
