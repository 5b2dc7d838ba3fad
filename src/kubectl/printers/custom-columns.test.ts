// Custom columns: the expected tables are what kubectl 1.32 printed for these ConfigMaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnsFromSpec, columnsFromTemplate, relaxedJsonPath, renderCustomColumns } from './custom-columns.js';

const cms = [
  { metadata: { name: 'cm1', labels: {} }, data: { k: 'v1' } },
  { metadata: { name: 'cm2', labels: { tier: 'web' } }, data: { k: 'v2' } },
  { metadata: { name: 'cm3', annotations: { note: 'multi\nline' } }, data: { k: 'v3' } },
];

test('cells print Go values, <none> when nothing is found; a newline in a value breaks the layout as in kubectl', () => {
  const cols = columnsFromSpec('NAME:.metadata.name,DATA:.data,LABELS:.metadata.labels,VALUES:.data.*,ANN:.metadata.annotations.note,MISSING:.x');
  assert.equal(
    renderCustomColumns(cms, cols),
    [
      'NAME   DATA        LABELS          VALUES   ANN      MISSING',
      'cm1    map[k:v1]   map[]           v1       <none>   <none>',
      'cm2    map[k:v2]   map[tier:web]   v2       <none>   <none>',
      'cm3    map[k:v3]   <none>          v3       multi',
      'line   <none>',
      '',
    ].join('\n'),
  );
  assert.equal(renderCustomColumns(cms, columnsFromSpec('N:metadata.name,K:{.data.k}'), { noHeaders: true }), 'cm1   v1\ncm2   v2\ncm3   v3\n');
});

test('several results of one path are joined with commas', () => {
  const pod = { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2' }] } };
  assert.equal(renderCustomColumns([pod], columnsFromSpec('IMAGES:.spec.containers[*].image')), 'IMAGES\nx:1,y:2\n');
});

test('paths are relaxed as kubectl relaxes them', () => {
  for (const p of ['metadata.name', '.metadata.name', '{metadata.name}', '{.metadata.name}']) assert.equal(relaxedJsonPath(p), '{.metadata.name}');
  assert.equal(relaxedJsonPath(''), '');
  assert.throws(() => relaxedJsonPath('{.a}{.b}'), /unexpected path string/);
});

test('specs and template files are checked with kubectl wording', () => {
  assert.throws(() => columnsFromSpec(''), { message: 'custom-columns format specified but no custom columns given' });
  assert.throws(() => columnsFromSpec('NAME'), { message: 'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>' });
  assert.deepEqual(columnsFromTemplate('NAME   KIND\n.metadata.name {.kind}\n'), [
    { header: 'NAME', fieldSpec: '{.metadata.name}' },
    { header: 'KIND', fieldSpec: '{.kind}' },
  ]);
  assert.throws(() => columnsFromTemplate('A B\n.a\n'), { message: "number of headers (2) and field specifications (1) don't match" });
  assert.throws(() => columnsFromTemplate('A B\n'), /missing spec line/);
  assert.throws(() => columnsFromTemplate(''), /missing header line/);
});
