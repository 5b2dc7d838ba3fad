// CRD printer columns (JSONPath cells and typed cells) and the default convertor. The JSONPath
// language itself is tested in src/api/jsonpath.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdTableConvertor, defaultTable } from './crd.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();

const cert = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web-tls', namespace: 'default', creationTimestamp: ago(7200) },
  spec: { secretName: 'web-tls', replicas: 3, ratio: 0.5, dnsNames: ['a.example.com', 'b.example.com'], labels: { z: '1', a: '<2>' } },
  status: {
    conditions: [
      { type: 'Issuing', status: 'False' },
      { type: 'Ready', status: 'True', lastTransitionTime: ago(3600) },
    ],
    notAfter: ago(-86400 * 30),
    renewed: true,
  },
};

test('a CRD version without printer columns gets Name and Age', () => {
  const t = crdTableConvertor([]);
  assert.deepEqual(
    t.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [['Name', 'string', 'name', 0], ['Age', 'date', '', 0]],
  );
  // Under three hours, HumanDuration counts minutes.
  assert.deepEqual(t.cells(cert, NOW), ['web-tls', '120m']);
});

test('CRD printer columns: typed cells, descriptions, priority, missing values', () => {
  const t = crdTableConvertor([
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Secret', type: 'string', jsonPath: '.spec.secretName', description: 'The secret' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio', priority: 1 },
    { name: 'Renewed', type: 'boolean', jsonPath: '.status.renewed' },
    { name: 'Expires', type: 'date', jsonPath: '.status.notAfter' },
    { name: 'Hosts', type: 'string', jsonPath: '.spec.dnsNames' },
    { name: 'Labels', type: 'string', jsonPath: '.spec.labels' },
    { name: 'Missing', type: 'string', jsonPath: '.status.nothing' },
    { name: 'WrongType', type: 'integer', jsonPath: '.spec.secretName' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ]);
  assert.deepEqual(
    t.columns.slice(0, 4).map((c) => [c.name, c.type, c.priority, c.description]),
    [
      ['Name', 'string', 0, t.columns[0]?.description],
      ['Ready', 'string', 0, 'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].status'],
      ['Secret', 'string', 0, 'The secret'],
      ['Replicas', 'integer', 0, 'Custom resource definition column (in JSONPath format): .spec.replicas'],
    ],
  );
  assert.equal(t.columns[4]?.priority, 1);
  assert.deepEqual(t.cells(cert, NOW), [
    'web-tls',
    'True',
    'web-tls',
    3,
    0.5,
    true,
    // A date in the future is more than a second away: upstream prints <invalid>.
    '<invalid>',
    '["a.example.com","b.example.com"]',
    '{"a":"\\u003c2\\u003e","z":"1"}',
    null,
    null,
    '120m',
  ]);
});

test('CRD date columns: unset, unparsable, JSON null in a string column', () => {
  const t = crdTableConvertor([
    { name: 'When', type: 'date', jsonPath: '.spec.when' },
    { name: 'Text', type: 'string', jsonPath: '.spec.when' },
  ]);
  const obj = (when: unknown): Record<string, unknown> => ({ metadata: { name: 'x' }, spec: { when } });
  assert.deepEqual(t.cells(obj(''), NOW), ['x', '<unknown>', '']);
  assert.deepEqual(t.cells(obj('yesterday'), NOW), ['x', '<invalid>', 'yesterday']);
  assert.deepEqual(t.cells(obj(ago(90)), NOW), ['x', '90s', ago(90)]);
  assert.deepEqual(t.cells(obj(null), NOW), ['x', null, '<no value>']);
});

test('an unparsable column path is rejected when the convertor is built', () => {
  assert.throws(() => crdTableConvertor([{ name: 'Bad', type: 'string', jsonPath: '.spec[' }]), /unrecognized column definition "\.spec\["/);
  assert.throws(() => crdTableConvertor([{ name: 'Bad', type: 'string', jsonPath: '.spec\tx' }]), /unrecognized column definition/);
});

test('a column path that parses but fails on an object leaves the cell empty', () => {
  const t = crdTableConvertor([
    { name: 'Second', type: 'string', jsonPath: '.spec.dnsNames[5]' },
    { name: 'Cmp', type: 'string', jsonPath: '.status.conditions[?(@.status==1)].type' },
    { name: 'Ident', type: 'string', jsonPath: 'spec.secretName' },
  ]);
  assert.deepEqual(t.cells(cert, NOW), ['web-tls', null, null, null]);
});

test('the default convertor prints Name and an RFC 3339 Created At', () => {
  assert.deepEqual(
    defaultTable.columns.map((c) => [c.name, c.type, c.format]),
    [['Name', 'string', 'name'], ['Created At', 'date', '']],
  );
  assert.deepEqual(defaultTable.cells({ metadata: { name: 'admin', creationTimestamp: '2024-04-30T08:15:42Z' } }, NOW), ['admin', '2024-04-30T08:15:42Z']);
  assert.deepEqual(defaultTable.cells({ metadata: { name: 'frac', creationTimestamp: '2024-04-30T08:15:42.123456Z' } }, NOW), ['frac', '2024-04-30T08:15:42Z']);
  assert.deepEqual(defaultTable.cells({ metadata: { name: 'none' } }, NOW), ['none', '0001-01-01T00:00:00Z']);
});
