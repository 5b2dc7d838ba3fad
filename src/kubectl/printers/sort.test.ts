// --sort-by: the orders below are what kubectl 1.32 printed for `kubectl get cm --sort-by=<path> -o name`
// over these 40 ConfigMaps (listed by name), so they pin Go's unstable sort, equal keys and all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../errors.js';
import { goSort } from './gosort.js';
import { sortObjects, TableSortError } from './sort.js';

// [name, data.q, labels.g (null: no label)]
const rows: [string, string, string | null][] = [["s01","4Mi","1"],["s02","8Mi","2"],["s03","1Mi","0"],["s04","5Mi","1"],["s05","9Mi",null],["s06","2Mi","0"],["s07","6Mi","1"],["s08","10Mi","2"],["s09","3Mi","0"],["s10","7Mi",null],["s11","0Mi","2"],["s12","4Mi","0"],["s13","8Mi","1"],["s14","1Mi","2"],["s15","5Mi",null],["s16","9Mi","1"],["s17","2Mi","2"],["s18","6Mi","0"],["s19","10Mi","1"],["s20","3Mi",null],["s21","7Mi","0"],["s22","0Mi","1"],["s23","4Mi","2"],["s24","8Mi","0"],["s25","1Mi",null],["s26","5Mi","2"],["s27","9Mi","0"],["s28","2Mi","1"],["s29","6Mi","2"],["s30","10Mi",null],["s31","3Mi","1"],["s32","7Mi","2"],["s33","0Mi","0"],["s34","4Mi","1"],["s35","8Mi",null],["s36","1Mi","0"],["s37","5Mi","1"],["s38","9Mi","2"],["s39","2Mi","0"],["s40","6Mi",null]];

const items = rows.map(([name, q, g]) => ({ metadata: { name, ...(g === null ? {} : { labels: { g } }) }, data: { q } }));
const names = (objs: typeof items): string => objs.map((o) => o.metadata.name).join(' ');

test('40 objects sort as kubectl sorts them: quantities by value, ties and missing values in its order', () => {
  const cases: [string, string][] = [
    ['.data.q', 's33 s22 s11 s14 s03 s36 s25 s39 s06 s28 s17 s31 s20 s09 s34 s12 s23 s01 s37 s15 s04 s26 s40 s07 s29 s18 s10 s32 s21 s13 s24 s35 s02 s05 s16 s38 s27 s30 s08 s19'],
    ['.metadata.labels.g', 's10 s30 s20 s15 s25 s40 s35 s05 s09 s36 s33 s12 s06 s27 s39 s03 s24 s18 s21 s31 s07 s22 s04 s37 s16 s19 s34 s28 s01 s13 s29 s32 s11 s14 s08 s26 s17 s38 s23 s02'],
    ['{.metadata.name}', 's01 s02 s03 s04 s05 s06 s07 s08 s09 s10 s11 s12 s13 s14 s15 s16 s17 s18 s19 s20 s21 s22 s23 s24 s25 s26 s27 s28 s29 s30 s31 s32 s33 s34 s35 s36 s37 s38 s39 s40'],
  ];
  for (const [path, want] of cases) assert.equal(names(sortObjects(items, path, (o) => o)), want, path);
});

test('numbers sort numerically, strings that are quantities by value, other strings bytewise', () => {
  const sort = (values: unknown[]): unknown[] => sortObjects(values.map((v) => ({ v })), '.v', (o) => o).map((o) => o.v);
  assert.deepEqual(sort([10, 9, -1, 100]), [-1, 9, 10, 100]);
  assert.deepEqual(sort([2.5, 0.5, 1.5]), [0.5, 1.5, 2.5]);
  assert.deepEqual(sort(['2Gi', '500Mi', '1', '100m']), ['100m', '1', '500Mi', '2Gi']);
  assert.deepEqual(sort(['web-10', 'web-9', 'Web', 'api']), ['Web', 'api', 'web-10', 'web-9']);
  assert.deepEqual(sort(['2024-05-01T10:00:00Z', '2023-12-31T23:59:59Z']), ['2023-12-31T23:59:59Z', '2024-05-01T10:00:00Z']);
});

test('objects without the field come first (in insertion-sort order for a few); none with it is an error', () => {
  const objs = [{ n: 'a', v: 2 }, { n: 'b' }, { n: 'c', v: 1 }, { n: 'd' }];
  assert.deepEqual(
    sortObjects(objs, 'v', (o) => o).map((o) => o.n),
    ['d', 'b', 'c', 'a'],
  );
  assert.throws(() => sortObjects(objs, '.nope', (o) => o), { message: 'couldn\'t find any field with path "{.nope}" in the list of objects' });
  assert.deepEqual(sortObjects([], '.nope', (o) => o), []);
});

test('values kubectl cannot compare, and paths it cannot use', () => {
  assert.throws(() => sortObjects([{ v: { a: 1 } }, { v: { b: 1 } }], '.v', (o) => o), (e: unknown) => e instanceof CliError && /unsortable type: map\[string\]interface \{\}/.test(e.message));
  assert.throws(() => sortObjects([{ v: 1 }, { v: 1.5 }], '.v', (o) => o), /unsortable interface: interface/);
  assert.throws(() => sortObjects([{ v: 1 }], '{.a}{.b}', (o) => o), /unexpected path string, expected a 'name1.name2'/);
});

test('table rows: one row is left alone, a path that cannot be used is a TableSortError', () => {
  const rows = [{ object: { metadata: { name: 'b' } } }, { object: { metadata: { name: 'a' } } }];
  assert.deepEqual(sortObjects(rows.slice(0, 1), '.nope', (r) => r.object, { table: true }), rows.slice(0, 1));
  assert.deepEqual(sortObjects(rows, '.metadata.name', (r) => r.object, { table: true }).map((r) => r.object.metadata.name), ['a', 'b']);
  assert.throws(() => sortObjects(rows, '.nope', (r) => r.object, { table: true }), TableSortError);
  assert.throws(() => sortObjects(rows, '{.a', (r) => r.object, { table: true }), { message: 'sorting error: unclosed action' });
});

test('goSort sorts any input (checked against a stable sort on distinct keys)', () => {
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (const n of [0, 1, 5, 12, 13, 49, 50, 51, 200, 1000]) {
    const a = Array.from({ length: n }, (_, i) => rand() * 2000 + i);
    const b = [...a];
    goSort(b.length, { less: (i, j) => (b[i] ?? 0) < (b[j] ?? 0), swap: (i, j) => ([b[i], b[j]] = [b[j] ?? 0, b[i] ?? 0]) });
    assert.deepEqual(b, [...a].sort((x, y) => x - y), `n=${n}`);
  }
});
