import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alreadyExists, conflict, field, invalid, notFound } from './errors.js';

test('Status errors are worded as kube-apiserver words them', () => {
  assert.equal(notFound({ group: '', resource: 'pods' }, 'web').message, 'pods "web" not found');
  assert.equal(notFound({ group: 'apps', resource: 'deployments' }, 'web').message, 'deployments.apps "web" not found');
  assert.equal(alreadyExists({ group: '', resource: 'pods' }, 'web').status.code, 409);
  assert.match(conflict({ group: '', resource: 'pods' }, 'web').message, /^Operation cannot be fulfilled on pods "web": the object has been modified/);
});

test('invalid carries one cause per field error', () => {
  const p = field.path('spec', 'containers').index(0);
  const one = invalid({ group: '', kind: 'Pod' }, 'web', [field.required(p.child('image'))]);
  assert.equal(one.message, 'Pod "web" is invalid: spec.containers[0].image: Required value');
  assert.equal(one.status.code, 422);
  assert.deepEqual(one.status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
  const two = invalid({ group: 'apps', kind: 'Deployment' }, 'd', [
    field.invalid('metadata.name', 'Bad_Name', 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters'),
    field.notSupported('spec.strategy.type', 'Sometimes', ['Recreate', 'RollingUpdate']),
  ]);
  assert.equal(
    two.message,
    'Deployment.apps "d" is invalid: [metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, spec.strategy.type: Unsupported value: "Sometimes": supported values: "Recreate", "RollingUpdate"]',
  );
});
