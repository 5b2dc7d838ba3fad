import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignColumns, renderTable, type Table } from './table.js';

const table: Table = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'IP', type: 'string', priority: 1 },
  ],
  rows: [
    { cells: ['web-1', '1/1', '10.0.0.1'], object: { metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web', tier: 'fe' } } } },
    { cells: ['redis', 0, null], object: { metadata: { name: 'redis', namespace: 'db' } } },
  ],
};

test('tabwriter alignment: three spaces between columns (six wide at least), none after the last', () => {
  assert.equal(alignColumns([['A', 'BB'], ['CCC', 'D']]), 'A     BB\nCCC   D\n');
  assert.equal(alignColumns([['A', 'B', 'C'], ['ABCDEF', '', 'D']]), 'A        B     C\nABCDEF         D\n');
});

test('priority columns only with wide; namespace, labels, -L and kind prefixes', () => {
  assert.equal(renderTable(table, {}), 'NAME    READY\nweb-1   1/1\nredis   0\n');
  assert.equal(renderTable(table, { wide: true, noHeaders: true }), 'web-1   1/1   10.0.0.1\nredis   0     <none>\n');
  assert.equal(
    renderTable(table, { withNamespace: true, showLabels: true, labelColumns: ['app'], kindPrefix: 'pod/' }),
    'NAMESPACE   NAME        READY   APP   LABELS\ndefault     pod/web-1   1/1     web   app=web,tier=fe\ndb          pod/redis   0             <none>\n',
  );
});
