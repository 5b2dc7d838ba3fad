import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goValue, printContent, smartLabel, splitCamelCase } from './generic.js';
import { tabbed } from './writer.js';

test('splitCamelCase and smartLabel: as kubectl labels unstructured fields', () => {
  assert.deepEqual(splitCamelCase('PDFLoader'), ['PDF', 'Loader']);
  assert.deepEqual(splitCamelCase('podCIDRs'), ['pod', 'CID', 'Rs']);
  const labels: [string, string][] = [
    ['apiVersion', 'API Version'],
    ['creationTimestamp', 'Creation Timestamp'],
    ['uid', 'UID'],
    ['HTTPServer', 'HTTP Server'],
    ['item-list', 'Item - List'],
    ['some_field', 'some_field'],
    ['ipv4', 'ipv4'],
    ['spec', 'Spec'],
  ];
  for (const [field, want] of labels) assert.equal(smartLabel(field), want, field);
});

test("goValue: Go's %v of decoded JSON", () => {
  const cases: [unknown, string][] = [
    [3, '3'],
    [1.5, '1.5'],
    [1234567.5, '1.2345675e+06'],
    [0.00001, '1e-05'],
    [0.0001, '0.0001'],
    [true, 'true'],
    [null, '<nil>'],
    [['x', 2], '[x 2]'],
    [{ b: 1, a: 'z' }, 'map[a:z b:1]'],
  ];
  for (const [v, want] of cases) assert.equal(goValue(v), want, JSON.stringify(v));
});

test('printContent: sorted fields, nested maps indented, list items and maps under their field, metadata basics skipped', () => {
  const text = tabbed((w) =>
    printContent(
      w,
      0,
      {
        spec: { replicas: 2, items: ['a', { name: 'n', size: 1 }] },
        metadata: { name: 'x', namespace: 'y', labels: {}, uid: 'u', managedFields: [{}] },
        apiVersion: 'example.com/v1',
      },
      '',
    ),
  );
  assert.equal(text, ['API Version:  example.com/v1', 'Metadata:', '  UID:  u', 'Spec:', '  Items:', '    a', '    Name:    n', '    Size:    1', '  Replicas:  2', ''].join('\n'));
});
