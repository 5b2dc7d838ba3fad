import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from '../errors.js';
import type { ObjectMeta } from '../generated/meta/v1.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';

const ns = { namespaced: true, nameRule: nameIsDNSSubdomain };
const cluster = { namespaced: false, nameRule: nameIsDNSSubdomain };
const msgs = (m: ObjectMeta, opts = ns): string[] => validateObjectMeta(m, opts).map(fieldErrorString);

const cases: [string, ObjectMeta, typeof ns, string[]][] = [
  ['valid', { name: 'a', namespace: 'default', labels: { app: 'x' } }, ns, []],
  ['name required', { namespace: 'default' }, ns, ['metadata.name: Required value: name or generateName is required']],
  ['namespace required', { name: 'a' }, ns, ['metadata.namespace: Required value']],
  ['namespace forbidden', { name: 'a', namespace: 'x' }, cluster, ['metadata.namespace: Forbidden: not allowed on this type']],
  [
    'bad label value',
    { name: 'a', namespace: 'd', labels: { app: 'a b' } },
    ns,
    [
      `metadata.labels: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
  ],
  ['annotation too large', { name: 'a', namespace: 'd', annotations: { k: 'x'.repeat(256 * 1024) } }, ns, ['metadata.annotations: Too long: must have at most 262144 bytes']],
  [
    'owner reference incomplete',
    { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: '', kind: 'Pod', name: 'p', uid: '' }] },
    ns,
    ['metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty', 'metadata.ownerReferences.uid: Invalid value: "": must not be empty'],
  ],
  ['bad finalizer', { name: 'a', namespace: 'd', finalizers: ['custom'] }, ns, ['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']],
  ['negative generation', { name: 'a', namespace: 'd', generation: -1 }, ns, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
];

for (const [name, meta, opts, want] of cases) test(`meta: ${name}`, () => assert.deepEqual(msgs(meta, opts), want));

test('meta update: immutable identity and resourceVersion', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' };
  assert.deepEqual(validateObjectMetaUpdate({ ...old }, old).map(fieldErrorString), []);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, name: 'b', uid: 'u2', resourceVersion: '' }, old).map(fieldErrorString), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.name: Invalid value: "b": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  const deleting = { ...old, deletionTimestamp: '2024-01-02T00:00:00Z', finalizers: ['a.io/x'] };
  assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting).map(fieldErrorString), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
  ]);
});
