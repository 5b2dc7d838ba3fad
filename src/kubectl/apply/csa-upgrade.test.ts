// Migration of client-side apply ownership to server-side apply, as client-go's csaupgrade does it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/patch/json.js';
import { LAST_APPLIED } from './annotation.js';
import { LAST_APPLIED_PATH, ownersOf, upgradeManagedFieldsPatch } from './csa-upgrade.js';

const la = { 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST_APPLIED}`]: {} } } };
const entry = (manager: string, operation: string, fieldsV1: JsonObject, extra: JsonObject = {}): JsonObject => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  time: '2026-01-01T00:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...extra,
});
const object = (...managedFields: JsonObject[]): JsonObject => ({ metadata: { name: 'web', resourceVersion: '42', managedFields } });

const csa = entry('kubectl-client-side-apply', 'Update', { ...la, 'f:spec': { 'f:replicas': {} } });
const ssa = entry('kubectl', 'Apply', { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } });
const label = entry('kubectl-label', 'Update', { 'f:metadata': { 'f:labels': { 'f:extra': {} } } });

test('csa-upgrade: owners of the last-applied annotation by operation', () => {
  const obj = object(csa, ssa, label);
  assert.deepEqual(ownersOf(obj, 'Update', LAST_APPLIED_PATH), ['kubectl-client-side-apply']);
  assert.deepEqual(ownersOf(obj, 'Apply', LAST_APPLIED_PATH), []);
});

test('csa-upgrade: the client-side fields join the server-side entry, the old entry goes, resourceVersion is pinned', () => {
  const patch = upgradeManagedFieldsPatch(object(csa, ssa, label), ['kubectl-client-side-apply'], 'kubectl');
  assert.ok(patch);
  const ops = JSON.parse(patch) as { op: string; path: string; value: JsonObject[] }[];
  assert.deepEqual(ops.map((o) => [o.op, o.path]), [['replace', '/metadata/managedFields'], ['replace', '/metadata/resourceVersion']]);
  assert.equal(ops[1]?.value, '42');
  const managers = ops[0]?.value ?? [];
  assert.deepEqual(managers.map((m) => m['manager']), ['kubectl', 'kubectl-label']);
  assert.deepEqual(managers[0]?.['fieldsV1'], {
    'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST_APPLIED}`]: {} } },
    'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } },
  });
  assert.deepEqual(Object.keys(managers[0] ?? {}), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1'], "Go's field order");
});

test('csa-upgrade: without a server-side entry the client-side one becomes it', () => {
  const patch = upgradeManagedFieldsPatch(object(csa, label), ['kubectl-client-side-apply'], 'kubectl');
  const managers = (JSON.parse(patch ?? '[]') as { value: JsonObject[] }[])[0]?.value ?? [];
  assert.deepEqual(managers.map((m) => [m['manager'], m['operation']]), [['kubectl', 'Apply'], ['kubectl-label', 'Update']]);
});

test('csa-upgrade: nothing to migrate gives no patch', () => {
  assert.equal(upgradeManagedFieldsPatch(object(ssa, label), [], 'kubectl'), undefined);
  assert.equal(upgradeManagedFieldsPatch(object(ssa, label), ['kubectl-client-side-apply'], 'kubectl'), undefined);
});
