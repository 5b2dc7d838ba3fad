// The patch entry point: content-type dispatch and the body-shape rules kube-apiserver applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, isPatchContentType, isPatchError, PatchError, PatchType } from './patch.js';

const deploy = { kind: 'Deployment', metadata: { finalizers: ['a'] }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b' }] } } } };
const schemaName = 'io.k8s.api.apps.v1.Deployment';

test('applyPatch dispatches on the content type', () => {
  const containerPatch = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } };
  assert.deepEqual(applyPatch(PatchType.Merge, deploy, containerPatch, { schemaName }), {
    ...deploy,
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } },
  });
  assert.deepEqual(applyPatch(PatchType.StrategicMerge, deploy, containerPatch, { schemaName }), {
    ...deploy,
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'a:2' }, { name: 'b' }] } } },
  });
  assert.deepEqual(applyPatch(PatchType.JSON, deploy, [{ op: 'replace', path: '/spec/replicas', value: 3 }]), {
    ...deploy,
    spec: { ...deploy.spec, replicas: 3 },
  });
});

test('merge and strategic merge patches must be objects; a JSON patch must be a list', () => {
  const cases: [Parameters<typeof applyPatch>[0], unknown][] = [
    [PatchType.Merge, [1]],
    [PatchType.Merge, null],
    [PatchType.Merge, 'x'],
    [PatchType.StrategicMerge, [1]],
    [PatchType.StrategicMerge, 3],
    [PatchType.JSON, { op: 'add' }],
  ];
  for (const [type, body] of cases) {
    assert.throws(
      () => applyPatch(type, deploy, body, { schemaName }),
      (e: unknown) => isPatchError(e, 'BadRequest') && e.httpStatus === 400,
      `${type} ${JSON.stringify(body)}`,
    );
  }
});

test('PatchError codes map to 400 and 422', () => {
  assert.equal(new PatchError('BadRequest', 'x').httpStatus, 400);
  assert.equal(new PatchError('Invalid', 'x').httpStatus, 422);
  assert.throws(
    () => applyPatch(PatchType.JSON, deploy, [{ op: 'test', path: '/kind', value: 'Pod' }]),
    (e: unknown) => isPatchError(e, 'Invalid') && e.httpStatus === 422,
  );
});

test('isPatchContentType knows the three patch media types', () => {
  assert.ok(isPatchContentType('application/json-patch+json'));
  assert.ok(isPatchContentType('application/merge-patch+json'));
  assert.ok(isPatchContentType('application/strategic-merge-patch+json'));
  assert.ok(!isPatchContentType('application/json'));
  assert.ok(!isPatchContentType('application/apply-patch+yaml'));
});
